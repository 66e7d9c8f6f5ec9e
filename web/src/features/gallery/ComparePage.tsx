import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { type Asset, useAssetsById } from "src/api/assets";
import { EmptyState } from "src/common/EmptyState";
import { formatDuration } from "src/common/format";
import { Loading } from "src/common/Loading";
import { comparedIds } from "src/features/gallery/compare";
import { align } from "src/features/gallery/syncPlayback";

/** Two to four assets side by side; their videos play as one (one play, pause and scrubber). */
export default function ComparePage() {
  const [params] = useSearchParams();
  const ids = comparedIds(params.get("ids"));
  const loaded = useAssetsById(ids);
  const assets = ids.map((id) => loaded.assets.get(id)).filter((a): a is Asset => a !== undefined);
  const videos = useRef(new Map<number, HTMLVideoElement>());
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [muted, setMuted] = useState(true);
  const videoIds = assets.filter((a) => a.media_type === "video").map((a) => a.id);
  const longest = Math.max(0, ...assets.map((a) => (a.media_type === "video" ? (a.duration_sec ?? 0) : 0)));
  const key = videoIds.join(",");

  useEffect(() => {
    // Each painted frame: the first video leads, the others follow it.
    let frame = 0;
    const tick = () => {
      const [leader, ...followers] = key.split(",").flatMap((id) => videos.current.get(Number(id)) ?? []);
      if (leader) {
        align(leader, followers);
        setTime(Math.round(leader.currentTime * 10) / 10); // a re-render per tenth, not per frame
        setPlaying(!leader.paused && !leader.ended);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [key]);

  const clips = () => key.split(",").flatMap((id) => videos.current.get(Number(id)) ?? []);
  const playAll = () => {
    const [leader, ...followers] = clips();
    if (!leader) return;
    if (leader.ended) leader.currentTime = 0;
    align(leader, followers, { force: true });
    void Promise.all(clips().map((v) => v.play()));
  };
  const pauseAll = () => {
    const [leader, ...followers] = clips();
    if (!leader) return;
    leader.pause();
    align(leader, followers, { force: true });
  };
  const seek = (to: number) => {
    const [leader, ...followers] = clips();
    if (!leader) return;
    leader.currentTime = to;
    align(leader, followers, { force: true });
    setTime(to);
  };

  if (ids.length < 2) {
    return (
      <EmptyState title="Choose two to four assets to compare">
        Select them in the <Link to="/gallery">gallery</Link>, then press Compare.
      </EmptyState>
    );
  }
  if (loaded.pending) return <Loading label="Loading the assets…" />;
  return (
    <>
      <div className="spread">
        <h1>Compare</h1>
        <Link to="/gallery">Back to the gallery</Link>
      </div>
      {videoIds.length > 0 && (
        <div className="row compare-controls" role="group" aria-label="Playback">
          <button type="button" className="primary" onClick={() => (playing ? pauseAll() : playAll())}>
            {playing ? "Pause all" : "Play all"}
          </button>
          <input
            type="range"
            aria-label="Position"
            min={0}
            max={longest || 1}
            step={0.01}
            value={time}
            onChange={(e) => seek(Number(e.target.value))}
          />
          <span className="muted">
            {formatDuration(time)} / {formatDuration(longest)}
          </span>
          <label className="inline-field">
            <input type="checkbox" checked={!muted} onChange={(e) => setMuted(!e.target.checked)} /> Sound
          </label>
        </div>
      )}
      <div className={`compare-grid compare-${assets.length}`}>
        {assets.map((asset) => (
          <figure key={asset.id} className="compare-cell">
            {asset.media_type === "video" ? (
              <video
                ref={(node) => {
                  if (node) videos.current.set(asset.id, node);
                  else videos.current.delete(asset.id);
                }}
                src={asset.file_url}
                poster={asset.thumbnail_url ?? undefined}
                muted={muted}
                playsInline
                preload="auto"
                aria-label={`Video of asset ${asset.id}`}
              />
            ) : (
              <img src={asset.file_url} alt={asset.prompt ?? `asset ${asset.id}`} />
            )}
            <figcaption>
              <Link to={`/gallery/${asset.id}`}>#{asset.id}</Link> {asset.provider_id ?? asset.upload_method}
              {asset.prompt && (
                <span className="muted prompt" title={asset.prompt}>
                  {" "}
                  {asset.prompt}
                </span>
              )}
            </figcaption>
          </figure>
        ))}
      </div>
    </>
  );
}
