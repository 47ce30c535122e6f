import { describe, expect, it } from "vitest";
import { needsAccountPassword, securityErrorText } from "./securityErrors";

describe("encryption errors", () => {
  it("are reworded where the backend's words are technical, and kept otherwise", () => {
    expect(securityErrorText("the recovery key or passphrase is not right")).toMatch(/^That recovery key or passphrase is not right/);
    expect(securityErrorText("the homeserver did not accept the password")).toBe("That password is not right. Try again.");
    expect(securityErrorText("connection lost")).toMatch(/Lost the connection/);
    expect(securityErrorText("M_FORBIDDEN: no")).toBe("M_FORBIDDEN: no");
  });

  it("tell when a reset needs the account password", () => {
    expect(needsAccountPassword("the homeserver asks for the account password")).toBe(true);
    expect(needsAccountPassword("the homeserver did not accept the password")).toBe(true);
    expect(needsAccountPassword("M_UNKNOWN: backup failed")).toBe(false);
  });
});
