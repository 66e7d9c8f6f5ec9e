import type { MediaUrl } from "src/features/scenes/player/clips";
import { PlayerView } from "src/features/scenes/player/PlayerView";
import { StartScreen } from "src/features/scenes/player/StartScreen";
import type { PlayStore } from "src/features/scenes/player/store";
import { usePlay } from "src/features/scenes/player/usePlay";
import "src/features/scenes/player/player.css";

interface Props {
  title: string;
  /** Where plays start, are saved and resumed: the server, or localStorage. */
  store: PlayStore;
  /** Where a bundle's media paths point: the API, or files beside the page. */
  mediaUrl: MediaUrl;
  /** A saved play a link asked for: the start screen offers it first. */
  linked?: string | null;
  /** A link that opens a saved play (the player offers to copy it), where there is one. */
  linkTo?: (id: string) => string;
}

/** The scene player, the same in the web app and in an exported page. */
export function Player({ title, store, mediaUrl, linked = null, linkTo }: Props) {
  const session = usePlay(store);
  if (!session.play) {
    return (
      <StartScreen
        title={title}
        store={store}
        linked={linked}
        opening={session.opening}
        error={session.error}
        onBegin={() => void session.begin()}
        onResume={(id) => void session.resume(id)}
      />
    );
  }
  const link = linkTo?.(session.play.id);
  return <PlayerView play={session.play} session={session} mediaUrl={mediaUrl} link={link} />;
}
