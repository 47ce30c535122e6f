import { describe, expect, it } from "vitest";
import { appended, loggedIn, ME, room, sync, syncRoom, text } from "../test/fixtures";
import { previewText } from "./preview";
import { applyPage } from "./room";
import { sortedInvites, sortedRooms } from "./roomList";
import { Store } from "./store";
import { timelineItems } from "./timelineItems";

/** The bodies the timeline would draw, in order (echoes last). */
function bodies(store: Store, roomId: string): string[] {
  return timelineItems(store.rooms.get(roomId)!).flatMap((i) =>
    i.kind === "event" ? [String(i.event.content.body)] : [],
  );
}

describe("sync_complete", () => {
  it("adds rooms with their metadata and sorts them by latest activity", () => {
    const store = loggedIn();
    store.applySync(
      sync({
        clear_state: true,
        rooms: {
          "!old:x": syncRoom({ meta: room("!old:x", { name: "Old", sorting_timestamp: 100 }) }),
          "!new:x": syncRoom({ meta: room("!new:x", { name: "New", sorting_timestamp: 300 }) }),
          "!mid:x": syncRoom({ meta: room("!mid:x", { name: "Mid", sorting_timestamp: 200 }) }),
        },
      }),
    );
    expect(sortedRooms(store, null, "").map((r) => r.meta.name)).toEqual(["New", "Mid", "Old"]);
    // A new message moves a room to the top.
    store.applySync(appended("!old:x", [text(1, "!old:x", "hi")], room("!old:x", { name: "Old", sorting_timestamp: 400 })));
    expect(sortedRooms(store, null, "").map((r) => r.meta.name)).toEqual(["Old", "New", "Mid"]);
    expect(sortedRooms(store, null, "mi").map((r) => r.meta.name)).toEqual(["Mid"]);
  });

  it("appends timeline rows in order, merges state deeply and keeps the newest receipt per user", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(1, "!r:x", "one"), text(2, "!r:x", "two")], room("!r:x")));
    store.applySync(appended("!r:x", [text(3, "!r:x", "three")]));
    expect(bodies(store, "!r:x")).toEqual(["one", "two", "three"]);

    const member = (rowid: number, user: string, name: string) =>
      text(rowid, "!r:x", "", { type: "m.room.member", state_key: user, content: { membership: "join", displayname: name } });
    store.applySync(
      sync({ rooms: { "!r:x": syncRoom({ events: [member(10, "@a:x", "A")], state: { "m.room.member": { "@a:x": 10 } } }) } }),
    );
    store.applySync(
      sync({ rooms: { "!r:x": syncRoom({ events: [member(11, "@b:x", "B")], state: { "m.room.member": { "@b:x": 11 } } }) } }),
    );
    const r = store.rooms.get("!r:x")!;
    expect([...r.state.get("m.room.member")!.keys()].sort()).toEqual(["@a:x", "@b:x"]);

    const receipt = (event_id: string, timestamp: number) => ({ user_id: "@a:x", receipt_type: "m.read", event_id, timestamp });
    store.applySync(sync({ rooms: { "!r:x": syncRoom({ receipts: { $e2: [receipt("$e2", 20)] } }) } }));
    store.applySync(sync({ rooms: { "!r:x": syncRoom({ receipts: { $e1: [receipt("$e1", 10)] } }) } }));
    expect(r.receipts.get("@a:x")?.event_id).toBe("$e2");
  });

  it("replaces an event by rowid when the backend resends it (reaction counts, edits, redactions)", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(1, "!r:x", "hello")], room("!r:x")));
    store.applySync(
      sync({ rooms: { "!r:x": syncRoom({ events: [text(1, "!r:x", "hello", { reactions: { "👍": 2 } })] }) } }),
    );
    expect(store.rooms.get("!r:x")!.events.get(1)?.reactions).toEqual({ "👍": 2 });
  });

  it("drops the timeline on reset and takes the new rows", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(1, "!r:x", "a"), text(2, "!r:x", "b")], room("!r:x")));
    store.applySync(
      sync({ rooms: { "!r:x": syncRoom({ reset: true, events: [text(9, "!r:x", "z")], timeline: [{ timeline_rowid: 9, event_rowid: 9 }] }) } }),
    );
    expect(bodies(store, "!r:x")).toEqual(["z"]);
    expect(store.rooms.get("!r:x")!.hasMoreHistory).toBe(true);
  });

  it("lists invites until joined, and forgets left rooms", () => {
    const store = loggedIn();
    store.applySync(
      sync({
        invited_rooms: [
          {
            room_id: "!inv:x",
            created_at: 5,
            invite_state: [
              { type: "m.room.name", state_key: "", content: { name: "Book club" } },
              { type: "m.room.member", state_key: ME, sender: "@bob:x", content: { membership: "invite" } },
              { type: "m.room.member", state_key: "@bob:x", content: { membership: "join", displayname: "Bob" } },
            ],
          },
        ],
      }),
    );
    expect(sortedInvites(store, "")).toMatchObject([{ name: "Book club", inviterName: "Bob" }]);
    store.applySync(appended("!inv:x", [], room("!inv:x")));
    expect(store.invites.size).toBe(0);
    expect(store.rooms.has("!inv:x")).toBe(true);
    store.applySync(sync({ left_rooms: ["!inv:x"] }));
    expect(store.rooms.has("!inv:x")).toBe(false);
  });

  it("throws everything away on clear_state before applying the new payload", () => {
    const store = loggedIn();
    store.applySync(appended("!gone:x", [text(1, "!gone:x", "old")], room("!gone:x")));
    store.applySync(sync({ invited_rooms: [{ room_id: "!i:x", created_at: 1, invite_state: [] }], top_level_spaces: ["!s:x"] }));
    store.applySync(sync({ clear_state: true, rooms: { "!kept:x": syncRoom({ meta: room("!kept:x") }) } }));
    expect([...store.rooms.keys()]).toEqual(["!kept:x"]);
    expect(store.invites.size).toBe(0);
    expect(store.topLevelSpaces).toEqual([]);
  });

  it("gives a room replaced by clear_state a new object, so a view selecting it moves on", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [], room("!r:x")));
    const old = store.rooms.get("!r:x")!;
    store.applySync(sync({ clear_state: true, rooms: { "!r:x": syncRoom({ meta: room("!r:x") }) } }));
    expect(store.rooms.get("!r:x")!.version).toBe(old.version);
    expect(store.rooms.get("!r:x")).not.toBe(old);
  });

  it("keeps the space list when top_level_spaces is null and replaces it when set", () => {
    const store = loggedIn();
    store.applySync(sync({ top_level_spaces: ["!a:x"], space_edges: { "!a:x": [{ child_id: "!c:x" }] } }));
    store.applySync(sync({ top_level_spaces: null }));
    expect(store.topLevelSpaces).toEqual(["!a:x"]);
    store.applySync(sync({ top_level_spaces: ["!b:x"] }));
    expect(store.topLevelSpaces).toEqual(["!b:x"]);
  });

  it("forgets every room when the session logs out", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [], room("!r:x")));
    store.apply("client_state", { ...store.clientState!, is_logged_in: false });
    expect(store.rooms.size).toBe(0);
  });
});

