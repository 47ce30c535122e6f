import { useStore } from "../../state/context";
import { displayName } from "../../state/members";
import { Avatar } from "../Avatar";
import { Dialog } from "../Dialog";
import { Icon } from "../Icon";
import { closeSecurityDialog } from "./openDialogs";
import { UserTrust } from "./UserTrust";

/** A user's trust, over the app: opened from a warning shield in the timeline. */
export function UserTrustDialog({ userId }: { userId: string }) {
  const store = useStore();
  const name = displayName(undefined, userId, store.knownNames);
  return (
    <Dialog label={`${name}'s encryption`} onClose={closeSecurityDialog} className="security-dialog">
      <header className="dialog-head">
        <span className="user-trust-who">
          <Avatar id={userId} name={name} mxc={undefined} size={40} />
          <span>
            <h2 className="dialog-title flush">{name}</h2>
            <span className="muted small">{userId}</span>
          </span>
        </span>
        <button className="btn ghost small" onClick={closeSecurityDialog} aria-label="Close" data-autofocus>
          <Icon name="close" size={16} />
        </button>
      </header>
      <UserTrust userId={userId} name={name} />
    </Dialog>
  );
}
