// Recovery keys as people see and type them. A Matrix recovery key is 35
// bytes — the prefix 0x8B 0x01, the 32-byte key, and a parity byte that makes
// the XOR of all of them zero — in Bitcoin's base58: 48 characters, shown in
// groups of four, always starting with "Es". The backend decides whether a key
// is right; this only catches typos early and tells a key from a passphrase.

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const KEY_BYTES = 35;
export const RECOVERY_KEY_LENGTH = 48;

/** The key in groups of four, as it is shown and saved. */
export function formatRecoveryKey(key: string): string {
  const compact = key.replace(/\s+/g, "");
  return (compact.match(/.{1,4}/g) ?? []).join(" ");
}

function decodeBase58(text: string): Uint8Array | null {
  let n = 0n;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) return null;
    n = n * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for (const ch of text) {
    if (ch !== "1") break;
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

export type RecoveryInput =
  | { kind: "empty" }
  /** Sent as typed: a passphrase is the person's own text. */
  | { kind: "passphrase"; value: string }
  | { kind: "key"; value: string }
  /** Looks like a recovery key, but is not a well-formed one. */
  | { kind: "bad-key"; problem: string };

/** What the person typed in the "recovery key or passphrase" field. */
export function readRecoveryInput(input: string): RecoveryInput {
  const compact = input.replace(/\s+/g, "");
  if (compact === "") return { kind: "empty" };
  const base58 = [...compact].every((ch) => ALPHABET.includes(ch));
  // "Es" and mostly the right length: meant as a key. A passphrase rarely is
  // one long run of base58 letters that starts so.
  if (!base58 || !compact.startsWith("Es") || Math.abs(compact.length - RECOVERY_KEY_LENGTH) > 8) {
    return { kind: "passphrase", value: input };
  }
  if (compact.length !== RECOVERY_KEY_LENGTH) {
    const problem = `A recovery key has ${RECOVERY_KEY_LENGTH} characters; this has ${compact.length}. Check for a missing or extra group.`;
    return { kind: "bad-key", problem };
  }
  const bytes = decodeBase58(compact);
  const parity = bytes?.reduce((x, b) => x ^ b, 0);
  if (!bytes || bytes.length !== KEY_BYTES || bytes[0] !== 0x8b || bytes[1] !== 0x01 || parity !== 0) {
    return { kind: "bad-key", problem: "This recovery key has a typo. Check it against the one you saved." };
  }
  return { kind: "key", value: formatRecoveryKey(compact) };
}
