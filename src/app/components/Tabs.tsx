// Tabs as the WAI-ARIA tabs pattern: a tablist of buttons (role="tab", aria-selected, aria-controls), one tab in
// the Tab order (roving tabindex), Left/Right (wrapping), Home and End move between tabs and select them; each panel
// is role="tabpanel", labelled by its tab, hidden unless selected. A panel's content is built only while its tab is
// shown (a five-year urine-test table costs nothing on the other tabs); a panel that holds work in progress (the plan
// editor: a save under way, its result, a conflict) is kept once built.
import { useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export interface TabSpec<T extends string> {
  id: T;
  label: ReactNode;
}

export const tabId = (id: string) => `tab-${id}`;
export const panelId = (id: string) => `panel-${id}`;

export function TabList<T extends string>({ tabs, selected, onSelect, label }: { tabs: TabSpec<T>[]; selected: T; onSelect(id: T): void; label: string }) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  function onKeyDown(e: KeyboardEvent) {
    const i = tabs.findIndex((t) => t.id === selected);
    const next =
      e.key === "ArrowRight" ? (i + 1) % tabs.length : e.key === "ArrowLeft" ? (i - 1 + tabs.length) % tabs.length : e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    const id = tabs[next]!.id;
    onSelect(id);
    refs.current.get(id)?.focus();
  }
  return (
    <div role="tablist" aria-label={label} className="tablist" onKeyDown={onKeyDown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={tabId(t.id)}
          aria-selected={t.id === selected}
          aria-controls={panelId(t.id)}
          tabIndex={t.id === selected ? 0 : -1}
          className="tab"
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function TabPanel({ id, selected, keep = false, children }: { id: string; selected: boolean; keep?: boolean; children: ReactNode }) {
  const [built, setBuilt] = useState(selected);
  if (selected && !built) setBuilt(true);
  return (
    <div role="tabpanel" id={panelId(id)} aria-labelledby={tabId(id)} hidden={!selected} tabIndex={0} className="tabpanel">
      {(selected || (keep && built)) && children}
    </div>
  );
}
