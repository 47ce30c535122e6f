import { useState } from "react";
import { webLogin } from "../rpc/webauth";
import { AuthCard } from "./AuthCard";
import { Field } from "./Field";
import { useSubmit } from "./useSubmit";

/** The web server's own login (username and password set for `trellis-server --listen`). */
export function WebLogin({ onDone }: { onDone(): void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const form = useSubmit(
    async () => {
      await webLogin(username, password);
      onDone();
    },
    { busyAfterSuccess: true },
  );
  return (
    <AuthCard
      title="Sign in to this Trellis"
      subtitle="This Trellis server is protected. Use the web login it was set up with."
      submitLabel="Continue"
      form={form}
    >
      <Field label="Username" value={username} onChange={setUsername} autoComplete="username" autoFocus />
      <Field label="Password" value={password} onChange={setPassword} type="password" autoComplete="current-password" />
    </AuthCard>
  );
}
