//! The sync loop: matrix-sdk fetches and decrypts, `process` stores and
//! builds the payload, the bus delivers it. Sync always resumes from the
//! token in our own database, never from matrix-sdk's.

pub mod event;
pub mod meta;
mod prepare;
pub mod process;
pub mod synthetic;

use std::{collections::HashMap, sync::Weak, time::Duration};

use matrix_sdk::{
    Client,
    config::{SyncSettings, SyncToken},
    room::MessagesOptions,
    ruma::{
        api::client::{
            filter::{FilterDefinition, RoomEventFilter, RoomFilter},
            sync::sync_events::v3::Filter,
        },
        assign,
    },
    sync::SyncResponse,
};
use tokio_util::sync::CancellationToken;
use trellis_rpc::{
    events::{BackendEvent, SyncStatus, SyncStatusType},
    model::LazyLoadSummary,
};

use crate::{Inner, store::Store};
use process::{Batch, GapFill, RoomExtras};

/// Events per room in a sync; more than this leaves a gap we fill ourselves.
const TIMELINE_LIMIT: u32 = 50;
/// How far back we fetch to close a gap before resetting the timeline.
const GAP_PAGES: usize = 10;
const GAP_PAGE_SIZE: u32 = 100;
const LONG_POLL: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

fn filter() -> Filter {
    let timeline = assign!(RoomEventFilter::default(), { limit: Some(TIMELINE_LIMIT.into()) });
    let room = assign!(RoomFilter::default(), {
        state: RoomEventFilter::with_lazy_loading(),
        timeline,
    });
    Filter::FilterDefinition(assign!(FilterDefinition::default(), { room }))
}

/// Syncs until the session ends or the engine stops. Stopping cuts short
/// the wait for a response (matrix-sdk may have stored some of it; the
/// next start replays it, see `session::restore`) and the back-off, never
/// the storing of a response in hand.
pub(crate) async fn run(
    inner: Weak<Inner>,
    stop: CancellationToken,
    client: Client,
    user_id: String,
) {
    let mut errors: u32 = 0;
    while !stop.is_cancelled() {
        let Some(backend) = inner.upgrade() else {
            return;
        };
        let since = match backend.store.account().await {
            Ok(a) => a.map(|a| a.next_batch).filter(|t| !t.is_empty()),
            Err(e) => {
                tracing::error!("cannot read the sync token: {e}");
                return;
            }
        };
        drop(backend);
        let settings = SyncSettings::new()
            .filter(filter())
            .timeout(if since.is_some() {
                LONG_POLL
            } else {
                Duration::ZERO
            })
            .token(SyncToken::from_optional_token(since.clone()));
        let Some(response) = stop.run_until_cancelled(client.sync_once(settings)).await else {
            return;
        };
        let result = match response {
            // matrix-sdk had this response already (its store got it, ours
            // did not: a write of ours failed) and hands back an empty one.
            // Storing that would drop our token; skipping it would lose the
            // response's events. A restart replays it (`session::restore`).
            Ok(resp) if resp.next_batch.is_empty() => Err(
                "matrix-sdk skipped a sync response we have not stored; restart Trellis to fetch it again"
                    .to_owned(),
            ),
            Ok(resp) => {
                let Some(backend) = inner.upgrade() else {
                    return;
                };
                handle_response(&backend, &client, &user_id, since.as_deref(), &resp)
                    .await
                    .map_err(|e| format!("storing the sync response failed: {e}"))
            }
            Err(e) => {
                if is_token_revoked(&e) {
                    if let Some(backend) = inner.upgrade() {
                        let status = SyncStatus {
                            status: SyncStatusType::PermanentlyFailed,
                            error: format!("the homeserver ended this session ({e}); log in again"),
                            error_count: errors + 1,
                            last_sync: None,
                        };
                        backend.bus.set_sync_status(status).await;
                    }
                    return;
                }
                Err(e.to_string())
            }
        };
        let Some(backend) = inner.upgrade() else {
            return;
        };
        match result {
            Ok(()) => {
                if errors > 0 {
                    errors = 0;
                    tracing::info!("sync recovered");
                }
                let status = SyncStatus {
                    status: SyncStatusType::Ok,
                    error: String::new(),
                    error_count: 0,
                    last_sync: Some(process::now_ms()),
                };
                backend.bus.set_sync_status(status).await;
            }
            Err(error) => {
                errors += 1;
                tracing::warn!(errors, "sync failed: {error}");
                let status = SyncStatus {
                    status: SyncStatusType::Erroring,
                    error,
                    error_count: errors,
                    last_sync: None,
                };
                backend.bus.set_sync_status(status).await;
                drop(backend);
                let waited = stop.run_until_cancelled(tokio::time::sleep(backoff(errors)));
                if waited.await.is_none() {
                    return;
                }
            }
        }
    }
}

