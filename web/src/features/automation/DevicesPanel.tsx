import { useState } from "react";
import { type Account, useAccounts } from "src/api/accounts";
import {
  type AgentPairing,
  type Device,
  useAgents,
  useCreateAgent,
  useDevices,
  useRevokeAgent,
  useScanDevices,
  useUpdateDevice,
} from "src/api/automation";
import { useMe } from "src/api/users";
import { ErrorMessage, fieldError } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";

/** Devices with their status, and the device agents that reach them. */
export function DevicesPanel() {
  const devices = useDevices();
  const me = useMe();
  const scan = useScanDevices();
  const share = useUpdateDevice();
  const accounts = useAccounts();
  const [editing, setEditing] = useState<number | null>(null);
  const admin = me.data?.role === "admin";
  const accountName = (id: number | null) => {
    if (id === null) return "—";
    const a = accounts.data?.items.find((x) => x.id === id);
    return a ? accountLabel(a) : `#${id}`;
  };
  const editingDevice = devices.data?.find((d) => d.id === editing);
  if (devices.isPending) return <Loading label="Loading devices…" />;
  if (devices.isError) return <ErrorMessage error={devices.error} />;
  return (
    <>
      <div className="spread">
        <h2>Devices</h2>
        {admin && (
          <button type="button" onClick={() => scan.mutate()} disabled={scan.isPending}>
            Scan this server's ADB
          </button>
        )}
      </div>
      <ErrorMessage error={scan.error ?? share.error} />
      {editingDevice && <DeviceForm key={editingDevice.id} device={editingDevice} onDone={() => setEditing(null)} />}
      {devices.data.length === 0 ? (
        <p className="empty">
          No devices yet. {admin ? "Scan this server's ADB server, or pair" : "Pair"} a device agent on the
          machine your phones are plugged into.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="cards">
            <thead>
              <tr>
                <th>Device</th>
                <th>Status</th>
                <th>Android</th>
                <th>Reached through</th>
                <th>Account</th>
                <th>Last seen</th>
                {admin && <th>Shared</th>}
                <th />
              </tr>
            </thead>
            <tbody>
              {devices.data.map((d) => (
                <tr key={d.id}>
                  <td data-label="Device">
                    {d.name ?? d.model ?? d.serial} <span className="muted">{d.serial}</span>
                  </td>
                  <td data-label="Status">
                    <span className={`badge ${d.status === "online" ? "ok" : d.status === "busy" ? "warn" : "bad"}`}>
                      {d.status}
                    </span>
                    {d.adb_state !== "device" && <span className="muted"> ({d.adb_state})</span>}
                  </td>
                  <td data-label="Android">{d.android_version ?? "—"}</td>
                  <td data-label="Reached through">{d.agent_id ? `agent #${d.agent_id}` : "this server"}</td>
                  <td data-label="Account">{accountName(d.account_id)}</td>
                  <td data-label="Last seen">{formatRelative(d.last_seen_at)}</td>
                  {admin && (
                    <td data-label="Shared">
                      <input
                        type="checkbox"
                        aria-label={`Share ${d.serial} with every user`}
                        checked={d.is_shared}
                        onChange={(e) => share.mutate({ id: d.id, is_shared: e.target.checked })}
                      />
                    </td>
                  )}
                  <td>
                    <button type="button" onClick={() => setEditing(editing === d.id ? null : d.id)}>
                      Edit <span className="sr-only">{d.serial}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AgentsSection />
    </>
  );
}

export const accountLabel = (a: Account) => `${a.nickname ?? a.email ?? `#${a.id}`} (${a.provider_id})`;

/** A device's name and the account usually run on it. */
function DeviceForm({ device, onDone }: { device: Device; onDone: () => void }) {
  const accounts = useAccounts();
  const update = useUpdateDevice();
  const [name, setName] = useState(device.name ?? "");
  const [account, setAccount] = useState(device.account_id === null ? "" : String(device.account_id));
  const own = (accounts.data?.items ?? []).filter((a) => a.can_manage && !a.is_builtin);
  return (
    <section className="card" aria-label={`Edit ${device.serial}`}>
      <h3>Device {device.serial}</h3>
      <div className="row">
        <Field label="Name" error={fieldError(update.error, "name")}>
          <input value={name} maxLength={128} placeholder={device.model ?? device.serial} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Assigned account" error={fieldError(update.error, "account_id")}>
          <select value={account} onChange={(e) => setAccount(e.target.value)}>
            <option value="">none</option>
            {own.map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(a)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorMessage error={update.error} />
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={update.isPending}
          onClick={() =>
            update.mutate(
              { id: device.id, name: name.trim() || null, account_id: account ? Number(account) : null },
              { onSuccess: onDone },
            )
          }
        >
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function AgentsSection() {
  const agents = useAgents();
  const create = useCreateAgent();
  const revoke = useRevokeAgent();
  const [name, setName] = useState("");
  const [pairing, setPairing] = useState<AgentPairing | null>(null);
  return (
    <section className="card">
      <h3>Device agents</h3>
      <p className="muted">
        An agent runs beside the phones (<code>pixsim7 device-agent</code>), connects out to this server, and
        carries out the ADB commands of executions.
      </p>
      <div className="row">
        <Field label="New agent's name">
          <input value={name} maxLength={128} onChange={(e) => setName(e.target.value)} />
        </Field>
        <button
          type="button"
          className="primary"
          disabled={!name.trim() || create.isPending}
          onClick={() => create.mutate({ name }, { onSuccess: (p) => (setPairing(p), setName("")) })}
        >
          Pair an agent
        </button>
      </div>
      <ErrorMessage error={create.error ?? revoke.error} />
      {pairing && (
        <div className="notice" role="status">
          Run this on the machine the phones are plugged into (the code works once, for 15 minutes):
          <pre className="json">{pairing.command}</pre>
        </div>
      )}
      <ul className="history">
        {(agents.data ?? []).map((a) => (
          <li key={a.id}>
            {a.name} <span className={`badge ${a.status === "online" ? "ok" : "warn"}`}>{a.status}</span>{" "}
            <span className="muted">
              {a.hostname ?? ""} · {a.devices} device{a.devices === 1 ? "" : "s"} · seen {formatRelative(a.last_seen_at)}
            </span>{" "}
            {a.status !== "revoked" && (
              <button type="button" className="link" onClick={() => revoke.mutate(a.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
