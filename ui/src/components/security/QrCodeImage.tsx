import type { QrCode } from "../../rpc/types";
import { qrRuns } from "../../state/verification";

const QUIET_ZONE = 4;

/** The backend's QR code drawn as SVG rects (dark on white whatever the theme, as scanners want). */
export function QrCodeImage({ qr, label }: { qr: QrCode; label: string }) {
  const runs = qrRuns(qr);
  if (!runs) return <p className="form-error">The QR code could not be drawn. Compare emoji instead.</p>;
  const extent = qr.size + QUIET_ZONE * 2;
  return (
    <svg className="qr-code" viewBox={`0 0 ${extent} ${extent}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={extent} height={extent} fill="#fff" />
      {runs.map((r) => (
        <rect key={`${r.x},${r.y}`} x={r.x + QUIET_ZONE} y={r.y + QUIET_ZONE} width={r.w} height={1} fill="#000" />
      ))}
    </svg>
  );
}
