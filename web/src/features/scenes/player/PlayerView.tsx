import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { options } from "src/features/scenes/engine/engine";
import type { Input } from "src/features/scenes/engine/types";
import { ChoiceOverlay } from "src/features/scenes/player/ChoiceOverlay";
import { clipOf, upcomingClips, type MediaUrl } from "src/features/scenes/player/clips";
import { EndScreen } from "src/features/scenes/player/EndScreen";
import type { KeyAction } from "src/features/scenes/player/keys";
import { MiniGame } from "src/features/scenes/player/MiniGame";
import { PlayerControls } from "src/features/scenes/player/PlayerControls";
import { ProgressionSteps } from "src/features/scenes/player/ProgressionSteps";
import { useFullscreen } from "src/features/scenes/player/useFullscreen";
import type { PlaySession, Playing } from "src/features/scenes/player/usePlay";
import { usePlayerKeys } from "src/features/scenes/player/usePlayerKeys";
import { VideoStage } from "src/features/scenes/player/VideoStage";
import { currentNode, optionLabels, promptOf, stepsOf } from "src/features/scenes/player/view";

interface Props {
  play: Playing;
  session: PlaySession;
  mediaUrl: MediaUrl;
  /** A link that opens this play, to copy (none in an exported page). */
  link?: string;
}

/** A play on screen: the picture, what to do over it, and the controls under it. */
export function PlayerView({ play, session, mediaUrl, link }: Props) {
  const { loaded, state, token } = play;
  const { send, begin, saveNow } = session;
  const frame = useRef<HTMLDivElement>(null);
  const fullscreen = useFullscreen(frame);
  const [muted, setMuted] = useState(false);
  const media = useMemo(() => ({ assets: play.bundle.assets, url: mediaUrl }), [play.bundle, mediaUrl]);
  const clip = useMemo(() => clipOf(loaded, media, state), [loaded, media, state]);
  const upcoming = useMemo(() => upcomingClips(loaded, media, state), [loaded, media, state]);
  const offered = useMemo(() => options(loaded, state), [loaded, state]);
  const node = currentNode(loaded, state);
  const steps = stepsOf(node, state);
  const canGoBack = state.history.length > 0;

  const input = useCallback((given: Input) => send(given, token), [send, token]);
  const back = useCallback(() => send({ kind: "back" }), [send]);
  const onEnd = useCallback((at: number) => send({ kind: "segment_end" }, at), [send]);

  // A segment with nothing to show (its file is not in the bundle) is skipped, not waited on.
  useEffect(() => {
    if (state.phase === "segment" && !clip) input({ kind: "segment_end" });
  }, [state.phase, clip, input]);

  usePlayerKeys(state.phase === "mini_game", (action: KeyAction) => {
    if (action.kind === "option") {
      const option = offered.options[action.index];
      if (option) input({ kind: "choice", edge: option.edge });
    } else if (action.kind === "back") back();
    else if (action.kind === "restart") void begin();
    else if (action.kind === "save") saveNow();
    else if (action.kind === "mute") setMuted((m) => !m);
    else fullscreen.toggle();
  });

  return (
    <div className="scene-player" ref={frame}>
      <div className="scene-screen">
        <VideoStage clip={clip} token={token} upcoming={upcoming} muted={muted} onEnd={onEnd} />
        {steps && <ProgressionSteps steps={steps.steps} current={steps.current} />}
        {state.phase === "choice" && (
          <ChoiceOverlay
            key={token}
            prompt={promptOf(node)}
            offered={offered}
            labels={optionLabels(loaded, state, offered)}
            onChoose={(edge) => input({ kind: "choice", edge })}
            onTimeout={() => input({ kind: "timeout" })}
          />
        )}
        {state.phase === "mini_game" && state.game && (
          <MiniGame key={token} game={state.game} onDone={(result) => input({ kind: "mini_game", result })} />
        )}
        {state.phase === "ended" && state.end && (
          <EndScreen end={state.end} canGoBack={canGoBack} onRestart={() => void begin()} onBack={back} />
        )}
      </div>
      <PlayerControls
        canGoBack={canGoBack}
        saveStatus={session.saveStatus}
        muted={muted}
        fullscreen={fullscreen.active}
        link={link}
        onBack={back}
        onRestart={() => void begin()}
        onSave={saveNow}
        onMute={() => setMuted((m) => !m)}
        onFullscreen={fullscreen.toggle}
      />
      {session.movedOn && (
        <p className="scene-moved" role="alert">
          This play continued elsewhere: what you play here is no longer saved.{" "}
          <button type="button" onClick={() => void session.resume(play.id)}>
            Reload it
          </button>
        </p>
      )}
      {session.error && (
        <p className="error" role="alert">
          {session.error}
        </p>
      )}
    </div>
  );
}
