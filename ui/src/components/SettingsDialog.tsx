import { useState } from "react";
import { insideTauri } from "../rpc/tauri";
import { updateSettings, useSettings, type Theme } from "../settings";
import { useServices, useStore } from "../state/context";
import { Avatar } from "./Avatar";
import { confirmAction } from "./Confirm";
import { FormError } from "./FormError";
import { useSubmit } from "./useSubmit";
import { Dialog } from "./Dialog";
import { Icon } from "./Icon";
import { SecurityTab } from "./security/SecurityTab";
import { useTabs } from "./Tabs";
import "./segmented.css";
import "./SettingsDialog.css";

export type SettingsTab = "general" | "security";
const SETTINGS_TABS = ["general", "security"] as const;

const THEMES: { value: Theme; label: string }[] = [
  { value: "system", label: "Match system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

/** Our display name, saved on Enter or when the field is left; client_state brings it back. */
function DisplayNameField({ current }: { current: string }) {
  const { actions } = useServices();
  const [name, setName] = useState(current);
  const { error, busy, submit } = useSubmit(() => actions.setDisplayName(name.trim()));
  const save = () => {
    if (!busy && name.trim() && name.trim() !== current) void submit();
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <input className="name-input" value={name} onChange={(e) => setName(e.target.value)} onBlur={save} aria-label="Display name" />
      <FormError error={error} />
    </form>
  );
}

/** Two tabs: General (appearance, notifications, the tray, the account with log out) and Security. */
export function SettingsDialog({ onClose, initialTab = "general" }: { onClose(): void; initialTab?: SettingsTab }) {
  const [tab, setTab] = useState<SettingsTab>(initialTab);
  const tabs = useTabs(SETTINGS_TABS, tab, setTab);
  return (
    <Dialog label="Settings" onClose={onClose} className="settings">
      <header className="dialog-head">
        <h2>Settings</h2>
        <button className="btn ghost small" onClick={onClose} aria-label="Close settings">
          <Icon name="close" size={16} />
        </button>
      </header>
      <div {...tabs.list} className="tabs settings-tabs">
        {SETTINGS_TABS.map((t) => (
          <button key={t} {...tabs.tab(t)}>
            {t === "general" ? "General" : "Security"}
          </button>
        ))}
      </div>
      <div {...tabs.panel}>
        {tab === "general" ? <GeneralTab onClose={onClose} /> : <SecurityTab />}
      </div>
    </Dialog>
  );
}

function GeneralTab({ onClose }: { onClose(): void }) {
  const settings = useSettings();
  const store = useStore();
  const { actions, drafts } = useServices();
  const me = store.clientState;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const logout = async () => {
    const text = "Log out? Your messages stay on the server; this device's keys are removed.";
    if (!(await confirmAction(text, "Log out", true))) return;
    setBusy(true);
    try {
      await actions.logout();
      // Unsent text stays with the account it was written in, not on the machine.
      drafts.clear();
      onClose();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const setNotifications = async (on: boolean) => {
    // In a browser, notifications need the page's permission first.
    if (on && !insideTauri() && "Notification" in window && Notification.permission === "default") {
      await Notification.requestPermission();
    }
    updateSettings({ notifications: on });
  };

  return (
    <>
      {me?.user_id && (
        <section className="settings-account">
          <Avatar id={me.user_id} name={me.displayname ?? me.user_id} mxc={me.avatar_url} size={48} />
          <div className="grow">
            <DisplayNameField current={me.displayname ?? ""} />
            <div className="muted small">{me.user_id}</div>
            {me.device_id && <div className="muted small">Device {me.device_id}</div>}
          </div>
        </section>
      )}
      <fieldset className="settings-group">
        <legend>Theme</legend>
        <div className="segmented">
          {THEMES.map((t) => (
            <label key={t.value} className={settings.theme === t.value ? "seg active" : "seg"}>
              <input
                type="radio"
                name="theme"
                value={t.value}
                checked={settings.theme === t.value}
                onChange={() => updateSettings({ theme: t.value })}
              />
              {t.label}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="settings-group">
        <legend>Behaviour</legend>
        <label className="toggle">
          <input type="checkbox" checked={settings.notifications} onChange={(e) => void setNotifications(e.target.checked)} />
          <span>
            Desktop notifications
            <small className="muted">For messages your push rules say should notify.</small>
          </span>
        </label>
        {insideTauri() && (
          <label className="toggle">
            <input type="checkbox" checked={settings.closeToTray} onChange={(e) => updateSettings({ closeToTray: e.target.checked })} />
            <span>
              Close to tray
              <small className="muted">Closing the window keeps Trellis running in the tray.</small>
            </span>
          </label>
        )}
      </fieldset>
      <FormError error={error} />
      <div className="dialog-actions">
        <button className="btn danger" onClick={logout} disabled={busy}>
          {busy ? "Logging out…" : "Log out"}
        </button>
      </div>
    </>
  );
}
