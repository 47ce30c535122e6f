import { useRef, useState } from "react";
import { formatRecoveryKey } from "../../state/recoveryKey";
import { Icon } from "../Icon";
import { downloadText } from "./download";

/** A new recovery key, shown once: large, selectable, with Copy and Download. */
export function RecoveryKeyBlock({ recoveryKey, userId }: { recoveryKey: string; userId: string }) {
  const formatted = formatRecoveryKey(recoveryKey);
  const box = useRef<HTMLOutputElement>(null);
  const [status, setStatus] = useState<string | null>(null);

  const selectKey = () => {
    const el = box.current;
    const selection = window.getSelection();
    if (!el || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(el);
    selection.removeAllRanges();
    selection.addRange(range);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(formatted);
      setStatus("Copied to the clipboard.");
    } catch {
      selectKey();
      setStatus("The clipboard is not available here: the key is selected, press Ctrl+C to copy it.");
    }
  };
  const download = () => {
    const text = `Recovery key for ${userId}\n\n${formatted}\n\nKeep it somewhere safe: with it, anyone signed in as you can read your encrypted messages.\n`;
    downloadText("recovery-key.txt", text);
    setStatus("Saved as recovery-key.txt in your downloads.");
  };

  return (
    <div className="recovery-key-block">
      <output ref={box} className="recovery-key" aria-label="Your recovery key" onFocus={selectKey} tabIndex={0}>
        {formatted}
      </output>
      <div className="recovery-key-actions">
        <button type="button" className="btn" onClick={copy}>
          <Icon name="copy" size={16} /> Copy
        </button>
        <button type="button" className="btn" onClick={download}>
          <Icon name="download" size={16} /> Download
        </button>
      </div>
      <p className="muted small" role="status">
        {status}
      </p>
    </div>
  );
}
