import { useServices } from "src/api/services";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatRelative } from "src/common/format";
import { Loading } from "src/common/Loading";

const tone = (status: string) => (status === "ok" ? "ok" : status === "disabled" ? "" : "bad");

export default function ServicesPage() {
  const services = useServices();
  if (services.isPending) return <Loading label="Checking services…" />;
  if (services.isError) return <ErrorMessage error={services.error} />;
  const s = services.data;
  return (
    <>
      <h1>Services</h1>
      <div className="row card">
        <span className={`badge ${tone(s.database)}`}>
          database ({s.database_dialect}) {s.database}
        </span>
        <span className={`badge ${tone(s.redis)}`}>redis {s.redis}</span>
      </div>
      <section className="card">
        <h2>Workers</h2>
        {s.workers_live === 0 ? (
          <p className="error">No worker is running: jobs will wait. Start `pixsim7 serve` or `pixsim7 worker`.</p>
        ) : s.workers === null ? (
          // Hosts and PIDs are shown to admins only.
          <p>
            {s.workers_live} worker{s.workers_live === 1 ? "" : "s"} running.
          </p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Worker</th>
                  <th>Jobs held</th>
                  <th>Heartbeat</th>
                </tr>
              </thead>
              <tbody>
                {s.workers.map((w) => (
                  <tr key={w.id}>
                    <td>
                      {w.hostname}:{w.pid} {w.stopping && <span className="badge warn">stopping</span>}
                    </td>
                    <td>{w.jobs_held}</td>
                    <td>{formatRelative(w.heartbeat_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card">
        <h2>Providers</h2>
        <div className="table-wrap">
          <table>
            <tbody>
              {s.providers.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>
                    <span className={`badge ${tone(p.status)}`}>{p.status}</span>
                  </td>
                  <td className="muted ellipsis">{p.base_url}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
