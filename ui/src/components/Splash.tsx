import { Logo } from "../Logo";
import "./Splash.css";

/** A centred wait screen with a spinner and what we are waiting for. */
export function Splash({ message }: { message: string }) {
  return (
    <main className="center-screen">
      <div className="splash" role="status" aria-live="polite">
        <Logo size={64} />
        <div className="spinner" aria-hidden="true" />
        <p>{message}</p>
      </div>
    </main>
  );
}
