import { useId, type KeyboardEvent } from "react";
import "./Tabs.css";

/**
 * Props for a tab strip and the selected tab's panel, as the ARIA tabs
 * pattern has it: the selected tab is the strip's one tab stop, arrow keys
 * (and Home/End) move to another tab and select it, and the panel is
 * labelled by its tab. Spread `list` on the role=tablist element, `tab(key)`
 * on each tab button, `panel` on the panel.
 */
export function useTabs<K extends string>(keys: readonly K[], selected: K, onSelect: (key: K) => void) {
  const id = useId();
  const tabId = (key: K) => `${id}-tab-${key}`;
  const panelId = `${id}-panel`;
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const at = keys.indexOf(selected);
    let to: number;
    if (e.key === "ArrowRight") to = (at + 1) % keys.length;
    else if (e.key === "ArrowLeft") to = (at - 1 + keys.length) % keys.length;
    else if (e.key === "Home") to = 0;
    else if (e.key === "End") to = keys.length - 1;
    else return;
    e.preventDefault();
    const key = keys[to]!;
    onSelect(key);
    document.getElementById(tabId(key))?.focus();
  };
  return {
    list: { role: "tablist", onKeyDown } as const,
    tab: (key: K) =>
      ({
        id: tabId(key),
        role: "tab",
        "aria-selected": key === selected,
        "aria-controls": panelId,
        tabIndex: key === selected ? 0 : -1,
        className: key === selected ? "tab active" : "tab",
        onClick: () => onSelect(key),
      }) as const,
    panel: { role: "tabpanel", id: panelId, "aria-labelledby": tabId(selected) } as const,
  };
}
