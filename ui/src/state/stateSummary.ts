import type { Event } from "../rpc/types";
import { localpart } from "./members";
import { eventContent, eventType } from "./timelineItems";

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** One line for a state event: "Alice joined", "Bob changed the topic to …". */
export function stateSummary(ev: Event, nameOf: (userId: string) => string): string {
  const who = nameOf(ev.sender);
  const c = eventContent(ev);
  const prev = (ev.unsigned?.prev_content ?? {}) as Record<string, unknown>;
  switch (eventType(ev)) {
    case "m.room.member": {
      const target = ev.state_key ?? "";
      const targetName = str(c.displayname) ?? str(prev.displayname) ?? localpart(target);
      const reason = str(c.reason) ? `: ${c.reason as string}` : "";
      switch (c.membership) {
        case "join":
          if (prev.membership === "join") {
            if (str(c.displayname) !== str(prev.displayname)) {
              return str(c.displayname)
                ? `${str(prev.displayname) ?? localpart(target)} is now known as ${c.displayname as string}`
                : `${str(prev.displayname)} removed their display name`;
            }
            return `${targetName} changed their avatar`;
          }
          return `${targetName} joined`;
        case "invite":
          return `${who} invited ${targetName}`;
        case "leave":
          if (target !== ev.sender) return prev.membership === "ban" ? `${who} unbanned ${targetName}` : `${who} removed ${targetName}${reason}`;
          return prev.membership === "invite" ? `${targetName} declined the invitation` : `${targetName} left${reason}`;
        case "ban":
          return `${who} banned ${targetName}${reason}`;
        case "knock":
          return `${targetName} asked to join`;
      }
      return `${targetName}'s membership changed`;
    }
    case "m.room.name":
      return str(c.name) ? `${who} renamed the room to “${c.name as string}”` : `${who} removed the room name`;
    case "m.room.topic":
      return str(c.topic) ? `${who} changed the topic to “${c.topic as string}”` : `${who} removed the topic`;
    case "m.room.avatar":
      return `${who} changed the room picture`;
    case "m.room.create":
      return `${who} created the room`;
    case "m.room.encryption":
      return `${who} turned on end-to-end encryption`;
    case "m.room.canonical_alias":
      return str(c.alias) ? `${who} set the address to ${c.alias as string}` : `${who} changed the room's addresses`;
    case "m.room.join_rules":
      return `${who} made the room ${c.join_rule === "public" ? "public" : c.join_rule === "invite" ? "invite only" : `${String(c.join_rule)} to join`}`;
    case "m.room.history_visibility":
      return `${who} changed who can read history (${String(c.history_visibility)})`;
    case "m.room.power_levels":
      return `${who} changed permissions`;
    case "m.room.pinned_events":
      return `${who} changed the pinned messages`;
    case "m.room.tombstone":
      return `${who} upgraded this room`;
    case "m.room.server_acl":
      return `${who} changed the server access list`;
    case "m.space.child":
      return `${who} changed the rooms in this space`;
    case "m.space.parent":
      return `${who} changed this room's space`;
    case "m.room.guest_access":
      return `${who} ${c.guest_access === "can_join" ? "allowed" : "disallowed"} guests`;
  }
  return `${who} changed ${eventType(ev)}`;
}
