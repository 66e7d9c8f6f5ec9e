import { useSearchParams } from "react-router";
import { DevicesPanel } from "src/features/automation/DevicesPanel";
import { ExecutionsPanel } from "src/features/automation/ExecutionsPanel";
import { LoopsPanel } from "src/features/automation/LoopsPanel";
import { PresetsPanel } from "src/features/automation/PresetsPanel";

const TABS = [
  { id: "devices", label: "Devices" },
  { id: "presets", label: "Presets" },
  { id: "executions", label: "Executions" },
  { id: "loops", label: "Loops" },
] as const;

/** Android automation: devices, presets, executions and loops (the tab is in the address). */
export default function AutomationPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "devices";
  const selected = params.get("execution");
  const showExecution = (id: number | null) =>
    setParams(id === null ? { tab: "executions" } : { tab: "executions", execution: String(id) });
  return (
    <>
      <h1>Automation</h1>
      <div className="row tabs" role="tablist" aria-label="Automation">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "primary" : ""}
            onClick={() => setParams({ tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === "devices" && <DevicesPanel />}
        {tab === "presets" && <PresetsPanel onRan={showExecution} />}
        {tab === "executions" && (
          <ExecutionsPanel selected={selected ? Number(selected) : null} onSelect={showExecution} />
        )}
        {tab === "loops" && <LoopsPanel onSelect={showExecution} />}
      </div>
    </>
  );
}
