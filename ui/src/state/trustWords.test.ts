import { describe, expect, it } from "vitest";
import type { ProfileDevice, ProfileEncryptionInfo, TrustState } from "../rpc/types";
import { text } from "../test/fixtures";
import { deviceTrust, messageDeviceWarning, userTrust } from "./trustWords";

function device(device_id: string, trust_state: TrustState): ProfileDevice {
  return { device_id, name: device_id, identity_key: "", signing_key: "", fingerprint: "", trust_state };
}

function info(patch: Partial<ProfileEncryptionInfo> = {}): ProfileEncryptionInfo {
  return {
    devices_tracked: true,
    devices: [device("GOOD", "cross-signed-tofu"), device("BAD", "unverified"), device("BLOCKED", "blacklisted")],
    master_key: "mk",
    first_master_key: "mk",
    user_trusted: false,
    errors: [],
    identity_changed: false,
    ...patch,
  };
}

const encrypted = (deviceId: string) =>
  text(1, "!r:x", "", {
    type: "m.room.encrypted",
    content: { algorithm: "m.megolm.v1.aes-sha2", session_id: "s", device_id: deviceId },
    decrypted: { msgtype: "m.text", body: "hi" },
    decrypted_type: "m.room.message",
  });

describe("a message's device warning", () => {
  it("is shown for a device its owner did not verify, a blocked one, or one not in their list", () => {
    expect(messageDeviceWarning(encrypted("BAD"), info(), "MINE")?.label).toBe("Unverified device");
    expect(messageDeviceWarning(encrypted("BLOCKED"), info(), "MINE")?.tone).toBe("bad");
    expect(messageDeviceWarning(encrypted("GONE"), info(), "MINE")?.label).toBe("Unknown device");
  });

  it("is not shown for a device its owner signed, our own device, a plain message, or before the devices are known", () => {
    expect(messageDeviceWarning(encrypted("GOOD"), info(), "MINE")).toBeNull();
    expect(messageDeviceWarning(encrypted("BAD"), info(), "BAD")).toBeNull();
    expect(messageDeviceWarning(text(1, "!r:x", "plain"), info(), "MINE")).toBeNull();
    expect(messageDeviceWarning(encrypted("GONE"), info({ devices_tracked: false }), "MINE")).toBeNull();
    expect(messageDeviceWarning(encrypted("GONE"), undefined, "MINE")).toBeNull();
  });
});

describe("trust in words", () => {
  it("names a user's identity: changed first, then verified, none, or not verified", () => {
    expect(userTrust(info({ identity_changed: true, user_trusted: true })).label).toBe("Identity changed");
    expect(userTrust(info({ user_trusted: true })).tone).toBe("ok");
    expect(userTrust(info({ master_key: "" })).label).toBe("No identity");
    expect(userTrust(info()).label).toBe("Not verified");
  });

  it("names our own unverified device differently from someone else's", () => {
    expect(deviceTrust("unverified", true).label).toBe("Not verified");
    expect(deviceTrust("unverified", false).label).toBe("Not verified by its owner");
    expect(deviceTrust("cross-signed-verified", false).tone).toBe("ok");
  });
});