describe("pagination", () => {
  it("merges pages (newest first) below what sync gave, without duplicates", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(5, "!r:x", "five"), text(6, "!r:x", "six")], room("!r:x")));
    const r = store.rooms.get("!r:x")!;
    const page = [6, 5, 4, 3].map((n) => text(n, "!r:x", ["", "", "", "three", "four", "five", "six"][n]!, { timeline_rowid: n }));
    applyPage(r, { events: page, related_events: [], receipts: {}, has_more: true, from_server: false }, r.timelineGeneration, ME);
    expect(bodies(store, "!r:x")).toEqual(["three", "four", "five", "six"]);
    applyPage(
      r,
      { events: [text(1, "!r:x", "one", { timeline_rowid: -50 })], related_events: [], receipts: {}, has_more: false, from_server: true },
      r.timelineGeneration,
      ME,
    );
    // Server pages are stored below everything, with negative timeline rowids: still oldest first.
    expect(bodies(store, "!r:x")).toEqual(["one", "three", "four", "five", "six"]);
    expect(r.hasMoreHistory).toBe(false);
  });

  it("keeps reply targets from related_events without putting them in the timeline", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [], room("!r:x")));
    const r = store.rooms.get("!r:x")!;
    const target = text(2, "!r:x", "the question");
    applyPage(
      r,
      { events: [text(8, "!r:x", "the answer", { timeline_rowid: 8 })], related_events: [target], receipts: {}, has_more: true, from_server: false },
      r.timelineGeneration,
      ME,
    );
    expect(bodies(store, "!r:x")).toEqual(["the answer"]);
    expect(r.events.get(r.eventRowids.get("$e2")!)?.content.body).toBe("the question");
  });

  it("drops a page asked for before the timeline was reset", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(5, "!r:x", "five")], room("!r:x")));
    const r = store.rooms.get("!r:x")!;
    const asked = r.timelineGeneration;
    store.applySync(sync({ rooms: { "!r:x": syncRoom({ reset: true, events: [text(9, "!r:x", "nine")], timeline: [{ timeline_rowid: 9, event_rowid: 9 }] }) } }));
    const applied = applyPage(
      r,
      { events: [text(4, "!r:x", "four", { timeline_rowid: 4 })], related_events: [], receipts: {}, has_more: true, from_server: false },
      asked,
      ME,
    );
    expect(applied).toBe(false);
    expect(bodies(store, "!r:x")).toEqual(["nine"]);
  });
});

