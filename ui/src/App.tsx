import { Logo } from "./Logo";

/** Placeholder until the UI issue brings login, the room list and the timeline. */
export function App() {
  return (
    <main className="placeholder">
      <section className="card" aria-labelledby="app-title">
        <Logo size={72} />
        <h1 id="app-title">Trellis</h1>
        <p className="tagline">A Matrix desktop client</p>
        <p className="note">
          The connection to the backend arrives with the UI issue. Until then, this window only
          shows that the desktop shell and the web UI are wired together.
        </p>
      </section>
    </main>
  );
}
