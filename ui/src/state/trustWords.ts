import type { Event, ProfileEncryptionInfo, TrustState } from "../rpc/types";

export type Tone = "ok" | "warn" | "bad" | "neutral";

export interface TrustWords {
  label: string;
  tone: Tone;
  /** A sentence for a tooltip or the line under the label. */
  detail: string;
}

/** A device's trust_state, said for a person; `own` for our own devices. */
export function deviceTrust(state: TrustState, own: boolean): TrustWords {
  switch (state) {
    case "verified":
    case "cross-signed-verified":
      return { label: "Verified", tone: "ok", detail: own ? "Signed in and confirmed as yours." : "Confirmed by a verification." };
    case "cross-signed-tofu":
      return {
        label: "Signed by its owner",
        tone: "neutral",
        detail: "Its owner vouches for it, but you have not verified them.",
      };
    case "cross-signed-untrusted":
      return {
        label: "Identity changed",
        tone: "warn",
        detail: "Signed by an identity that changed since you verified it.",
      };
    case "unverified":
      return own
        ? { label: "Not verified", tone: "warn", detail: "Verify it to be sure it is yours and let it read your messages." }
        : { label: "Not verified by its owner", tone: "warn", detail: "Its owner has not confirmed this device is theirs." };
    case "blacklisted":
      return { label: "Blocked", tone: "bad", detail: "Messages are not shared with this device." };
  }
}

/** A user's identity as a whole. */
export function userTrust(info: ProfileEncryptionInfo): TrustWords {
  if (info.identity_changed) {
    return {
      label: "Identity changed",
      tone: "warn",
      detail: "Their identity changed since you first saw or verified it. Verify them again, or accept the new one if you expected it.",
    };
  }
  if (info.user_trusted) return { label: "Verified", tone: "ok", detail: "You verified this person." };
  if (!info.master_key) {
    return { label: "No identity", tone: "neutral", detail: "This person has not set up cross-signing, so their devices cannot be checked." };
  }
  return { label: "Not verified", tone: "neutral", detail: "Verify them to be sure you are talking to who you think." };
}

/**
 * The warning a decrypted message gets for the device it came from (its
 * envelope's `device_id`, docs/rpc.md): one its owner has not verified, one we
 * blocked, or one the sender's device list does not have. None for our own
 * device, for a trusted one, or while the sender's devices are not known yet;
 * an identity that changed is shown on the sender instead.
 */
export function messageDeviceWarning(ev: Event, sender: ProfileEncryptionInfo | undefined, ownDeviceId: string | undefined): TrustWords | null {
  const deviceId = ev.type === "m.room.encrypted" && ev.decrypted ? ev.content.device_id : undefined;
  if (typeof deviceId !== "string" || !sender?.devices_tracked || deviceId === ownDeviceId) return null;
  const device = sender.devices.find((d) => d.device_id === deviceId);
  if (!device) {
    return { label: "Unknown device", tone: "warn", detail: "Sent from a device that is unknown or deleted: where it came from cannot be checked." };
  }
  if (device.trust_state === "unverified") {
    return { label: "Unverified device", tone: "warn", detail: "Sent from a device its owner has not verified." };
  }
  if (device.trust_state === "blacklisted") {
    return { label: "Blocked device", tone: "bad", detail: "Sent from a device you blocked." };
  }
  return null;
}
