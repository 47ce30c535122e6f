import { describe, expect, it } from "vitest";
import { formatRecoveryKey, readRecoveryInput, RECOVERY_KEY_LENGTH } from "./recoveryKey";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** A recovery key the way the spec makes one: prefix, key bytes, parity; base58. */
function makeKey(seed: number): string {
  const bytes = [0x8b, 0x01];
  for (let i = 0; i < 32; i++) bytes.push((seed * 131 + i * 29 + 7) & 0xff);
  bytes.push(bytes.reduce((x, b) => x ^ b, 0));
  let n = bytes.reduce((acc, b) => acc * 256n + BigInt(b), 0n);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)]! + out;
    n /= 58n;
  }
  return formatRecoveryKey(out);
}

describe("recovery keys", () => {
  it("are 48 base58 characters starting with Es, shown in twelve groups of four", () => {
    for (const seed of [0, 1, 77, 255]) {
      const key = makeKey(seed);
      expect(key.replace(/ /g, "")).toHaveLength(RECOVERY_KEY_LENGTH);
      expect(key.startsWith("Es")).toBe(true);
      expect(key.split(" ").map((g) => g.length)).toEqual(Array(12).fill(4));
    }
  });

  it("are read with any spacing and given back formatted", () => {
    const key = makeKey(3);
    const messy = `  ${key.replace(/ /g, "").slice(0, 10)}\n${key.replace(/ /g, "").slice(10)}  `;
    expect(readRecoveryInput(messy)).toEqual({ kind: "key", value: key });
    expect(readRecoveryInput(key)).toEqual({ kind: "key", value: key });
  });

  it("with one character changed, a missing group or an extra one, are typos caught before the backend", () => {
    const key = makeKey(9).replace(/ /g, "");
    const swapped = key.slice(0, 20) + (key[20] === "a" ? "b" : "a") + key.slice(21);
    expect(readRecoveryInput(swapped)).toMatchObject({ kind: "bad-key", problem: expect.stringMatching(/typo/) });
    expect(readRecoveryInput(key.slice(0, 44))).toMatchObject({ kind: "bad-key", problem: expect.stringMatching(/48 characters; this has 44/) });
    expect(readRecoveryInput(key + "abcd")).toMatchObject({ kind: "bad-key" });
  });

  it("tell a passphrase from a key, and keep the passphrase exactly as typed", () => {
    expect(readRecoveryInput("correct horse battery staple")).toEqual({ kind: "passphrase", value: "correct horse battery staple" });
    expect(readRecoveryInput(" Es ist kalt ")).toEqual({ kind: "passphrase", value: " Es ist kalt " });
    // 0, O, I and l are not base58: not a key, whatever its length.
    expect(readRecoveryInput("EsO0" + "a".repeat(44))).toMatchObject({ kind: "passphrase" });
    expect(readRecoveryInput("   ")).toEqual({ kind: "empty" });
  });
});
