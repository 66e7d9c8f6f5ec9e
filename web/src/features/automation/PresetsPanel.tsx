import { useState } from "react";
import { useAccounts } from "src/api/accounts";
import {
  type Preset,
  useActionSchema,
  useCreatePreset,
  useDeletePreset,
  useDevices,
  usePresets,
  useRunPreset,
  useUpdatePreset,
} from "src/api/automation";
import type { Schemas } from "src/api/client";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { Loading } from "src/common/Loading";
import { ActionList } from "src/features/automation/ActionList";
import type { Action, JsonSchema } from "src/features/automation/schemaForm";

type Draft = { id: number | null; name: string; category: string; actions: Action[] };

/** Presets: the built-in ones and the user's, a builder drawn from the action schema, and Run. */
export function PresetsPanel({ onRan }: { onRan: (executionId: number) => void }) {
  const presets = usePresets();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [running, setRunning] = useState<Preset | null>(null);
  if (presets.isPending) return <Loading label="Loading presets…" />;
  if (presets.isError) return <ErrorMessage error={presets.error} />;
  const edit = (p: Preset, copy: boolean) =>
    setDraft({
      id: copy ? null : p.id,
      name: copy ? `${p.name} (copy)` : p.name,
      category: p.category,
      actions: p.actions as Action[],
    });
  return (
    <>
      <div className="spread">
        <h2>Presets</h2>
        <button type="button" className="primary" onClick={() => setDraft({ id: null, name: "", category: "other", actions: [] })}>
          New preset
        </button>
      </div>
      {draft && <PresetBuilder draft={draft} onDone={() => setDraft(null)} />}
      {running && <RunForm preset={running} onClose={() => setRunning(null)} onRan={onRan} />}
      <div className="table-wrap">
        <table className="cards">
          <thead>
            <tr>
              <th>Name</th>
              <th>Kind</th>
              <th>Actions</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {presets.data.items.map((p) => (
              <tr key={p.id}>
                <td data-label="Name">
                  {p.name} {p.is_builtin && <span className="badge">built-in</span>}
                  {p.description && <div className="muted">{p.description}</div>}
                </td>
                <td data-label="Kind">{p.category}</td>
                <td data-label="Actions">{p.actions.length}</td>
                <td className="row">
                  <button type="button" className="primary" onClick={() => setRunning(p)} aria-label={`Run ${p.name}`}>
                    Run
                  </button>
                  {p.can_edit ? (
                    <button type="button" onClick={() => edit(p, false)} aria-label={`Edit ${p.name}`}>
                      Edit
                    </button>
                  ) : (
                    <button type="button" onClick={() => edit(p, true)} aria-label={`Copy ${p.name}`}>
                      Copy
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function PresetBuilder({ draft, onDone }: { draft: Draft; onDone: () => void }) {
  const schema = useActionSchema();
  const create = useCreatePreset();
  const update = useUpdatePreset();
  const remove = useDeletePreset();
  const [value, setValue] = useState(draft);
  const saving = draft.id === null ? create : update;
  if (schema.isPending) return <Loading label="Loading the action schema…" />;
  if (schema.isError) return <ErrorMessage error={schema.error} />;
  const root = schema.data.action as JsonSchema;
  const save = () => {
    const body = {
      name: value.name,
      category: value.category as Schemas["PresetCreate"]["category"],
      actions: value.actions as Schemas["PresetCreate"]["actions"],
    };
    if (draft.id === null) create.mutate(body, { onSuccess: onDone });
    else update.mutate({ id: draft.id, ...body }, { onSuccess: onDone });
  };
  return (
    <section className="card" aria-label="Preset builder">
      <h3>{draft.id === null ? "New preset" : `Edit ${draft.name}`}</h3>
      <div className="row">
        <Field label="Name" error={fieldError(saving.error, "name")}>
          <input value={value.name} maxLength={128} onChange={(e) => setValue({ ...value, name: e.target.value })} />
        </Field>
        <Field label="Kind" help="After a log-in or reward preset the account's credits are synced.">
          <select value={value.category} onChange={(e) => setValue({ ...value, category: e.target.value })}>
            <option value="other">other</option>
            <option value="login">log in</option>
            <option value="reward">reward</option>
          </select>
        </Field>
      </div>
      <p className="muted">
        Typed text may use {schema.data.account_variables.map((v) => `{${v}}`).join(", ")} (the
        password is only ever typed on the device, and shown as *** in logs).
      </p>
      <ActionList root={root} actions={value.actions} onChange={(actions) => setValue({ ...value, actions })} />
      <ErrorMessage error={saving.error} />
      <div className="row">
        <button type="button" className="primary" onClick={save} disabled={saving.isPending}>
          Save preset
        </button>
        <button type="button" onClick={onDone}>
          Close
        </button>
        {draft.id !== null && (
          <button type="button" className="danger" onClick={() => remove.mutate(draft.id!, { onSuccess: onDone })}>
            Delete
          </button>
        )}
      </div>
    </section>
  );
}

function RunForm({ preset, onClose, onRan }: { preset: Preset; onClose: () => void; onRan: (id: number) => void }) {
  const accounts = useAccounts();
  const devices = useDevices();
  const run = useRunPreset();
  const [account, setAccount] = useState("");
  const [device, setDevice] = useState("");
  const own = (accounts.data?.items ?? []).filter((a) => a.can_manage && !a.is_builtin);
  return (
    <section className="card" aria-label={`Run ${preset.name}`}>
      <h3>Run {preset.name}</h3>
      <div className="row">
        <Field label="Account" error={fieldError(run.error, "account_id")}>
          <select value={account} onChange={(e) => setAccount(e.target.value)}>
            <option value="">none</option>
            {own.map((a) => (
              <option key={a.id} value={a.id}>
                {a.nickname ?? a.email ?? `#${a.id}`} ({a.provider_id}){a.has_password ? "" : " — no app password"}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Device" error={fieldError(run.error, "device_id")}>
          <select value={device} onChange={(e) => setDevice(e.target.value)}>
            <option value="">any free device</option>
            {(devices.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name ?? d.model ?? d.serial} ({d.status})
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={run.error} />
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={run.isPending}
          onClick={() =>
            run.mutate(
              {
                preset_id: preset.id,
                account_id: account ? Number(account) : null,
                device_id: device ? Number(device) : null,
              },
              { onSuccess: (execution) => (onClose(), onRan(execution.id)) },
            )
          }
        >
          Start
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </section>
  );
}
