import type { Store } from "./store";

interface PushRule {
  rule_id: string;
  enabled?: boolean;
  actions?: unknown[];
}

/** Muted: a room (or per-room override) push rule that does not notify, as mute_room writes it. */
export function isRoomMuted(store: Store, roomId: string): boolean {
  const content = store.accountData.get("m.push_rules")?.content as
    | { global?: { room?: PushRule[]; override?: PushRule[] } }
    | undefined;
  const rules = [...(content?.global?.override ?? []), ...(content?.global?.room ?? [])];
  const rule = rules.find((r) => r.rule_id === roomId && r.enabled !== false);
  return rule !== undefined && (!rule.actions || rule.actions.length === 0 || rule.actions.includes("dont_notify"));
}
