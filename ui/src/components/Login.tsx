import { useState } from "react";
import { useServices } from "../state/context";
import { AuthCard } from "./AuthCard";
import { Field } from "./Field";
import { useSubmit } from "./useSubmit";

/** Backend errors in words a person can act on. */
export function loginErrorText(message: string): string {
  if (/M_FORBIDDEN|403|invalid password|Invalid username or password/i.test(message))
    return "Wrong username or password.";
  if (/M_USER_DEACTIVATED/i.test(message)) return "This account has been deactivated.";
  if (/M_LIMIT_EXCEEDED|429/.test(message)) return "Too many attempts. Wait a little and try again.";
  if (/keyring|secret service/i.test(message)) return `Cannot store your session securely: ${message}`;
  if (/well-known|resolve|dns|connect|unreachable|timed out|error sending request/i.test(message))
    return "Cannot reach that homeserver. Check the address and your connection.";
  if (/not connected/i.test(message)) return "Lost the connection to the backend. Try again in a moment.";
  return message;
}

/** The Matrix login: homeserver (URL or server name), username, password. */
export function Login() {
  const { actions } = useServices();
  const [homeserver, setHomeserver] = useState("matrix.org");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  // The client_state that follows a login moves the app on; the spinner stays until then.
  const form = useSubmit(
    async () => {
      await actions.login(homeserver.trim(), username.trim(), password);
    },
    { describe: loginErrorText, busyAfterSuccess: true },
  );
  return (
    <AuthCard
      title="Sign in to Matrix"
      subtitle="Trellis keeps your session in the system keyring."
      submitLabel="Sign in"
      form={form}
    >
      <Field
        label="Homeserver"
        value={homeserver}
        onChange={setHomeserver}
        autoComplete="url"
        hint="A server name like example.org, or a full https:// address."
      />
      <Field label="Username" value={username} onChange={setUsername} autoComplete="username" placeholder="alice or @alice:example.org" autoFocus />
      <Field label="Password" value={password} onChange={setPassword} type="password" autoComplete="current-password" />
    </AuthCard>
  );
}
