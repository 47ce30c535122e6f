// Interactive verification flows (SAS and QR) of one js-sdk client, named by their flow id.
//
// Every request, ours or the other side's, is watched from the moment it is known: phase changes,
// the short auth string and the other side's scan of our QR code become pushed events, and a SAS
// started by the other side is accepted at once (what a person pressing "Start" on the other
// device expects).
import { VerificationPhase, VerificationRequestEvent, VerifierEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import { VerificationMethod } from "matrix-js-sdk/lib/types.js";

export class Verifications {
    /** @param push - sends one event line: push(name, fields) */
    constructor(push) {
        this.push = push;
        this.flows = new Map();
    }

    /** Starts watching a request; returns its flow id. Incoming requests are announced. */
    track(request, incoming) {
        const flowId = request.transactionId;
        if (!flowId) throw new Error("verification request has no flow id yet");
        if (this.flows.has(flowId)) return flowId;
        const flow = { flowId, request, verifier: null, sas: null, qrScanned: null, phase: null, ended: false };
        this.flows.set(flowId, flow);
        request.on(VerificationRequestEvent.Change, () => this.onChange(flow));
        if (incoming) {
            this.push("verification_request", {
                flow_id: flowId,
                user_id: request.otherUserId,
                device_id: request.otherDeviceId ?? null,
                room_id: request.roomId ?? null,
            });
        }
        this.onChange(flow);
        return flowId;
    }

    get(flowId) {
        const flow = this.flows.get(flowId);
        if (!flow) throw new Error(`no verification with flow id ${flowId}`);
        return flow;
    }

    async accept(flowId) {
        await this.get(flowId).request.accept();
    }

    async startSas(flowId) {
        const flow = this.get(flowId);
        this.watchVerifier(flow, await flow.request.startVerification(VerificationMethod.Sas));
    }

    /** The other side shows a QR code; `bytes` are what a camera would read from it. */
    async scanQr(flowId, bytes) {
        const flow = this.get(flowId);
        this.watchVerifier(flow, await flow.request.scanQRCode(new Uint8ClampedArray(bytes)));
    }

    /** The bytes of a QR code for the other side to scan (it must support scanning). */
    async showQr(flowId) {
        const bytes = await this.get(flowId).request.generateQRCode();
        if (!bytes) throw new Error("no QR code: the other side cannot scan one, or the request is not ready");
        return Buffer.from(bytes);
    }

    /** After the other side scanned our QR code: we saw it say so, confirm. */
    confirmQr(flowId) {
        const flow = this.get(flowId);
        if (!flow.qrScanned) throw new Error(`the other side has not scanned our QR code in ${flowId}`);
        flow.qrScanned.confirm();
    }

    async confirmSas(flowId) {
        await this.sasOf(flowId).confirm();
    }

    mismatchSas(flowId) {
        this.sasOf(flowId).mismatch();
    }

    async cancel(flowId) {
        await this.get(flowId).request.cancel();
    }

    sasOf(flowId) {
        const flow = this.get(flowId);
        if (!flow.sas) throw new Error(`no short auth string yet in ${flowId}`);
        return flow.sas;
    }

    onChange(flow) {
        const { request } = flow;
        if (request.verifier && request.verifier !== flow.verifier) this.watchVerifier(flow, request.verifier);
        const qr = flow.verifier?.getReciprocateQrCodeCallbacks();
        if (qr && !flow.qrScanned) {
            flow.qrScanned = qr;
            this.push("qr_scanned", { flow_id: flow.flowId });
        }
        const phase = request.phase;
        if (phase === flow.phase || flow.ended) return;
        flow.phase = phase;
        if (phase === VerificationPhase.Ready) {
            this.push("verification_ready", { flow_id: flow.flowId, device_id: request.otherDeviceId ?? null });
        } else if (phase === VerificationPhase.Done) {
            flow.ended = true;
            this.push("verification_done", { flow_id: flow.flowId });
        } else if (phase === VerificationPhase.Cancelled) {
            flow.ended = true;
            // The reason is on the wrapped Rust request only; js-sdk exposes just the code.
            const info = request.inner?.cancelInfo;
            this.push("verification_cancelled", {
                flow_id: flow.flowId,
                code: request.cancellationCode,
                reason: info ? info.reason() : null,
                by_us: info ? info.cancelledbyUs() : null,
            });
        }
    }

    watchVerifier(flow, verifier) {
        if (flow.verifier === verifier) return;
        flow.verifier = verifier;
        verifier.on(VerifierEvent.ShowSas, (sas) => this.showSas(flow, sas));
        const sas = verifier.getShowSasCallbacks();
        if (sas) this.showSas(flow, sas);
        // verify() sends the accept when the other side started SAS; its outcome reaches us as
        // phase changes of the request, so only a failure to send is worth a log line.
        verifier.verify().catch((e) => console.warn(`verification ${flow.flowId} ended: ${e.message ?? e}`));
    }

    showSas(flow, sas) {
        if (flow.sas) return;
        flow.sas = sas;
        this.push("sas", {
            flow_id: flow.flowId,
            emoji: (sas.sas.emoji ?? []).map(([symbol, description]) => ({ symbol, description })),
            decimals: sas.sas.decimal ?? null,
        });
    }
}
