import { useId, useState } from "react";
import { Link } from "react-router";
import { useLineage } from "src/api/assets";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { useMediaQuery } from "src/common/useMediaQuery";
import { layoutLineage, NODE } from "src/features/gallery/lineageLayout";

const DEPTHS = [1, 2, 3, 5];
const THUMB = 72;

/**
 * What an asset was made from and what was made from it, drawn as a graph: ancestors to
 * the left (above on a phone), descendants to the right (below), edges named by how the
 * child used the parent. Every node leads to its asset.
 */
export function LineageGraph({ assetId }: { assetId: number }) {
  const [depth, setDepth] = useState(2);
  const lineage = useLineage(assetId, depth);
  const upright = useMediaQuery("(max-width: 640px)");
  const ids = useId();
  const depthControl = (
    <label className="inline-field">
      <span>Generations</span>
      <select value={depth} onChange={(e) => setDepth(Number(e.target.value))}>
        {DEPTHS.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
    </label>
  );
  if (lineage.isPending) return <Loading label="Tracing lineage…" />;
  if (lineage.isError) return <ErrorMessage error={lineage.error} />;
  if (lineage.data.edges.length === 0) return <p className="muted">No parents or children.</p>;

  const layout = layoutLineage(lineage.data, upright ? "vertical" : "horizontal");
  const arrow = `${ids}-arrow`;
  const clip = `${ids}-clip`;
  return (
    <div className="stack">
      <div className="row">
        {depthControl}
        {lineage.isFetching && <span className="spinner spinner-small" aria-label="Updating" />}
      </div>
      <div className="lineage" role="figure" aria-label="Lineage">
        <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`}>
          <defs>
            <marker id={arrow} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="lineage-arrow" />
            </marker>
            <clipPath id={clip} clipPathUnits="objectBoundingBox">
              <rect width="1" height="1" rx="0.05" />
            </clipPath>
          </defs>
          {layout.layers.map((layer) => (
            <text key={layer.level} x={layer.x} y={layer.y} className="lineage-layer">
              {layer.name}
            </text>
          ))}
          {layout.edges.map((edge) => (
            <g key={edge.id} className="lineage-edge" data-parent={edge.parent} data-child={edge.child}>
              <path d={edge.path} markerEnd={`url(#${arrow})`} />
              <text x={edge.labelX} y={edge.labelY} textAnchor="middle">
                {edge.label}
              </text>
            </g>
          ))}
          {layout.nodes.map(({ asset, x, y, current }) => {
            const still = asset.thumbnail_url ?? (asset.media_type === "image" ? asset.file_url : null);
            return (
              <Link
                key={asset.id}
                to={`/gallery/${asset.id}`}
                className={current ? "lineage-node current" : "lineage-node"}
                aria-label={current ? `Asset #${asset.id} (this asset)` : `Asset #${asset.id}`}
                aria-current={current ? "page" : undefined}
              >
                <rect x={x} y={y} width={NODE.width} height={NODE.height} rx="8" className="lineage-card" />
                {still && (
                  <image
                    href={still}
                    x={x + 4}
                    y={y + 4}
                    width={NODE.width - 8}
                    height={THUMB - 4}
                    preserveAspectRatio="xMidYMid slice"
                    clipPath={`url(#${clip})`}
                  />
                )}
                <text x={x + 8} y={y + NODE.height - 8}>
                  #{asset.id} · {asset.media_type}
                </text>
              </Link>
            );
          })}
        </svg>
      </div>
    </div>
  );
}
