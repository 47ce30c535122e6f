import { useState } from "react";
import { mediaUrl } from "../media";
import "./Avatar.css";

const HUES = [150, 200, 260, 320, 20, 45, 100, 180];

/** A stable hue per ID, so a person keeps their colour everywhere. */
export function userHue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return HUES[Math.abs(h) % HUES.length]!;
}

function initial(name: string): string {
  const clean = name.replace(/^[@#!+]/, "");
  return (Array.from(clean)[0] ?? "?").toUpperCase();
}

/** A round picture, or the name's first letter on a colour derived from the ID. */
export function Avatar({ id, name, mxc, size }: { id: string; name: string; mxc: string | undefined; size: number }) {
  const src = mediaUrl(mxc, "avatar");
  const [failed, setFailed] = useState<string | null>(null);
  const style = { width: size, height: size, fontSize: size * 0.45, "--avatar-hue": userHue(id) } as React.CSSProperties;
  if (src && failed !== src) {
    return <img className="avatar" style={style} src={src} alt="" loading="lazy" onError={() => setFailed(src)} />;
  }
  return (
    <span className="avatar letter" style={style} aria-hidden="true">
      {initial(name)}
    </span>
  );
}
