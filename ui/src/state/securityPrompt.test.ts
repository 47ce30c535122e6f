import { describe, expect, it } from "vitest";
import type { ClientState, VerificationState } from "../rpc/types";
import { securityPrompt } from "./securityPrompt";

function cs(v: Partial<VerificationState>): ClientState {
  const verification_state = { is_verified: false, state_checked: true, has_cross_signing: true, has_ssss: true, ...v };
  return { is_initialized: true, is_logged_in: true, is_verified: verification_state.is_verified, verification_state };
}
const none = { skippedConfirm: false, putOffSetup: false };

describe("the security prompt", () => {
  it("is a quiet wait until the backend has checked our keys", () => {
    expect(securityPrompt(cs({ state_checked: false, has_cross_signing: false }), none)).toBe("checking");
  });

  it("asks a new device of an account with an identity to confirm it's you, and after a skip only notes it", () => {
    expect(securityPrompt(cs({}), none)).toBe("confirm");
    expect(securityPrompt(cs({ has_ssss: false }), none)).toBe("confirm");
    expect(securityPrompt(cs({}), { ...none, skippedConfirm: true })).toBe("unverified");
  });

  it("offers to set up recovery when there is none, until put off", () => {
    expect(securityPrompt(cs({ has_cross_signing: false, has_ssss: false }), none)).toBe("setup");
    expect(securityPrompt(cs({ is_verified: true, has_ssss: false }), none)).toBe("setup");
    expect(securityPrompt(cs({ has_cross_signing: false }), { ...none, putOffSetup: true })).toBe("none");
  });

  it("says nothing for a verified device with recovery set up", () => {
    expect(securityPrompt(cs({ is_verified: true }), none)).toBe("none");
  });
});
