import type { Event } from "../../rpc/types";
import { useServices } from "../../state/context";
import { messageDeviceWarning } from "../../state/trustWords";
import { TrustBadge } from "./TrustBadge";
import { useUserTrust } from "./useTrust";

/** A small shield after a decrypted message sent from a device that cannot be trusted. */
export function DeviceShield({ event }: { event: Event }) {
  const sender = useUserTrust(event.type === "m.room.encrypted" ? event.sender : undefined);
  // Not a subscription: a tile need not re-render for every store change, and our device stays ours.
  const ownDevice = useServices().store.clientState?.device_id;
  const warning = messageDeviceWarning(event, sender, ownDevice);
  return warning ? <TrustBadge trust={warning} compact /> : null;
}
