import { Icon } from "../Icon";
import { openSecurityDialog } from "./openDialogs";
import { useUserTrust } from "./useTrust";

/**
 * Beside a sender's name in an encrypted room: a warning when their identity
 * changed since we first saw or verified it, leading to their devices, with
 * Verify again and Accept. Nothing otherwise.
 */
export function SenderShield({ userId, name }: { userId: string; name: string }) {
  const info = useUserTrust(userId);
  if (!info?.identity_changed) return null;
  return (
    <button
      className="sender-shield warn"
      onClick={() => openSecurityDialog({ kind: "user", userId })}
      title={`${name}'s identity changed. Check it before trusting what they send.`}
      aria-label={`${name}'s identity changed`}
    >
      <Icon name="shieldAlert" size={14} />
    </button>
  );
}
