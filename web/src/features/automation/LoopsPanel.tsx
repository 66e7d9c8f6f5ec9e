import { useState } from "react";
import { useAccounts } from "src/api/accounts";
import {
  useCreateLoop,
  useDeleteLoop,
  useExecutions,
  useLoops,
  usePauseLoop,
  usePresets,
  useRunLoopNow,
} from "src/api/automation";
import type { Schemas } from "src/api/client";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { formatDate } from "src/common/format";
import { Loading } from "src/common/Loading";

type Config = Schemas["LoopConfig"];

/** Loops: their schedule, next run and history; a form for a new one. */
export function LoopsPanel({ onSelect }: { onSelect: (executionId: number) => void }) {
  const loops = useLoops();
  const runNow = useRunLoopNow();
  const pause = usePauseLoop();
  const remove = useDeleteLoop();
  const [adding, setAdding] = useState(false);
  const [history, setHistory] = useState<number | null>(null);
  if (loops.isPending) return <Loading label="Loading loops…" />;
  if (loops.isError) return <ErrorMessage error={loops.error} />;
  return (
    <>
      <div className="spread">
        <h2>Loops</h2>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          New loop
        </button>
      </div>
      {adding && <LoopForm onDone={() => setAdding(false)} />}
      {history !== null && <LoopHistory loopId={history} onSelect={onSelect} />}
      <ErrorMessage error={runNow.error ?? pause.error ?? remove.error} />
      {loops.data.length === 0 ? (
        <p className="empty">No loops: a loop runs presets for your accounts on a schedule.</p>
      ) : (
        <div className="table-wrap">
          <table className="cards">
            <thead>
              <tr>
                <th>Loop</th>
                <th>Status</th>
                <th>Next run</th>
                <th>Today</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {loops.data.map((l) => (
                <tr key={l.id}>
                  <td data-label="Loop">
                    {l.name} <span className="muted">{String(l.config.selection)}</span>
                  </td>
                  <td data-label="Status">
                    <span className={`badge status-${l.status}`}>{l.status}</span>
                    {l.status_message && <div className="muted">{l.status_message}</div>}
                  </td>
                  <td data-label="Next run">
                    {l.current_execution_id ? (
                      <button type="button" className="link" onClick={() => onSelect(l.current_execution_id!)}>
                        running #{l.current_execution_id}
                      </button>
                    ) : (
                      formatDate(l.next_run_at)
                    )}
                  </td>
                  <td data-label="Today">{l.runs_today}</td>
                  <td className="row">
                    <button type="button" onClick={() => runNow.mutate(l.id, { onSuccess: (e) => onSelect(e.id) })}>
                      Run now
                    </button>
                    <button type="button" onClick={() => pause.mutate({ id: l.id, active: l.status !== "active" })}>
                      {l.status === "active" ? "Pause" : "Resume"}
                    </button>
                    <button type="button" onClick={() => setHistory(history === l.id ? null : l.id)}>
                      History
                    </button>
                    <button type="button" className="danger" onClick={() => remove.mutate(l.id)}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function LoopHistory({ loopId, onSelect }: { loopId: number; onSelect: (id: number) => void }) {
  const executions = useExecutions(loopId);
  if (executions.isPending) return <Loading label="Loading the loop's history…" />;
  if (executions.isError) return <ErrorMessage error={executions.error} />;
  return (
    <section className="card" aria-label="Loop history">
      <h3>History</h3>
      {executions.data.items.length === 0 && <p className="muted">Nothing has run yet.</p>}
      <ul className="history">
        {executions.data.items.map((e) => (
          <li key={e.id}>
            <button type="button" className="link" onClick={() => onSelect(e.id)}>
              #{e.id}
            </button>{" "}
            {e.preset_name} for account {e.account_id ?? "—"}{" "}
            <span className={`badge status-${e.status}`}>{e.status}</span>{" "}
            <span className="muted">{formatDate(e.finished_at ?? e.created_at)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

const numbers = (select: HTMLSelectElement) => [...select.selectedOptions].map((o) => Number(o.value));
const optionalNumber = (value: string) => (value === "" ? null : Number(value));

function LoopForm({ onDone }: { onDone: () => void }) {
  const presets = usePresets();
  const accounts = useAccounts();
  const [perAccount, setPerAccount] = useState(false);
  const create = useCreateLoop();
  const [name, setName] = useState("Daily rewards");
  const [config, setConfig] = useState<Config>({
    schedule: "interval",
    interval_s: 3600,
    window_start: "08:00",
    window_end: "20:00",
    preset_ids: [],
    selection: "round_robin",
    provider_id: "pixverse",
    delay_s: 60,
    max_consecutive_failures: 3,
  });
  const set = (patch: Partial<Config>) => setConfig({ ...config, ...patch });
  const own = (accounts.data?.items ?? []).filter(
    (a) => a.can_manage && !a.is_builtin && a.provider_id === config.provider_id,
  );
  const presetOptions = (presets.data?.items ?? []).map((p) => (
    <option key={p.id} value={p.id}>
      {p.name}
    </option>
  ));
  const accountPresets = config.account_presets ?? {};
  const setAccountPresets = (accountId: number, ids: number[]) => {
    const next = { ...accountPresets, [String(accountId)]: ids };
    if (ids.length === 0) delete next[String(accountId)];
    set({ account_presets: next });
  };
  // Only what the chosen mode uses is sent: the shared list, or the per-account one.
  const submitted: Config = perAccount ? { ...config, preset_ids: [] } : { ...config, account_presets: {} };
  if (config.selection !== "specific") submitted.account_ids = [];
  const err = (name: string) => fieldError(create.error, `config.${name}`);
  return (
    <section className="card" aria-label="New loop">
      <div className="row">
        <Field label="Name" error={fieldError(create.error, "name")}>
          <input value={name} maxLength={128} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Schedule">
          <select value={config.schedule} onChange={(e) => set({ schedule: e.target.value as Config["schedule"] })}>
            <option value="interval">every interval</option>
            <option value="daily_window">within a daily window (UTC)</option>
          </select>
        </Field>
        {config.schedule === "interval" ? (
          <Field label="Interval (minutes)" error={err("interval_s")}>
            <input
              type="number"
              min={1}
              className="narrow"
              value={(config.interval_s ?? 3600) / 60}
              onChange={(e) => set({ interval_s: Number(e.target.value) * 60 })}
            />
          </Field>
        ) : (
          <>
            <Field label="From" error={err("window_start")}>
              <input type="time" value={config.window_start} onChange={(e) => set({ window_start: e.target.value })} />
            </Field>
            <Field label="To" error={err("window_end")}>
              <input type="time" value={config.window_end} onChange={(e) => set({ window_end: e.target.value })} />
            </Field>
          </>
        )}
      </div>
      <div className="row">
        <Field label="Presets">
          <select value={perAccount ? "per_account" : "shared"} onChange={(e) => setPerAccount(e.target.value === "per_account")}>
            <option value="shared">the same for every account</option>
            <option value="per_account">per account</option>
          </select>
        </Field>
        {!perAccount && (
          <Field label="Presets, in order" error={err("preset_ids")}>
            <select multiple value={(config.preset_ids ?? []).map(String)} onChange={(e) => set({ preset_ids: numbers(e.target) })}>
              {presetOptions}
            </select>
          </Field>
        )}
        <Field label="Accounts">
          <select value={config.selection} onChange={(e) => set({ selection: e.target.value as Config["selection"] })}>
            <option value="round_robin">round robin</option>
            <option value="most_credits">most credits first</option>
            <option value="least_credits">least credits first</option>
            <option value="specific">these accounts</option>
          </select>
        </Field>
        {config.selection === "specific" && (
          <Field label="Which accounts" error={err("account_ids")}>
            <select multiple value={(config.account_ids ?? []).map(String)} onChange={(e) => set({ account_ids: numbers(e.target) })}>
              {own.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.nickname ?? a.email ?? `#${a.id}`}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Min credits" error={err("min_credits")}>
          <input
            type="number"
            min={0}
            className="narrow"
            value={config.min_credits ?? ""}
            onChange={(e) => set({ min_credits: optionalNumber(e.target.value) })}
          />
        </Field>
        <Field label="Max credits" error={err("max_credits")}>
          <input
            type="number"
            min={0}
            className="narrow"
            value={config.max_credits ?? ""}
            onChange={(e) => set({ max_credits: optionalNumber(e.target.value) })}
          />
        </Field>
        <Field label="Daily cap" error={err("daily_cap")}>
          <input
            type="number"
            min={1}
            className="narrow"
            value={config.daily_cap ?? ""}
            onChange={(e) => set({ daily_cap: e.target.value ? Number(e.target.value) : null })}
          />
        </Field>
        <Field label="Skip accounts done within (hours)">
          <input
            type="number"
            min={1}
            className="narrow"
            value={config.skip_success_within_h ?? ""}
            onChange={(e) => set({ skip_success_within_h: e.target.value ? Number(e.target.value) : null })}
          />
        </Field>
        <Field label="Delay between runs (s)">
          <input type="number" min={0} className="narrow" value={config.delay_s} onChange={(e) => set({ delay_s: Number(e.target.value) })} />
        </Field>
        <Field label="Stop after failures in a row">
          <input
            type="number"
            min={1}
            className="narrow"
            value={config.max_consecutive_failures}
            onChange={(e) => set({ max_consecutive_failures: Number(e.target.value) })}
          />
        </Field>
      </div>
      {perAccount && (
        <fieldset aria-label="Presets per account">
          <legend>Presets per account, in order (accounts without any are skipped)</legend>
          {own.length === 0 && <p className="muted">No accounts of yours for {config.provider_id}.</p>}
          {own.map((a) => (
            <Field key={a.id} label={`Presets for ${a.nickname ?? a.email ?? `#${a.id}`}`} error={err(`account_presets.${a.id}`)}>
              <select
                multiple
                value={(accountPresets[String(a.id)] ?? []).map(String)}
                onChange={(e) => setAccountPresets(a.id, numbers(e.target))}
              >
                {presetOptions}
              </select>
            </Field>
          ))}
        </fieldset>
      )}
      <ErrorMessage error={create.error} />
      <div className="row">
        <button type="button" className="primary" onClick={() => create.mutate({ name, config: submitted }, { onSuccess: onDone })}>
          Create loop
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </section>
  );
}
