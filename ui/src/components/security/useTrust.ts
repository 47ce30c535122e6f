import { useEffect, useSyncExternalStore } from "react";
import type { ProfileEncryptionInfo } from "../../rpc/types";
import { useServices } from "../../state/context";

/** What the backend knows of a user's devices and identity; asked for on first use. */
export function useUserTrust(userId: string | undefined): ProfileEncryptionInfo | undefined {
  const { security } = useServices();
  useEffect(() => {
    if (userId) security.trust.want(userId);
  }, [security, userId]);
  return useSyncExternalStore(security.trust.subscribe, () => (userId ? security.trust.peek(userId) : undefined));
}
