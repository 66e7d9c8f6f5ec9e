import { useHealth } from "src/api/system";
import { Loading } from "src/common/Loading";

const tone = (check: string) => (check === "ok" ? "ok" : check === "disabled" ? "" : "bad");

export function HealthCard() {
  const health = useHealth();
  if (health.isPending) return <Loading label="Checking services…" />;
  if (!health.data) return null;
  const { status, database, database_dialect, redis, version } = health.data;
  return (
    <section className="card">
      <h2>Service health</h2>
      <div className="row">
        <span className={`badge ${tone(status === "ok" ? "ok" : "error")}`}>system {status}</span>
        <span className={`badge ${tone(database)}`}>
          database ({database_dialect}) {database}
        </span>
        <span className={`badge ${tone(redis)}`}>redis {redis}</span>
        <span className="muted">v{version}</span>
      </div>
    </section>
  );
}
