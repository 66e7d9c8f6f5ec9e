import { Link } from "react-router";
import { useLineage } from "src/api/assets";
import { AssetThumb } from "src/common/AssetThumb";
import { Loading } from "src/common/Loading";

/**
 * What an asset was made from and what was made from it, as columns by level
 * (negative: ancestors, 0: this asset, positive: descendants) joined by their relations.
 */
export function LineageGraph({ assetId }: { assetId: number }) {
  const lineage = useLineage(assetId);
  if (lineage.isPending) return <Loading label="Tracing lineage…" />;
  if (!lineage.data) return null;
  const { nodes, edges } = lineage.data;
  if (edges.length === 0) return <p className="muted">No parents or children.</p>;

  const levels = [...new Set(nodes.map((n) => n.level))].sort((a, b) => a - b);
  const relation = (id: number) =>
    edges
      .filter((e) => e.child_asset_id === id || e.parent_asset_id === id)
      .map((e) => (e.child_asset_id === id ? `${e.relation} of #${e.parent_asset_id}` : null))
      .filter(Boolean)
      .join(", ");
  return (
    <div className="lineage" aria-label="Lineage">
      {levels.map((level) => (
        <div key={level} className="lineage-level">
          <small className="muted">{level < 0 ? "parents" : level === 0 ? "this" : "children"}</small>
          {nodes
            .filter((n) => n.level === level)
            .map(({ asset }) => (
              <Link key={asset.id} to={`/gallery/${asset.id}`} className={asset.id === assetId ? "lineage-node current" : "lineage-node"}>
                <AssetThumb asset={asset} />
                <small>
                  #{asset.id} {relation(asset.id)}
                </small>
              </Link>
            ))}
        </div>
      ))}
    </div>
  );
}
