import type { VerificationCancel, VerificationPhase, VerificationInfo } from "../rpc/types";

/** One flow as the UI holds it. */
interface Flow {
  info: VerificationInfo;
  /** The person is in it here: they started it, accepted it, or it got past the request. */
  engaged: boolean;
  /** Arrival order: the newest engaged flow is the one on screen. */
  seq: number;
}

export function isFinal(state: VerificationPhase): boolean {
  return state === "done" || state === "cancelled";
}

function key(userId: string, flowId: string): string {
  return `${userId}\n${flowId}`;
}

/** The code of a flow the backend no longer has after it restarted. */
export const LOST_CODE = "trellis.lost";

/**
 * The interactive verifications the backend told us about (`verification`
 * events, each a flow's whole state) and what the person did with them here:
 * incoming requests waiting for an answer, and the flow on screen until its
 * end is dismissed. The events are the truth; a command's answer only fills
 * in when no event has moved the flow on since the command was sent.
 */
export class VerificationFlows {
  private flows = new Map<string, Flow>();
  private seq = 0;
  /** Flows sent since the connect payload began (run_id), for a fresh payload's check. */
  private sentThisConnect: Set<string> | null = null;
  private freshPayload = false;

  /** A `verification` event. */
  apply(info: VerificationInfo): void {
    const k = key(info.user_id, info.flow_id);
    const old = this.flows.get(k);
    this.sentThisConnect?.add(k);
    // done and cancelled are final: nothing comes after them.
    if (old && isFinal(old.info.state)) return;
    const pastRequest = info.state !== "requested" && info.state !== "cancelled";
    const engaged = (old?.engaged ?? false) || info.we_started || pastRequest;
    // A request that ended before anyone answered it here leaves nothing to show.
    if (!engaged && isFinal(info.state)) {
      this.flows.delete(k);
      return;
    }
    this.flows.set(k, { info, engaged, seq: old?.seq ?? ++this.seq });
  }

  /** A command's answer, the flow as it was when the command was sent. */
  answer(info: VerificationInfo, askedIn: VerificationPhase | undefined): void {
    if (this.get(info.user_id, info.flow_id)?.state !== askedIn) return;
    this.apply(info);
    this.engage(info.user_id, info.flow_id);
  }

  get(userId: string, flowId: string): VerificationInfo | undefined {
    return this.flows.get(key(userId, flowId))?.info;
  }

  /** The person accepted an incoming request here: it moves from the toasts to the dialog. */
  engage(userId: string, flowId: string): void {
    const flow = this.flows.get(key(userId, flowId));
    if (flow) flow.engaged = true;
  }

  /** The person closed a flow's dialog or declined its request. */
  dismiss(userId: string, flowId: string): void {
    this.flows.delete(key(userId, flowId));
  }

  /** Incoming requests not answered yet, oldest first. */
  incoming(): VerificationInfo[] {
    return [...this.flows.values()]
      .filter((f) => !f.engaged)
      .sort((a, b) => a.seq - b.seq)
      .map((f) => f.info);
  }

  /** The flow the dialog shows: the newest one the person is in, ended or not. */
  active(): VerificationInfo | undefined {
    let best: Flow | undefined;
    for (const f of this.flows.values()) if (f.engaged && (!best || f.seq > best.seq)) best = f;
    return best?.info;
  }

  /** A connect payload begins (run_id): a fresh one re-sends every flow still going. */
  connectStarted(): void {
    this.sentThisConnect = new Set();
    this.freshPayload = false;
  }

  /** The payload is a fresh one (clear_state), not a resume. */
  payloadIsFresh(): void {
    this.freshPayload = true;
  }

  /**
   * The payload is complete (init_complete). After a fresh one, a flow it did
   * not re-send is gone from the backend (it restarted): one on screen ends
   * as cancelled, saying so, and an unanswered request goes.
   */
  connectDone(): void {
    const sent = this.sentThisConnect;
    this.sentThisConnect = null;
    if (!sent || !this.freshPayload) return;
    for (const [k, flow] of this.flows) {
      if (sent.has(k) || isFinal(flow.info.state)) continue;
      if (!flow.engaged) {
        this.flows.delete(k);
        continue;
      }
      const cancel = { code: LOST_CODE, reason: "The backend restarted.", by_us: false };
      flow.info = { ...flow.info, state: "cancelled", cancel };
    }
  }

  clear(): void {
    this.flows.clear();
  }
}

/** Why a flow ended, in words; `other` names the other side ("your other device", "Bob"). */
export function cancelText(cancel: VerificationCancel | undefined, other: string): string {
  if (!cancel) return "The verification was cancelled.";
  switch (cancel.code) {
    case "m.user":
      return cancel.by_us ? "You cancelled the verification." : `${capitalize(other)} cancelled the verification.`;
    case "m.timeout":
      return "The verification timed out: nobody answered in time.";
    case "m.mismatched_sas":
      return "The emoji did not match, so the verification was stopped. If you compared the right devices, someone may be listening in.";
    case "m.key_mismatch":
    case "m.mismatched_commitment":
    case "m.user_mismatch":
      return "The keys did not match what was expected, so the verification was stopped.";
    case "m.accepted":
      return "Another of your devices answered this request.";
    case "m.unknown_method":
      return `${capitalize(other)} cannot verify in a way Trellis supports.`;
    case "m.qr_code.invalid":
      return "The QR code could not be read.";
    case LOST_CODE:
      return "The verification ended when the backend restarted. Start it again.";
    default:
      return cancel.reason ? `The verification was stopped: ${cancel.reason}` : "The verification was stopped.";
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const SAS = "m.sas.v1";
const QR_SCAN = "m.qr_code.scan.v1";

/** Whether the other side can compare emoji (an empty list: we were not told, so offer it). */
export function canCompareEmoji(info: VerificationInfo): boolean {
  return info.methods.length === 0 || info.methods.includes(SAS);
}

/** Whether the other side can scan a QR code we show. */
export function canScanOurQr(info: VerificationInfo): boolean {
  return info.methods.includes(QR_SCAN);
}

/** The runs of dark modules of a QR code, row by row: one rect each. Null when the code is malformed. */
export function qrRuns(qr: { size: number; modules: string }): { x: number; y: number; w: number }[] | null {
  const { size, modules } = qr;
  if (!Number.isInteger(size) || size <= 0 || modules.length !== size * size || /[^01]/.test(modules)) return null;
  const runs: { x: number; y: number; w: number }[] = [];
  for (let y = 0; y < size; y++) {
    let start = -1;
    for (let x = 0; x <= size; x++) {
      const dark = x < size && modules[y * size + x] === "1";
      if (dark && start < 0) start = x;
      if (!dark && start >= 0) {
        runs.push({ x: start, y, w: x - start });
        start = -1;
      }
    }
  }
  return runs;
}
