import { Link, useNavigate, useParams } from "react-router";
import { useAsset, useAssetBatch, useDeleteAsset } from "src/api/assets";
import { isId, isMissing, NotFoundPage } from "src/app/NotFoundPage";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatBytes, formatCredits, formatDate, formatDuration } from "src/common/format";
import { Loading } from "src/common/Loading";
import { LineageGraph } from "src/features/gallery/LineageGraph";
import { TagEditor } from "src/features/gallery/TagEditor";

export default function AssetDetailPage() {
  const id = Number(useParams().assetId);
  const asset = useAsset(id);
  const remove = useDeleteAsset();
  const restore = useAssetBatch();
  const navigate = useNavigate();
  if (!isId(id)) return <NotFoundPage what="asset" />;
  if (asset.isPending) return <Loading label="Loading the asset…" />;
  if (asset.isError) {
    return isMissing(asset.error) ? <NotFoundPage what="asset" /> : <ErrorMessage error={asset.error} />;
  }
  const a = asset.data;

  return (
    <>
      <div className="spread">
        <h1>Asset #{a.id}</h1>
        <div className="row">
          {a.job && (
            <Link className="button-like" to={`/generate?reuse=${a.job.id}`} title="Open Generate with this asset's provider, operation, parameters and inputs">
              Reuse
            </Link>
          )}
          <Link className="button-like" to={`/generate?input=${a.id}`}>
            Use as input
          </Link>
          <a href={a.file_url} download={a.original_filename ?? `asset-${a.id}`}>
            <button type="button">Download</button>
          </a>
          {a.trashed_at ? (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => {
                if (window.confirm("Delete this asset for good? This cannot be undone.")) {
                  remove.mutate(a.id, { onSuccess: () => navigate("/gallery?trashed=true") });
                }
              }}
            >
              Delete forever
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(a.id, { onSuccess: () => navigate("/gallery") })}
            >
              {remove.isPending ? "Deleting…" : "Delete"}
            </button>
          )}
        </div>
      </div>
      {a.trashed_at && (
        <p className="warning" role="status">
          In the trash since {formatDate(a.trashed_at)}.{" "}
          <button type="button" disabled={restore.isPending} onClick={() => restore.mutate({ action: "restore", selection: { ids: [a.id] } })}>
            Restore
          </button>
        </p>
      )}
      <ErrorMessage error={restore.error} />
      <ErrorMessage error={remove.error} />
      <div className="detail">
        <div className="player">
          {a.media_type === "video" ? (
            <video src={a.file_url} poster={a.thumbnail_url ?? undefined} controls playsInline aria-label="Player" />
          ) : (
            <img src={a.file_url} alt={a.prompt ?? `asset ${a.id}`} />
          )}
        </div>
        <section className="card">
          {a.prompt && (
            <p className="asset-prompt" aria-label="Prompt">
              {a.prompt}
            </p>
          )}
          <dl className="meta">
            <dt>Type</dt>
            <dd>{a.mime_type}</dd>
            <dt>Size</dt>
            <dd>
              {a.width}×{a.height} · {formatBytes(a.file_size_bytes)}
            </dd>
            {a.media_type === "video" && (
              <>
                <dt>Duration</dt>
                <dd>
                  {formatDuration(a.duration_sec)} · {a.fps} fps · {a.codec}
                </dd>
              </>
            )}
            <dt>Origin</dt>
            <dd>{a.provider_id ?? a.upload_method}</dd>
            {a.job && (
              <>
                <dt>Job</dt>
                <dd>
                  <Link to={`/jobs/${a.job.id}`}>job #{a.job.id}</Link> ({a.job.operation_type.replaceAll("_", " ")},{" "}
                  {a.job.status})
                </dd>
                <dt>Account</dt>
                <dd>{a.job.account_nickname ?? (a.job.account_id ? `#${a.job.account_id}` : "—")}</dd>
                <dt>Cost</dt>
                <dd>
                  {formatCredits(a.job.actual_credits ?? a.job.estimated_credits)}
                  {a.job.credit_type && <small className="muted"> {a.job.credit_type}</small>}
                  {a.job.actual_credits === null && <small className="muted"> (estimated)</small>}
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{formatDate(a.created_at)}</dd>
          </dl>
          {a.job && Object.keys(a.job.params ?? {}).length > 0 && (
            <>
              <h3>Parameters</h3>
              <dl className="meta" aria-label="Parameters">
                {Object.entries(a.job.params ?? {})
                  .filter(([name]) => name !== "prompt")
                  .map(([name, value]) => (
                    <Param key={name} name={name} value={value} />
                  ))}
              </dl>
            </>
          )}
          <h3>Tags</h3>
          <TagEditor assetId={a.id} tags={a.tags} />
        </section>
      </div>
      <section className="card">
        <h2>Lineage</h2>
        <LineageGraph assetId={a.id} />
      </section>
    </>
  );
}

function Param({ name, value }: { name: string; value: unknown }) {
  const shown = Array.isArray(value) ? value.join(", ") : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  return (
    <>
      <dt>{name.replaceAll("_", " ")}</dt>
      <dd>{shown}</dd>
    </>
  );
}
