import { describe, expect, it } from "vitest";
import type { VerificationInfo } from "../rpc/types";
import { loggedIn, ME, room, sync, syncRoom } from "../test/fixtures";
import type { Store } from "./store";
import { cancelText, qrRuns } from "./verification";

const BOB = "@bob:example.org";

function flow(state: VerificationInfo["state"], patch: Partial<VerificationInfo> = {}): VerificationInfo {
  return { flow_id: "f1", user_id: ME, self_verification: true, we_started: false, state, methods: ["m.sas.v1"], ...patch };
}

function send(store: Store, info: VerificationInfo) {
  store.apply("verification", info);
}

describe("verification flows", () => {
  it("show an incoming request as a toast until it is accepted, then in the dialog through to done", () => {
    const store = loggedIn();
    const v = store.verifications;
    send(store, flow("requested", { device_name: "Phone" }));
    expect(v.incoming().map((f) => f.device_name)).toEqual(["Phone"]);
    expect(v.active()).toBeUndefined();

    v.engage(ME, "f1");
    expect(v.incoming()).toEqual([]);
    expect(v.active()?.state).toBe("requested");
    send(store, flow("ready"));
    send(store, flow("sas", { emoji: [{ symbol: "🐶", description: "Dog" }] }));
    expect(v.active()?.emoji?.[0]?.description).toBe("Dog");
    send(store, flow("done"));
    // Final: a late event of the flow changes nothing, and the end stays until dismissed.
    send(store, flow("sas"));
    expect(v.active()?.state).toBe("done");
    v.dismiss(ME, "f1");
    expect(v.active()).toBeUndefined();
  });

  it("go straight to the dialog when we started them, and drop a request nobody answered once it ends", () => {
    const store = loggedIn();
    const v = store.verifications;
    send(store, flow("requested", { flow_id: "ours", we_started: true }));
    expect(v.active()?.flow_id).toBe("ours");
    send(store, flow("requested", { flow_id: "theirs", user_id: BOB, self_verification: false }));
    expect(v.incoming().map((f) => f.flow_id)).toEqual(["theirs"]);
    send(store, flow("cancelled", { flow_id: "theirs", user_id: BOB, cancel: { code: "m.timeout", reason: "", by_us: false } }));
    expect(v.incoming()).toEqual([]);
    expect(v.get(BOB, "theirs")).toBeUndefined();
    // The one on screen is still ours.
    expect(v.active()?.flow_id).toBe("ours");
  });

  it("take a command's answer only when no event moved the flow on meanwhile", () => {
    const store = loggedIn();
    const v = store.verifications;
    send(store, flow("sas", { we_started: true }));
    // confirm_verification was sent in `sas`; the other side confirmed too, and `done` came first.
    send(store, flow("done", { we_started: true }));
    v.answer(flow("confirmed", { we_started: true }), "sas");
    expect(v.active()?.state).toBe("done");
    // An answer with no event yet (request_verification) is the flow's first state.
    v.answer(flow("requested", { flow_id: "f2", we_started: true }), undefined);
    expect(v.active()?.flow_id).toBe("f2");
    // In step: taken.
    v.answer(flow("ready", { flow_id: "f2", we_started: true }), "requested");
    expect(v.active()?.state).toBe("ready");
  });

  it("after a backend restart, end the flow on screen saying why, and forget unanswered requests", () => {
    const store = loggedIn();
    const v = store.verifications;
    send(store, flow("sas", { flow_id: "shown", we_started: true }));
    send(store, flow("requested", { flow_id: "asked", user_id: BOB }));
    send(store, flow("ready", { flow_id: "kept", user_id: BOB, we_started: true }));
    // The fresh payload of a new run: run_id, client_state, the flows it still has, the rooms, init_complete.
    store.apply("run_id", { run_id: "new", etag: "", vapid_key: "" });
    send(store, flow("ready", { flow_id: "kept", user_id: BOB, we_started: true }));
    store.applySync(sync({ clear_state: true, rooms: { "!r:x": syncRoom({ meta: room("!r:x") }) } }));
    store.apply("init_complete", {});
    expect(v.get(ME, "shown")).toMatchObject({ state: "cancelled", cancel: { code: "trellis.lost" } });
    expect(cancelText(v.get(ME, "shown")!.cancel, "your other device")).toMatch(/backend restarted/);
    expect(v.get(BOB, "asked")).toBeUndefined();
    expect(v.get(BOB, "kept")?.state).toBe("ready");
  });

  it("keep every flow across a resume, which re-sends only what was missed", () => {
    const store = loggedIn();
    const v = store.verifications;
    send(store, flow("sas", { we_started: true }));
    store.apply("run_id", { run_id: "same", etag: "", vapid_key: "" });
    store.apply("init_complete", {});
    expect(v.active()?.state).toBe("sas");
  });

  it("are forgotten at logout", () => {
    const store = loggedIn();
    send(store, flow("sas", { we_started: true }));
    store.apply("client_state", { ...store.clientState!, is_logged_in: false });
    expect(store.verifications.active()).toBeUndefined();
  });
});

describe("cancel reasons", () => {
  it("say who stopped it and why, in words", () => {
    const c = (code: string, by_us = false, reason = "") => cancelText({ code, reason, by_us }, "Bob");
    expect(c("m.user", true)).toBe("You cancelled the verification.");
    expect(c("m.user")).toBe("Bob cancelled the verification.");
    expect(c("m.timeout")).toMatch(/timed out/);
    expect(c("m.mismatched_sas")).toMatch(/emoji did not match/);
    expect(c("m.accepted")).toMatch(/Another of your devices/);
    expect(c("org.example.odd", false, "Odd reason")).toBe("The verification was stopped: Odd reason");
  });
});

describe("QR codes", () => {
  it("become one rect per run of dark modules, row by row", () => {
    expect(qrRuns({ size: 3, modules: "110" + "011" + "111" })).toEqual([
      { x: 0, y: 0, w: 2 },
      { x: 1, y: 1, w: 2 },
      { x: 0, y: 2, w: 3 },
    ]);
  });

  it("that are malformed are refused rather than drawn wrong", () => {
    expect(qrRuns({ size: 3, modules: "1101" })).toBeNull();
    expect(qrRuns({ size: 2, modules: "1x01" })).toBeNull();
    expect(qrRuns({ size: 0, modules: "" })).toBeNull();
  });
});
