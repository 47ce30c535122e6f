import type { TrustWords } from "../../state/trustWords";
import { Icon } from "../Icon";

/** A shield and a word or two for a device's or user's trust, coloured by its tone. */
export function TrustBadge({ trust, compact = false }: { trust: TrustWords; compact?: boolean }) {
  const icon = trust.tone === "ok" ? "shieldCheck" : trust.tone === "neutral" ? "shield" : "shieldAlert";
  return (
    <span className={`trust-badge ${trust.tone}`} title={trust.detail}>
      <Icon name={icon} size={compact ? 14 : 16} />
      {compact ? <span className="sr-only">{trust.label}</span> : trust.label}
    </span>
  );
}
