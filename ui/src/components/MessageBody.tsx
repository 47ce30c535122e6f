import { memo, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent } from "react";
import { mediaUrl, rewriteHtmlMediaSrc, saveUrl } from "../media";
import { insideTauri } from "../rpc/tauri";
import { openExternal } from "../shell";
import { saveFile } from "../upload";
import type { Event, JsonObject } from "../rpc/types";
import { eventContent, eventType } from "../state/timelineItems";
import { Dialog } from "./Dialog";
import { Icon } from "./Icon";
import "./MessageBody.css";

interface MediaInfo {
  mimetype?: string;
  size?: number;
  w?: number;
  h?: number;
  thumbnail_url?: string;
  thumbnail_file?: { url?: string };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** The mxc URI of a media message, and whether it is encrypted (`file` instead of `url`). */
function mediaSource(c: JsonObject): { mxc: string | undefined; encrypted: boolean } {
  const file = c.file as { url?: unknown } | undefined;
  if (file && typeof file.url === "string") return { mxc: file.url, encrypted: true };
  return { mxc: str(c.url), encrypted: false };
}

export function formatSize(bytes: number | undefined): string {
  if (!bytes) return "";
  const units = ["B", "KB", "MB", "GB"];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** Images in sanitized_html point at the web server's media path; the desktop serves them elsewhere. */
function htmlForTransport(html: string): string {
  if (!insideTauri() || !html.includes("<img")) return html;
  const tpl = document.createElement("template");
  tpl.innerHTML = html;
  for (const img of tpl.content.querySelectorAll("img")) {
    const src = rewriteHtmlMediaSrc(img.getAttribute("src") ?? "");
    if (src) img.setAttribute("src", src);
    else img.removeAttribute("src");
  }
  return tpl.innerHTML;
}

const SPOILER = "[data-mx-spoiler]:not(.revealed)";

/**
 * Hidden spoilers are buttons (a tab stop, Enter or Space reveals) that a
 * screen reader names "Spoiler, hidden" instead of reading them out: the
 * text goes into an aria-hidden span until revealed.
 */
function markSpoilers(body: HTMLElement) {
  for (const s of body.querySelectorAll<HTMLElement>(SPOILER)) {
    if (s.hasAttribute("role")) continue;
    const hidden = document.createElement("span");
    hidden.setAttribute("aria-hidden", "true");
    hidden.append(...s.childNodes);
    const name = document.createElement("span");
    name.className = "sr-only spoiler-name";
    const reason = s.getAttribute("data-mx-spoiler");
    name.textContent = reason ? `Spoiler (${reason}), hidden` : "Spoiler, hidden";
    s.append(name, hidden);
    s.setAttribute("role", "button");
    s.setAttribute("tabindex", "0");
  }
}

function reveal(spoiler: Element) {
  spoiler.classList.add("revealed");
  spoiler.removeAttribute("role");
  spoiler.removeAttribute("tabindex");
  spoiler.querySelector(":scope > .spoiler-name")?.remove();
  spoiler.querySelector(":scope > [aria-hidden]")?.removeAttribute("aria-hidden");
}

/** Links open outside the app (the desktop shell checks their scheme); spoilers reveal on click; pills go through onPill. */
function onBodyClick(e: MouseEvent<HTMLElement>, onPill: (kind: string, target: string) => void) {
  const el = e.target as HTMLElement;
  const spoiler = el.closest(SPOILER);
  if (spoiler) {
    e.preventDefault();
    reveal(spoiler);
    return;
  }
  const link = el.closest("a");
  if (!link) return;
  const pill = link.getAttribute("data-mx-pill");
  if (pill) {
    e.preventDefault();
    onPill(link.className.includes("mx-pill-user") ? "user" : "room", pill);
    return;
  }
  e.preventDefault();
  openExternal(link.href);
}

/**
 * An image that keeps its reserved box, with a quiet placeholder if it cannot
 * load. A click shows the whole picture: a new tab in a browser; on the desktop,
 * which opens no windows for media, a viewer over the app.
 */
function MediaImage(props: { full: string; thumb: string; alt: string; box: CSSProperties }) {
  const [failed, setFailed] = useState(false);
  const [viewing, setViewing] = useState(false);
  if (failed) {
    return (
      <span className="media media-failed" style={{ width: props.box.width }} role="img" aria-label={`${props.alt} (could not load)`}>
        <Icon name="image" size={28} />
        <span className="small">{props.alt || "Image"} could not be loaded</span>
      </span>
    );
  }
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (!insideTauri()) return;
    e.preventDefault();
    setViewing(true);
  };
  return (
    <>
      <a className="media-link" href={props.full} target="_blank" rel="noopener noreferrer" title={props.alt} onClick={onClick}>
        <img className="media" style={props.box} src={props.thumb} alt={props.alt} loading="lazy" onError={() => setFailed(true)} />
      </a>
      {viewing && (
        <Dialog label={props.alt || "Image"} onClose={() => setViewing(false)}>
          <img src={props.full} alt={props.alt} style={{ display: "block", maxWidth: "100%", maxHeight: "75vh", margin: "0 auto" }} />
        </Dialog>
      )}
    </>
  );
}

/** A file's Download button: the browser downloads the link; on the desktop the shell saves it (see saveUrl). */
function DownloadLink(props: { url: string; save: string | undefined; name: string }) {
  const [status, setStatus] = useState<string>();
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    const save = props.save;
    if (!save) return;
    e.preventDefault();
    saveFile(save, props.name).then(
      (path) => setStatus(`Saved to ${path}`),
      (err: unknown) => setStatus(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <>
      <a className="btn small" href={props.url} download={props.name} onClick={onClick}>
        Download
      </a>
      {status && (
        <span className="muted small" role="status">
          {status}
        </span>
      )}
    </>
  );
}

function HtmlBody({ html, className, onPill }: { html: string; className: string; onPill(kind: string, target: string): void }) {
  const safe = useMemo(() => htmlForTransport(html), [html]);
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current) markSpoilers(ref.current);
  }, [safe]);
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const spoiler = (e.target as HTMLElement).closest(SPOILER);
    if (!spoiler || (e.key !== "Enter" && e.key !== " ")) return;
    e.preventDefault();
    e.stopPropagation();
    reveal(spoiler);
  };
  // sanitized_html is the backend's sanitizer output: the only HTML we ever render.
  return (
    <div ref={ref} className={className} onClick={(e) => onBodyClick(e, onPill)} onKeyDown={onKeyDown} dangerouslySetInnerHTML={{ __html: safe }} />
  );
}

