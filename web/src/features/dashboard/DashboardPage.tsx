import { Link } from "react-router";
import { useAccounts } from "src/api/accounts";
import { useAssets } from "src/api/assets";
import { useJobStats } from "src/api/jobs";
import { useMe } from "src/api/users";
import { AssetThumb } from "src/common/AssetThumb";
import { formatCredits } from "src/common/format";
import { Loading } from "src/common/Loading";
import { HealthCard } from "src/features/dashboard/HealthCard";

export default function DashboardPage() {
  const me = useMe();
  const stats = useJobStats().data;
  const accounts = useAccounts().data?.items ?? [];
  const assets = useAssets({}, 12);
  const recent = assets.data?.pages[0]?.items ?? [];
  const count = (status: string) => stats?.by_status[status] ?? 0;
  const pools = new Map<string, number>();
  for (const a of accounts) {
    for (const [pool, amount] of Object.entries(a.credits)) {
      const key = `${a.provider_id} · ${pool}`;
      pools.set(key, (pools.get(key) ?? 0) + amount);
    }
  }

  return (
    <>
      <div className="spread">
        <h1>Welcome{me.data?.display_name ? `, ${me.data.display_name}` : ""}</h1>
        <Link to="/generate">
          <button type="button" className="primary">
            Generate
          </button>
        </Link>
      </div>
      <div className="stats">
        <Link to="/jobs?status=pending" className="stat">
          <strong>{count("pending")}</strong>
          <span>waiting{stats?.paused ? " (paused)" : ""}</span>
        </Link>
        <Link to="/jobs?status=processing" className="stat">
          <strong>{count("submitting") + count("processing")}</strong>
          <span>running</span>
        </Link>
        <Link to="/jobs?status=failed" className="stat">
          <strong>{count("failed")}</strong>
          <span>failed</span>
        </Link>
        {[...pools].map(([pool, amount]) => (
          <Link to="/accounts" key={pool} className="stat">
            <strong>{formatCredits(amount)}</strong>
            <span>{pool}</span>
          </Link>
        ))}
      </div>
      <section className="card">
        <div className="spread">
          <h2>Recent assets</h2>
          <Link to="/gallery">All</Link>
        </div>
        {assets.isPending ? (
          <Loading label="Loading recent assets…" />
        ) : recent.length === 0 ? (
          <p className="muted">
            Nothing yet: <Link to="/generate">generate</Link> something or drop files on the <Link to="/gallery">gallery</Link>.
          </p>
        ) : (
          <div className="thumb-grid small">
            {recent.map((asset) => (
              <Link key={asset.id} to={`/gallery/${asset.id}`} className="thumb-link">
                <AssetThumb asset={asset} />
              </Link>
            ))}
          </div>
        )}
      </section>
      <HealthCard />
    </>
  );
}
