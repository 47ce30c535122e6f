// The encryption commands' errors (docs/rpc.md) in words a person can act on.

export function securityErrorText(message: string): string {
  if (/recovery key or passphrase is not right/i.test(message))
    return "That recovery key or passphrase is not right. Check it and try again.";
  if (/did not accept the password/i.test(message)) return "That password is not right. Try again.";
  if (/not connected|connection lost/i.test(message)) return "Lost the connection to Trellis's backend. Try again in a moment.";
  if (/M_LIMIT_EXCEEDED|429/.test(message)) return "Too many attempts. Wait a little and try again.";
  return message;
}

/** The homeserver wants the account password (user-interactive auth) before a reset. */
export function needsAccountPassword(message: string): boolean {
  return /password/i.test(message);
}
