import { describe, expect, it } from "vitest";
import { started } from "../test/transport";

describe("RpcClient", () => {
  it("matches replies to requests by id, whatever their order", async () => {
    const { t, c } = started();
    const a = c.request("get_profile", { user_id: "@a:x" });
    const b = c.request("get_profile", { user_id: "@b:x" });
    const [ea, eb] = t.sent;
    expect(ea!.request_id).not.toBe(eb!.request_id);
    t.reply("response", eb!.request_id, { displayname: "B" });
    t.reply("response", ea!.request_id, { displayname: "A" });
    expect(await a).toEqual({ displayname: "A" });
    expect(await b).toEqual({ displayname: "B" });
  });

  it("rejects with the backend's error text", async () => {
    const { t, c } = started();
    const p = c.request("join_room", { room_id_or_alias: "#nope:x" });
    t.reply("error", t.sent[0]!.request_id, "M_NOT_FOUND: no such room");
    await expect(p).rejects.toThrow("M_NOT_FOUND: no such room");
  });

  it("sends cancel with the request's id on abort; the backend's error settles it", async () => {
    const { t, c } = started();
    const ctl = new AbortController();
    const p = c.request("paginate", { room_id: "!r:x", limit: 50 }, ctl.signal);
    ctl.abort();
    const cancel = t.sent[1]!;
    expect(cancel).toMatchObject({ command: "cancel", data: { request_id: t.sent[0]!.request_id } });
    t.reply("error", t.sent[0]!.request_id, "request cancelled");
    await expect(p).rejects.toThrow("request cancelled");
  });

  it("passes backend events (negative ids) to listeners", () => {
    const { t, c } = started();
    const seen: string[] = [];
    c.onEvent((command) => seen.push(command));
    t.handlers.message({ command: "typing", request_id: -3, data: { room_id: "!r:x", user_ids: [] } });
    expect(seen).toEqual(["typing"]);
  });

  it("fails requests in flight when the connection drops, and refuses while down", async () => {
    const { t, c } = started();
    const p = c.request("get_state", {});
    t.handlers.status({ state: "reconnecting", retryAt: 0, reason: "closed" });
    await expect(p).rejects.toThrow("connection lost");
    t.connected = false;
    await expect(c.request("get_state", {})).rejects.toThrow("not connected");
  });
});
