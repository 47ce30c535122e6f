import "./Logo.css";

/** The app icon's diamond lattice (icons/), drawn in SVG so it stays sharp at any zoom. */
export function Logo({ size }: { size: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <rect x="2" y="2" width="60" height="60" rx="13" className="logo-tile" />
      <path
        className="logo-lattice"
        d="M32 8 L56 32 L32 56 L8 32 Z M16 24 L40 48 M24 16 L48 40 M16 40 L40 16 M24 48 L48 24"
        fill="none"
        strokeWidth="4"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}
