import { useState } from "react";
import { webLogin } from "../rpc/webauth";
import { AuthCard, Field } from "./AuthCard";

/** The web server's own login (username and password set for `trellis-server --listen`). */
export function WebLogin({ onDone }: { onDone(): void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await webLogin(username, password);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <AuthCard
      title="Sign in to this Trellis"
      subtitle="This Trellis server is protected. Use the web login it was set up with."
      error={error}
      busy={busy}
      busyLabel="Signing in…"
      submitLabel="Continue"
      onSubmit={submit}
    >
      <Field label="Username" value={username} onChange={setUsername} autoComplete="username" autoFocus />
      <Field label="Password" value={password} onChange={setPassword} type="password" autoComplete="current-password" />
    </AuthCard>
  );
}
