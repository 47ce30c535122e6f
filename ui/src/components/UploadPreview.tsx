import { useEffect, useMemo } from "react";
import { Dialog } from "./Dialog";
import { formatSize } from "./MessageBody";
import { Icon } from "./Icon";
import "./UploadPreview.css";

/** What is about to be uploaded: image previews, names and sizes, then Send or Cancel. */
export function UploadPreview({ files, onSend, onCancel }: { files: File[]; onSend(): void; onCancel(): void }) {
  const previews = useMemo(
    () => files.map((f) => (f.type.startsWith("image/") ? URL.createObjectURL(f) : null)),
    [files],
  );
  useEffect(() => () => previews.forEach((u) => u && URL.revokeObjectURL(u)), [previews]);
  return (
    <Dialog label="Send files" onClose={onCancel} className="upload-dialog">
      <h3>Send {files.length === 1 ? "this file" : `${files.length} files`}?</h3>
      <ul className="upload-list">
        {files.map((f, i) => (
          <li key={`${f.name}-${i}`}>
            {previews[i] ? <img src={previews[i]!} alt="" /> : <span className="file-icon"><Icon name="file" size={28} /></span>}
            <span className="file-meta">
              <span className="file-name">{f.name}</span>
              <span className="muted small">{formatSize(f.size)}</span>
            </span>
          </li>
        ))}
      </ul>
      <div className="dialog-actions">
        <button className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button className="btn primary" data-autofocus onClick={onSend}>
          Send
        </button>
      </div>
    </Dialog>
  );
}