/** The visible part of a message: text or HTML, media, or why there is none. */
export const MessageBody = memo(function MessageBody(props: {
  event: Event;
  /** The latest edit, whose m.new_content (and local_content) replaces the original's. */
  edit: Event | undefined;
  onPill(kind: string, target: string): void;
}) {
  const ev = props.event;
  if (ev.redacted_by) return <p className="body removed">Message deleted</p>;
  if (ev.decryption_error || eventType(ev) === "m.room.encrypted") {
    // The backend says why in words; the text replaces this when the key arrives (events_decrypted).
    return (
      <p className="body removed undecryptable">
        <Icon name="lock" size={14} /> {ev.decryption_error ?? "Waiting for the key to decrypt this message…"}
      </p>
    );
  }
  const edited = props.edit && !props.edit.redacted_by ? props.edit : undefined;
  const c: JsonObject = edited
    ? ((eventContent(edited)["m.new_content"] as JsonObject | undefined) ?? eventContent(ev))
    : eventContent(ev);
  const local = edited ? edited.local_content : ev.local_content;
  const body = str(c.body) ?? "";
  const info = (c.info ?? {}) as MediaInfo;
  const msgtype = eventType(ev) === "m.sticker" ? "m.sticker" : str(c.msgtype);

  if (msgtype === "m.image" || msgtype === "m.sticker" || msgtype === "m.video") {
    const { mxc, encrypted } = mediaSource(c);
    const full = mediaUrl(mxc, "full", encrypted);
    // The sender's thumbnail when there is one (smaller to load), else the image itself.
    const thumb = info.thumbnail_file?.url
      ? mediaUrl(info.thumbnail_file.url, "full", true)
      : mediaUrl(info.thumbnail_url ?? mxc, "full", info.thumbnail_url ? false : encrypted);
    // Reserve the box from the declared size so loading does not move the timeline.
    const w = info.w && info.h ? Math.min(info.w, 360) : 320;
    const h = info.w && info.h ? Math.round((w * info.h) / info.w) : 200;
    const box = { width: w, aspectRatio: `${w} / ${Math.min(h, 480)}` };
    if (!full) return <p className="body removed">{body || "Media"} (unavailable)</p>;
    if (msgtype === "m.video") {
      return <video className="media" style={box} controls preload="metadata" poster={info.thumbnail_url || info.thumbnail_file ? thumb : undefined} src={full} aria-label={body} />;
    }
    return <MediaImage full={full} thumb={thumb ?? full} alt={body} box={box} />;
  }
  if (msgtype === "m.audio" || msgtype === "m.file") {
    const { mxc, encrypted } = mediaSource(c);
    const url = mediaUrl(mxc, "full", encrypted);
    const name = str(c.filename) ?? body ?? "file";
    return (
      <div className="file-card">
        <span className="file-icon"><Icon name={msgtype === "m.audio" ? "audio" : "file"} size={28} /></span>
        <span className="file-meta">
          <span className="file-name">{name}</span>
          <span className="muted small">{[info.mimetype, formatSize(info.size)].filter(Boolean).join(" · ")}</span>
          {msgtype === "m.audio" && url && <audio controls preload="none" src={url} />}
        </span>
        {url && <DownloadLink url={url} save={saveUrl(mxc, encrypted, name)} name={name} />}
      </div>
    );
  }
  const classes = ["body"];
  if (local?.big_emoji) classes.push("big-emoji");
  if (msgtype === "m.notice") classes.push("notice");
  if (msgtype === "m.emote") classes.push("emote");
  // Plain bodies keep their newlines; formatted HTML has its own line breaks.
  if (local?.was_plaintext || !local?.sanitized_html) classes.push("plain");
  if (local?.sanitized_html) return <HtmlBody html={local.sanitized_html} className={classes.join(" ")} onPill={props.onPill} />;
  return <div className={classes.join(" ")}>{body}</div>;
});