describe("local echo", () => {
  const echo = text(50, "!r:x", "my message", {
    event_id: "~txn1",
    transaction_id: "txn1",
    sender: ME,
  });

  function withEcho(): Store {
    const store = loggedIn();
    store.applySync(appended("!r:x", [text(1, "!r:x", "before")], room("!r:x")));
    store.addLocalEcho(echo);
    return store;
  }

  it("shows the echo at the bottom as pending", () => {
    const store = withEcho();
    const items = timelineItems(store.rooms.get("!r:x")!);
    const last = items[items.length - 1]!;
    expect(last).toMatchObject({ kind: "event", pending: true });
    expect(bodies(store, "!r:x")).toEqual(["before", "my message"]);
  });

  it("is replaced in place by the remote echo: same row key, real event id, shown once", () => {
    const store = withEcho();
    const keyBefore = timelineItems(store.rooms.get("!r:x")!).at(-1)!.key;
    store.apply("send_complete", { event: { ...echo, event_id: "$real" }, error: null });
    expect(store.rooms.get("!r:x")!.events.get(50)?.event_id).toBe("$real");
    // The remote echo: the same rowid, now placed in the timeline.
    store.applySync(appended("!r:x", [{ ...echo, event_id: "$real" }]));
    const items = timelineItems(store.rooms.get("!r:x")!);
    expect(bodies(store, "!r:x")).toEqual(["before", "my message"]);
    expect(items.at(-1)).toMatchObject({ key: keyBefore, pending: false });
    expect(store.rooms.get("!r:x")!.pending).toEqual([]);
  });

  it("is not doubled when the remote echo arrives before send_message's answer", () => {
    const store = loggedIn();
    store.applySync(appended("!r:x", [], room("!r:x")));
    store.applySync(appended("!r:x", [{ ...echo, event_id: "$real" }]));
    store.addLocalEcho(echo);
    expect(bodies(store, "!r:x")).toEqual(["my message"]);
  });

  it("matches a remote echo stored under another rowid by its transaction id", () => {
    const store = withEcho();
    store.applySync(appended("!r:x", [{ ...echo, rowid: 77, event_id: "$real" }]));
    expect(bodies(store, "!r:x")).toEqual(["before", "my message"]);
  });

  it("keeps a failed send with its error until it is retried", () => {
    const store = withEcho();
    store.apply("send_complete", { event: echo, error: "M_FORBIDDEN: not allowed" });
    const ev = store.rooms.get("!r:x")!.events.get(50)!;
    expect(ev.send_error).toBe("M_FORBIDDEN: not allowed");
    expect(timelineItems(store.rooms.get("!r:x")!).at(-1)).toMatchObject({ pending: true });
  });
});

