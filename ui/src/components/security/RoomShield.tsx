import { useState } from "react";
import type { Room } from "../../rpc/types";
import { securityErrorText } from "../../state/securityErrors";
import { useServices } from "../../state/context";
import { displayName } from "../../state/members";
import { Icon } from "../Icon";
import { openSecurityDialog } from "./openDialogs";
import { useUserTrust } from "./useTrust";
import "./RoomShield.css";

/**
 * The room header's encryption mark: "Encrypted" for an encrypted room; in a
 * direct chat, also whether the other person is verified or their identity
 * changed (which opens their devices). Nothing for a room in the clear.
 */
export function RoomShield({ meta }: { meta: Room }) {
  const partner = meta.encryption_event ? meta.dm_user_id : undefined;
  const info = useUserTrust(partner);
  if (!meta.encryption_event) return null;
  if (partner && info?.identity_changed) {
    return (
      <button className="enc-badge warn" onClick={() => openSecurityDialog({ kind: "user", userId: partner })} title="Their identity changed: check it">
        <Icon name="shieldAlert" size={16} /> Identity changed
      </button>
    );
  }
  if (partner && info?.user_trusted) {
    return (
      <span className="enc-badge ok" title="Encrypted, and you verified this person">
        <Icon name="shieldCheck" size={16} /> Verified
      </span>
    );
  }
  return (
    <span className="enc-badge" title="Messages here are end-to-end encrypted">
      <Icon name="lock" size={16} /> Encrypted
    </span>
  );
}

/** Above the composer of a direct chat whose other person's identity changed: check or accept it. */
export function IdentityChangeNotice({ meta }: { meta: Room }) {
  const { security, store } = useServices();
  const partner = meta.encryption_event ? meta.dm_user_id : undefined;
  const info = useUserTrust(partner);
  const [error, setError] = useState<string | null>(null);
  if (!partner || !info?.identity_changed) return null;
  const name = displayName(store.rooms.get(meta.room_id), partner, store.knownNames);
  const accept = () => {
    setError(null);
    security.acceptIdentity(partner).catch((e: Error) => setError(securityErrorText(e.message)));
  };
  return (
    <div className="identity-notice" role="status">
      <Icon name="shieldAlert" size={18} />
      <span className="grow">
        {error ?? `${name}'s identity changed. If you did not expect it, verify them before you send anything sensitive.`}
      </span>
      <button className="btn small" onClick={() => openSecurityDialog({ kind: "user", userId: partner })}>
        Check
      </button>
      <button className="btn small" onClick={accept}>
        Accept
      </button>
    </div>
  );
}
