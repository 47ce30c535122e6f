//! Interactive verification (SAS emoji and QR codes), both directions:
//! requests we make or receive become flows whose whole state reaches
//! frontends as `verification` events at every change.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, Weak},
};

use futures_util::{StreamExt, stream::BoxStream};
use matrix_sdk::{
    Client,
    encryption::verification::{
        CancelInfo, QrVerification, QrVerificationState, SasState, SasVerification, Verification,
        VerificationRequest, VerificationRequestState,
    },
    ruma::{
        UserId,
        events::{
            key::verification::request::ToDeviceKeyVerificationRequestEvent,
            room::message::{MessageType, OriginalSyncRoomMessageEvent},
        },
    },
};
use matrix_sdk_crypto::matrix_sdk_qrcode::qrcode::Color;
use trellis_rpc::{
    crypto::{
        QrCode, SasEmoji, VerificationCancel, VerificationFlowParams, VerificationInfo,
        VerificationPhase,
    },
    events::BackendEvent,
};

use crate::{CoreError, Inner, session::Session};

/// Flows not yet done or cancelled, as frontends last saw them.
#[derive(Default)]
pub(crate) struct Flows(Mutex<BTreeMap<String, VerificationInfo>>);

impl Flows {
    /// Every flow still going, for a frontend that connects.
    pub fn active(&self) -> Vec<VerificationInfo> {
        self.0
            .lock()
            .map(|f| f.values().cloned().collect())
            .unwrap_or_default()
    }

    fn qr_code(&self, flow_id: &str) -> Option<QrCode> {
        self.0.lock().ok()?.get(flow_id)?.qr_code.clone()
    }

    /// Records what a frontend is about to be told; false when it knew it.
    fn record(&self, info: &VerificationInfo) -> bool {
        let Ok(mut flows) = self.0.lock() else {
            return false;
        };
        if flows.get(&info.flow_id) == Some(info) {
            return false;
        }
        if matches!(
            info.state,
            VerificationPhase::Done | VerificationPhase::Cancelled
        ) {
            flows.remove(&info.flow_id);
        } else {
            flows.insert(info.flow_id.clone(), info.clone());
        }
        true
    }
}

/// Follows verification requests others send us, to-device (our own other
/// devices) and in rooms (other users).
pub(crate) fn listen(client: &Client, inner: Weak<Inner>, session: Weak<Session>) {
    let (i, s) = (inner.clone(), session.clone());
    client.add_event_handler(
        move |ev: ToDeviceKeyVerificationRequestEvent, client: Client| {
            let (inner, session) = (i.clone(), s.clone());
            async move {
                let request = client
                    .encryption()
                    .get_verification_request(&ev.sender, &ev.content.transaction_id)
                    .await;
                if let Some(request) = request {
                    follow(inner, session, request);
                }
            }
        },
    );
    client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, client: Client| {
        let (inner, session) = (inner.clone(), session.clone());
        async move {
            if !matches!(ev.content.msgtype, MessageType::VerificationRequest(_))
                || client.user_id() == Some(&*ev.sender)
            {
                return;
            }
            let request = client
                .encryption()
                .get_verification_request(&ev.sender, &ev.event_id)
                .await;
            if let Some(request) = request {
                follow(inner, session, request);
            }
        }
    });
}

/// Watches one flow until it ends, telling frontends of every change.
fn follow(inner: Weak<Inner>, session: Weak<Session>, request: VerificationRequest) {
    let (Some(backend), Some(held)) = (inner.upgrade(), session.upgrade()) else {
        return;
    };
    let stop = backend.tasks.stop.clone();
    let task = backend.tasks.spawn(async move {
        stop.run_until_cancelled(watch(inner, session, request))
            .await;
    });
    held.hold_tasks(task);
}

