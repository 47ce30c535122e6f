import { useState } from "react";
import type { VerificationInfo } from "../../rpc/types";

/** The seven emoji (or the three numbers) both sides compare. */
export function SasCompare({ info }: { info: VerificationInfo }) {
  const [numbers, setNumbers] = useState(false);
  const emoji = info.emoji ?? [];
  const decimals = info.decimals;
  const showNumbers = (numbers && decimals) || emoji.length === 0;
  return (
    <div className="sas">
      {showNumbers && decimals ? (
        <p className="sas-decimals" aria-label={`Numbers: ${decimals.join(", ")}`}>
          {decimals.map((d, i) => (
            <span key={i}>{d}</span>
          ))}
        </p>
      ) : (
        <ol className="sas-emoji" aria-label="Emoji to compare">
          {emoji.map((e, i) => (
            <li key={i}>
              <span className="sas-symbol" aria-hidden="true">
                {e.symbol}
              </span>
              <span className="sas-word">{e.description}</span>
            </li>
          ))}
        </ol>
      )}
      {emoji.length > 0 && decimals && (
        <button type="button" className="btn ghost small" onClick={() => setNumbers((n) => !n)}>
          {numbers ? "Compare emoji instead" : "Compare numbers instead"}
        </button>
      )}
    </div>
  );
}