fn backoff(errors: u32) -> Duration {
    Duration::from_millis(500u64.saturating_mul(1 << errors.min(6))).min(MAX_BACKOFF)
}

fn is_token_revoked(e: &matrix_sdk::Error) -> bool {
    use matrix_sdk::ruma::api::error::ErrorKind;
    e.client_api_error_kind()
        .is_some_and(|k| matches!(k, ErrorKind::UnknownToken(_)))
}

async fn handle_response(
    inner: &Inner,
    client: &Client,
    user_id: &str,
    since: Option<&str>,
    resp: &SyncResponse,
) -> Result<(), crate::error::CoreError> {
    let mut extras = HashMap::new();
    let mut gaps = HashMap::new();
    for (room_id, update) in &resp.rooms.joined {
        if let Some(room) = client.get_room(room_id) {
            let heroes: Vec<meta::Hero> = room
                .heroes()
                .into_iter()
                .map(|h| meta::Hero {
                    user_id: h.user_id.to_string(),
                    display_name: h.display_name,
                    avatar_url: h.avatar_url.map(|u| u.to_string()),
                })
                .collect();
            let summary = LazyLoadSummary {
                heroes: heroes.iter().map(|h| h.user_id.clone()).collect(),
                joined_member_count: Some(room.joined_members_count() as i64),
                invited_member_count: Some(room.invited_members_count() as i64),
            };
            let gap = match &update.timeline.prev_batch {
                Some(prev_batch) if update.timeline.limited => {
                    fill_gap(&inner.store, &room, prev_batch).await?
                }
                _ => None,
            };
            let timeline: Vec<_> = gap
                .iter()
                .flat_map(|g| &g.events)
                .chain(&update.timeline.events)
                .collect();
            let push_rule_ids = crate::push::notifying_rules(&room, &timeline).await;
            extras.insert(
                room_id.clone(),
                RoomExtras {
                    heroes,
                    summary: Some(summary),
                    push_rule_ids,
                },
            );
            if let Some(gap) = gap {
                gaps.insert(room_id.clone(), gap);
            }
        }
    }
    let batch = Batch {
        since,
        next_batch: &resp.next_batch,
        response: resp,
        extras: &extras,
        gaps: &gaps,
    };
    let processed = process::process(&inner.store, user_id, batch).await?;
    if !processed.sync.is_empty() {
        inner
            .bus
            .emit(BackendEvent::SyncComplete(processed.sync))
            .await;
    }
    for typing in processed.typing {
        inner.bus.emit(BackendEvent::Typing(typing)).await;
    }
    Ok(())
}

/// Fetches the events between what we stored and a limited timeline, back
/// from `prev_batch` until an event we already have. `None` for rooms we
/// have no timeline for yet (nothing to connect to).
async fn fill_gap(
    store: &Store,
    room: &matrix_sdk::Room,
    prev_batch: &str,
) -> Result<Option<GapFill>, crate::error::CoreError> {
    let room_id = room.room_id().as_str();
    if !crate::store::timeline::exists(store.pool(), room_id).await? {
        return Ok(None);
    }
    let mut gap = GapFill::default();
    let mut token = Some(prev_batch.to_owned());
    for _ in 0..GAP_PAGES {
        let Some(from) = token.take() else {
            gap.complete = true; // reached the start of the room
            break;
        };
        let mut options = MessagesOptions::backward().from(from.as_str());
        options.limit = GAP_PAGE_SIZE.into();
        let page = room.messages(options).await?;
        for ev in page.chunk {
            let Some(id) = ev.event_id() else { continue };
            if store.has_event(id.as_str()).await? {
                gap.complete = true;
                break;
            }
            gap.events.push(ev);
        }
        if gap.complete {
            break;
        }
        token = page.end;
        gap.prev_batch = token.clone();
    }
    gap.events.reverse();
    tracing::debug!(
        room_id,
        events = gap.events.len(),
        complete = gap.complete,
        "filled sync gap"
    );
    Ok(Some(gap))
}