async fn watch(inner: Weak<Inner>, session: Weak<Session>, request: VerificationRequest) {
    let mut requests = request.changes().boxed();
    let mut current: Option<Verification> = None;
    let mut steps: Option<BoxStream<'static, ()>> = None;
    loop {
        if let Some(s) = session.upgrade() {
            let info = describe(&request, current.as_ref(), &s.crypto.flows);
            let finished = matches!(
                info.state,
                VerificationPhase::Done | VerificationPhase::Cancelled
            );
            if let Some(inner) = inner.upgrade() {
                announce(&inner, &s, &info).await;
            }
            if finished {
                s.crypto.recheck.notify_one();
                return;
            }
        } else {
            return;
        }
        let next = {
            let next_step = async {
                match steps.as_mut() {
                    Some(s) => s.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                state = requests.next() => Next::Request(state),
                step = next_step => Next::Step(step),
            }
        };
        match next {
            Next::Request(Some(VerificationRequestState::Transitioned { verification })) => {
                steps = Some(step_changes(&verification).await);
                current = Some(verification);
            }
            Next::Request(Some(_)) | Next::Step(Some(())) => {}
            Next::Request(None) => return,
            Next::Step(None) => steps = None,
        }
    }
}

/// What moved in a flow: the request, or its SAS or QR part.
enum Next {
    Request(Option<VerificationRequestState>),
    Step(Option<()>),
}

/// The changes of a flow's SAS or QR part. An emoji flow the other side
/// started is accepted: the person already accepted the request.
async fn step_changes(verification: &Verification) -> BoxStream<'static, ()> {
    match verification {
        Verification::SasV1(sas) => {
            if !sas.we_started()
                && matches!(sas.state(), SasState::Started { .. })
                && let Err(e) = sas.accept().await
            {
                tracing::warn!("cannot accept the emoji verification: {e}");
            }
            sas.changes().map(|_| ()).boxed()
        }
        Verification::QrV1(qr) => qr.changes().map(|_| ()).boxed(),
        _ => futures_util::stream::pending().boxed(),
    }
}

async fn announce(inner: &Inner, session: &Session, info: &VerificationInfo) {
    if session.crypto.flows.record(info) {
        inner
            .bus
            .emit(BackendEvent::Verification(info.clone()))
            .await;
    }
}

/// A flow's whole state, from the request and its SAS or QR part.
fn describe(
    request: &VerificationRequest,
    current: Option<&Verification>,
    flows: &Flows,
) -> VerificationInfo {
    let mut info = VerificationInfo {
        flow_id: request.flow_id().to_owned(),
        user_id: request.other_user_id().to_string(),
        device_id: None,
        device_name: None,
        self_verification: request.is_self_verification(),
        we_started: request.we_started(),
        room_id: request.room_id().map(ToString::to_string),
        state: VerificationPhase::Requested,
        methods: request
            .their_supported_methods()
            .unwrap_or_default()
            .iter()
            .map(ToString::to_string)
            .collect(),
        emoji: None,
        decimals: None,
        qr_code: None,
        cancel: None,
    };
    match request.state() {
        VerificationRequestState::Requested {
            other_device_data, ..
        }
        | VerificationRequestState::Ready {
            other_device_data, ..
        } => {
            info.device_id = Some(other_device_data.device_id().to_string());
            info.device_name = other_device_data.display_name().map(str::to_owned);
        }
        _ => {}
    }
    info.state = match request.state() {
        VerificationRequestState::Created { .. } | VerificationRequestState::Requested { .. } => {
            VerificationPhase::Requested
        }
        VerificationRequestState::Ready { .. } => VerificationPhase::Ready,
        VerificationRequestState::Transitioned { .. } => VerificationPhase::Starting,
        VerificationRequestState::Done => VerificationPhase::Done,
        VerificationRequestState::Cancelled(cancel) => {
            info.cancel = Some(cancelled(&cancel));
            VerificationPhase::Cancelled
        }
    };
    if info.cancel.is_none() {
        match current {
            Some(Verification::SasV1(sas)) => describe_sas(sas, &mut info),
            Some(Verification::QrV1(qr)) => describe_qr(qr, flows, &mut info),
            _ => {}
        }
    }
    info
}