describe("reactions", () => {
  it("remembers our own reaction so a second click takes it back, and forgets it once redacted", () => {
    const store = loggedIn();
    const reaction = text(3, "!r:x", "", {
      type: "m.reaction",
      sender: ME,
      event_id: "$react",
      relates_to: "$e1",
      relation_type: "m.annotation",
      content: { "m.relates_to": { rel_type: "m.annotation", event_id: "$e1", key: "👍" } },
    });
    store.applySync(appended("!r:x", [text(1, "!r:x", "hi"), reaction], room("!r:x")));
    const r = store.rooms.get("!r:x")!;
    expect(r.ownReactions.get("$e1")?.get("👍")).toBe("$react");
    // Reactions are drawn on their target, not as rows.
    expect(bodies(store, "!r:x")).toEqual(["hi"]);
    store.applySync(sync({ rooms: { "!r:x": syncRoom({ events: [{ ...reaction, redacted_by: "$redaction" }] }) } }));
    expect(r.ownReactions.get("$e1")?.has("👍")).toBe(false);
  });
});

describe("names for previews", () => {
  it("learns display names from member events of any room, and forgets them at logout", () => {
    const store = loggedIn();
    const member = text(10, "!a:x", "", {
      type: "m.room.member",
      state_key: "@bob:x",
      content: { membership: "join", displayname: "Bob" },
    });
    store.applySync(sync({ rooms: { "!a:x": syncRoom({ meta: room("!a:x"), events: [member], state: { "m.room.member": { "@bob:x": 10 } } }) } }));
    expect(store.knownNames.get("@bob:x")).toBe("Bob");
    store.apply("client_state", { ...store.clientState!, is_logged_in: false });
    expect(store.knownNames.size).toBe(0);
  });
});

describe("events_decrypted", () => {
  const R = "!enc:x";
  const undecryptable = (rowid: number) =>
    text(rowid, R, "", {
      type: "m.room.encrypted",
      content: { algorithm: "m.megolm.v1.aes-sha2", ciphertext: "…", session_id: "s1" },
      decryption_error: "The key for this message has not arrived yet.",
    });
  const decrypted = (rowid: number, body: string) => {
    const { decryption_error: _, ...ev } = undecryptable(rowid);
    return { ...ev, decrypted: { msgtype: "m.text", body }, decrypted_type: "m.room.message" };
  };

  it("replaces the events in place by rowid, keeping their timeline places", () => {
    const store = loggedIn();
    store.applySync(appended(R, [text(1, R, "plain"), undecryptable(2), undecryptable(3)], room(R, { preview_event_rowid: 3 })));
    const r = store.rooms.get(R)!;
    const before = r.version;
    store.apply("events_decrypted", { room_id: R, events: [decrypted(2, "secret two")] });
    expect(timelineItems(r).flatMap((i) => (i.kind === "event" ? [i.key] : []))).toEqual(["ev-1", "ev-2", "ev-3"]);
    expect(r.events.get(2)?.decrypted?.body).toBe("secret two");
    expect(r.events.get(2)?.decryption_error).toBeUndefined();
    expect(r.events.get(3)?.decryption_error).toMatch(/not arrived/);
    expect(r.version).toBeGreaterThan(before);
    expect(r.meta.preview_event_rowid).toBe(3);
  });

  it("moves the room's preview when the backend names the new preview event", () => {
    const store = loggedIn();
    store.applySync(appended(R, [undecryptable(4)], room(R, { preview_event_rowid: 4 })));
    store.apply("events_decrypted", { room_id: R, preview_event_rowid: 4, events: [decrypted(4, "now readable")] });
    const r = store.rooms.get(R)!;
    expect(previewText(r, ME, store.knownNames)).toBe("alice: now readable");
  });

  it("ignores a room we do not hold", () => {
    const store = loggedIn();
    store.apply("events_decrypted", { room_id: "!nope:x", events: [] });
    expect(store.rooms.size).toBe(0);
  });
});
