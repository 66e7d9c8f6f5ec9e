import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router";
import { useLiveEvents } from "src/api/events";
import { useScene } from "src/api/scenes";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Loading } from "src/common/Loading";
import { ApiPlayStore } from "src/features/scenes/apiPlayStore";
import { Player } from "src/features/scenes/player/Player";

// The bundle's media paths are the API's own (/api/v1/assets/...), read with the login cookie.
const sameOrigin = (path: string) => path;

/**
 * /play/:sceneId: the player, full width, its plays saved on the server; `?play=<id>` offers
 * that saved play first. The page has no navigation frame, so it opens the event stream
 * itself: a play saved on another device is heard here.
 */
export default function PlayPage() {
  const sceneId = Number(useParams().sceneId);
  const known = Number.isInteger(sceneId) && sceneId > 0;
  const linked = useSearchParams()[0].get("play");
  const scene = useScene(known ? sceneId : 0);
  const queryClient = useQueryClient();
  const store = useMemo(() => new ApiPlayStore(sceneId, queryClient), [sceneId, queryClient]);
  const linkTo = useCallback(
    (id: string) => new URL(`/play/${sceneId}?play=${id}`, location.origin).href,
    [sceneId],
  );
  useLiveEvents();
  return (
    <div className="play-page">
      <header className="play-header">
        <Link to="/scenes">← Scenes</Link>
        {scene.data && <span className="muted">{scene.data.title}</span>}
      </header>
      {!known && <p className="error">There is no scene at this address.</p>}
      {known && scene.isPending && <Loading label="Loading the scene…" />}
      <ErrorMessage error={scene.error} />
      {scene.data && (
        <Player
          title={scene.data.title}
          store={store}
          mediaUrl={sameOrigin}
          linked={linked && /^[1-9]\d*$/.test(linked) ? linked : null}
          linkTo={linkTo}
        />
      )}
    </div>
  );
}
