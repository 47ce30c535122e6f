// Line icons for the app's own controls (emoji are for what people write).
// 24×24 strokes, drawn in currentColor so they follow the theme.

import "./Icon.css";

const PATHS = {
  attach: "M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5",
  smile: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18Zm-3.5-7a4.5 4.5 0 0 0 7 0M9 9.5h.01M15 9.5h.01",
  addReaction: "M11 21a8.5 8.5 0 1 1 8.3-10.5M8 14a4.5 4.5 0 0 0 6 .5M8.5 9.5h.01M14.5 9.5h.01M19 15v6M16 18h6",
  reply: "M9 14 4 9l5-5M4 9h10.5a5.5 5.5 0 0 1 0 11H11",
  edit: "M16.5 3.5a2.1 2.1 0 0 1 3 3L8 18l-4 1 1-4Z",
  trash: "M4 7h16M10 11v6M14 11v6M5 7l1 13h12l1-13M9 7V4h6v3",
  close: "M6 6l12 12M18 6 6 18",
  plus: "M12 5v14M5 12h14",
  muted: "M9 5.5A5.5 5.5 0 0 1 17.5 10v3l1.5 3M6.5 8.5V13L4 17h11M10 20a2 2 0 0 0 4 0M3 3l18 18",
  back: "M15 18l-6-6 6-6",
  down: "M12 5v14M6 13l6 6 6-6",
  users: "M16 20v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18.5V20M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7ZM20 20v-1.5a3.5 3.5 0 0 0-2.5-3.4M15.5 4.2a3.5 3.5 0 0 1 0 6.6",
  lock: "M6 11h12v9H6zM8.5 11V8a3.5 3.5 0 0 1 7 0v3",
  send: "M4 12 20 4l-6 16-3-7Zm7 1 9-9",
  file: "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Zm0 0v5h5",
  image: "M4 5h16v14H4zM4 16l5-5 4 4 2-2 5 5M15.5 9.5h.01",
  audio: "M9 18V6l11-2v12M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0Zm11-2a3 3 0 1 1-6 0 3 3 0 0 1 6 0Z",
  video: "M4 6h11v12H4zM15 10l5-3v10l-5-3",
  shield: "M12 3 5 6v5.5c0 4.2 2.9 8 7 9.5 4.1-1.5 7-5.3 7-9.5V6Z",
  shieldCheck: "M12 3 5 6v5.5c0 4.2 2.9 8 7 9.5 4.1-1.5 7-5.3 7-9.5V6ZM9 12l2 2 4-4.5",
  shieldAlert: "M12 3 5 6v5.5c0 4.2 2.9 8 7 9.5 4.1-1.5 7-5.3 7-9.5V6ZM12 8v4.5M12 16h.01",
  key: "M7.5 20a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9Zm3.2-7.7L20 3m-3 3 2.5 2.5M14.5 8.5 17 11",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  download: "M12 4v11M7 10l5 5 5-5M5 20h14",
  upload: "M12 15V4M7 9l5-5 5 5M5 20h14",
  check: "M5 12.5 10 17l9-10",
  device: "M4 5h16v11H4zM2 19h20",
  // The hover toolbar's quick reactions: emoji glyphs are empty boxes where no emoji font is installed.
  thumbsUp: "M7 10v10H4V10Zm0 0 4-7a2 2 0 0 1 2.6 2.4L13 10h5.5a2 2 0 0 1 2 2.3l-1.2 6A2 2 0 0 1 17.3 20H7",
  heart: "M12 20s-8-4.7-8-10.2A4.3 4.3 0 0 1 12 7a4.3 4.3 0 0 1 8 2.8C20 15.3 12 20 12 20Z",
  laugh: "M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18ZM7.5 13h9a4.5 4.5 0 0 1-9 0ZM8 8.5l2 1.5-2 1.5M16 8.5 14 10l2 1.5",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 20, label }: { name: IconName; size?: number; label?: string }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      className="icon"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
