import { Link, useNavigate, useParams } from "react-router";
import { useAsset, useDeleteAsset } from "src/api/assets";
import { ErrorMessage } from "src/common/ErrorMessage";
import { formatBytes, formatDate, formatDuration } from "src/common/format";
import { Loading } from "src/common/Loading";
import { LineageGraph } from "src/features/gallery/LineageGraph";
import { TagEditor } from "src/features/gallery/TagEditor";

export default function AssetDetailPage() {
  const id = Number(useParams().assetId);
  const asset = useAsset(id);
  const remove = useDeleteAsset();
  const navigate = useNavigate();
  if (asset.isPending) return <Loading label="Loading the asset…" />;
  if (asset.isError) return <ErrorMessage error={asset.error} />;
  const a = asset.data;

  return (
    <>
      <div className="spread">
        <h1>Asset #{a.id}</h1>
        <div className="row">
          <Link to={`/generate?input=${a.id}`}>
            <button type="button">Use as input</button>
          </Link>
          <a href={a.file_url} download={a.original_filename ?? `asset-${a.id}`}>
            <button type="button">Download</button>
          </a>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm("Delete this asset?")) remove.mutate(a.id, { onSuccess: () => navigate("/gallery") });
            }}
          >
            {remove.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </div>
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
          {a.prompt && <p>{a.prompt}</p>}
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
            <dd>
              {a.provider_id ?? a.upload_method}
              {a.job && (
                <>
                  {" "}
                  · <Link to={`/jobs/${a.job.id}`}>job #{a.job.id}</Link> ({a.job.operation_type})
                </>
              )}
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(a.created_at)}</dd>
          </dl>
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