fn describe_sas(sas: &SasVerification, info: &mut VerificationInfo) {
    let device = sas.other_device();
    info.device_id = Some(device.device_id().to_string());
    info.device_name = device.display_name().map(str::to_owned);
    info.state = match sas.state() {
        SasState::Created { .. } | SasState::Started { .. } | SasState::Accepted { .. } => {
            VerificationPhase::Starting
        }
        SasState::KeysExchanged { .. } => VerificationPhase::Sas,
        SasState::Confirmed => VerificationPhase::Confirmed,
        SasState::Done { .. } => VerificationPhase::Done,
        SasState::Cancelled(cancel) => {
            info.cancel = Some(cancelled(&cancel));
            VerificationPhase::Cancelled
        }
    };
    if info.state == VerificationPhase::Sas {
        info.emoji = sas.emoji().map(|e| {
            e.iter()
                .map(|e| SasEmoji {
                    symbol: e.symbol.to_owned(),
                    description: e.description.to_owned(),
                })
                .collect()
        });
        info.decimals = sas
            .decimals()
            .map(|(a, b, c)| vec![a.into(), b.into(), c.into()]);
    }
}

fn describe_qr(qr: &QrVerification, flows: &Flows, info: &mut VerificationInfo) {
    let device = qr.other_device();
    info.device_id = Some(device.device_id().to_string());
    info.device_name = device.display_name().map(str::to_owned);
    info.state = match qr.state() {
        QrVerificationState::Started => VerificationPhase::QrShown,
        QrVerificationState::Scanned => VerificationPhase::QrScanned,
        QrVerificationState::Confirmed | QrVerificationState::Reciprocated => {
            VerificationPhase::Confirmed
        }
        QrVerificationState::Done { .. } => VerificationPhase::Done,
        QrVerificationState::Cancelled(cancel) => {
            info.cancel = Some(cancelled(&cancel));
            VerificationPhase::Cancelled
        }
    };
    if info.state == VerificationPhase::QrShown {
        info.qr_code = flows.qr_code(&info.flow_id);
    }
}

fn cancelled(cancel: &CancelInfo) -> VerificationCancel {
    VerificationCancel {
        code: cancel.cancel_code().to_string(),
        reason: cancel.reason().to_owned(),
        by_us: cancel.cancelled_by_us(),
    }
}

fn user(user_id: &str) -> Result<matrix_sdk::ruma::OwnedUserId, CoreError> {
    UserId::parse(user_id)
        .map_err(|e| CoreError::BadRequest(format!("{user_id:?} is not a user ID: {e}")))
}

async fn request_of(
    client: &Client,
    p: &VerificationFlowParams,
) -> Result<VerificationRequest, CoreError> {
    client
        .encryption()
        .get_verification_request(&user(&p.user_id)?, &p.flow_id)
        .await
        .ok_or_else(|| {
            CoreError::BadRequest(format!(
                "no verification {} with {} (it may have ended)",
                p.flow_id, p.user_id
            ))
        })
}

/// The flow's state right after a command, announced as well.
async fn answer(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
    client: &Client,
    request: &VerificationRequest,
) -> VerificationInfo {
    let current = client
        .encryption()
        .get_verification(request.other_user_id(), request.flow_id())
        .await;
    let info = describe(request, current.as_ref(), &session.crypto.flows);
    announce(inner, session, &info).await;
    info
}

fn failed(what: &str) -> impl Fn(matrix_sdk::Error) -> CoreError + '_ {
    move |e| CoreError::Homeserver(format!("cannot {what}: {e}"))
}

/// `request_verification`.
pub(crate) async fn request(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
    user_id: &str,
    device_id: Option<&str>,
) -> Result<VerificationInfo, CoreError> {
    let client = &session.client;
    let enc = client.encryption();
    let user_id = user(user_id)?;
    let request = match device_id {
        Some(device_id) => {
            enc.request_user_identity(&user_id).await?;
            let device = enc
                .get_device(&user_id, device_id.into())
                .await
                .map_err(|e| CoreError::Internal(e.to_string()))?
                .ok_or_else(|| {
                    CoreError::BadRequest(format!("{user_id} has no device {device_id}"))
                })?;
            device
                .request_verification()
                .await
                .map_err(failed("ask for verification"))?
        }
        None => {
            let identity = enc.request_user_identity(&user_id).await?.ok_or_else(|| {
                CoreError::BadRequest(if Some(&*user_id) == client.user_id() {
                    "your account has no cross-signing identity yet: set up recovery first"
                        .to_owned()
                } else {
                    format!("{user_id} has not set up cross-signing, so cannot be verified")
                })
            })?;
            identity
                .request_verification()
                .await
                .map_err(|e| CoreError::Homeserver(format!("cannot ask for verification: {e}")))?
        }
    };
    follow(
        Arc::downgrade(inner),
        Arc::downgrade(session),
        request.clone(),
    );
    Ok(answer(inner, session, client, &request).await)
}

/// What a command does to a flow.
pub(crate) enum Step {
    Accept,
    StartSas,
    ShowQr,
    Confirm,
    Mismatch,
    Cancel,
}

/// `accept_verification`, `start_sas_verification`, `show_verification_qr`,
/// `confirm_verification`, `mismatch_verification`, `cancel_verification`.
pub(crate) async fn step(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
    p: &VerificationFlowParams,
    step: Step,
) -> Result<VerificationInfo, CoreError> {
    let client = &session.client;
    let request = request_of(client, p).await?;
    if request.is_done() || request.is_cancelled() {
        let how = if request.is_done() {
            "done"
        } else {
            "cancelled"
        };
        return Err(CoreError::BadRequest(format!(
            "verification {} has ended ({how})",
            p.flow_id
        )));
    }
    let current = client
        .encryption()
        .get_verification(request.other_user_id(), request.flow_id())
        .await;
    match step {
        Step::Accept => request.accept().await.map_err(failed("accept"))?,
        Step::StartSas => {
            request
                .start_sas()
                .await
                .map_err(failed("start emoji verification"))?
                .ok_or_else(|| {
                    CoreError::BadRequest(
                        "emoji verification cannot start: the request is not ready, or the other \
                         side does not support it"
                            .into(),
                    )
                })?;
        }
        Step::ShowQr => {
            let qr = request
                .generate_qr_code()
                .await
                .map_err(failed("make a QR code"))?
                .ok_or_else(|| {
                    CoreError::BadRequest(
                        "a QR code cannot be shown: the request is not ready, or the other side \
                         cannot scan one"
                            .into(),
                    )
                })?;
            let code = modules(&qr)?;
            if let Ok(mut flows) = session.crypto.flows.0.lock()
                && let Some(flow) = flows.get_mut(request.flow_id())
            {
                flow.qr_code = Some(code);
            }
        }
        Step::Confirm => match current.as_ref() {
            Some(Verification::SasV1(sas)) => sas.confirm().await.map_err(failed("confirm"))?,
            Some(Verification::QrV1(qr)) => qr.confirm().await.map_err(failed("confirm"))?,
            _ => {
                return Err(CoreError::BadRequest(
                    "there is nothing to confirm yet in this verification".into(),
                ));
            }
        },
        Step::Mismatch => match current.as_ref() {
            Some(Verification::SasV1(sas)) => sas.mismatch().await.map_err(failed("cancel"))?,
            _ => {
                return Err(CoreError::BadRequest(
                    "this verification shows no emoji to compare".into(),
                ));
            }
        },
        Step::Cancel => match current.as_ref() {
            Some(Verification::SasV1(sas)) => sas.cancel().await.map_err(failed("cancel"))?,
            Some(Verification::QrV1(qr)) => qr.cancel().await.map_err(failed("cancel"))?,
            _ => request.cancel().await.map_err(failed("cancel"))?,
        },
    }
    Ok(answer(inner, session, client, &request).await)
}

/// A QR code's modules, row by row.
fn modules(qr: &QrVerification) -> Result<QrCode, CoreError> {
    let code = qr
        .to_qr_code()
        .map_err(|e| CoreError::Internal(format!("cannot draw the QR code: {e}")))?;
    let size =
        u32::try_from(code.width()).map_err(|_| CoreError::Internal("QR code too large".into()))?;
    let modules = code
        .to_colors()
        .into_iter()
        .map(|c| if c == Color::Dark { '1' } else { '0' })
        .collect();
    Ok(QrCode { size, modules })
}
