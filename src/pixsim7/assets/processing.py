"""The media steps every incoming file goes through, in order, decided in one place:
sniff (by content) -> probe (limits checked from headers, before any full decode) ->
store -> poster thumbnail -> hover preview (videos).

Each step is idempotent and recorded on the asset by a timestamp, so `finish_derived` after a
crash only redoes what is missing. All of it is blocking PyAV/Pillow work: callers run it
in a thread.
"""

from __future__ import annotations

from pathlib import Path

from pixsim7 import errors, media
from pixsim7.logging import get_logger
from pixsim7.storage import LocalStore

log = get_logger(__name__)
ACCEPTED = frozenset({"image", "video"})


class UnsupportedMedia(errors.UnsupportedMediaType):
    code = "unsupported_media"


class UnreadableMedia(errors.ValidationFailed):
    code = "unreadable_media"


def inspect(path: Path, *, max_pixels: int, field: str = "file") -> media.MediaInfo:
    """Recognise and probe a file by its bytes; 415 if it is not an image or video we take,
    422 if it is one but corrupt, truncated or of absurd dimensions."""
    kind = media.sniff(path)
    if kind is None or kind[0] not in ACCEPTED:
        raise UnsupportedMedia(
            "the file is not a supported image or video (PNG, JPEG, WebP, GIF, MP4, MOV, WebM)",
            fields={field: "unsupported type"},
        )
    try:
        return media.probe(path, max_pixels=max_pixels)
    except media.MediaError as exc:
        reason = str(exc).replace(f"'{path}'", "").replace(str(path), "")  # no server paths
        raise UnreadableMedia(
            f"the {kind[0]} cannot be read: {reason}", fields={field: reason}
        ) from exc


def make_derived(store: LocalStore, sha256: str, media_type: str) -> tuple[bool, bool]:
    """Poster thumbnail and (videos) preview clip, each made only if absent.
    Returns whether each exists afterwards; a failure is logged, never fatal to the asset."""
    src = store.path(sha256)
    thumb, preview = store.derived(sha256, "thumbnail"), store.derived(sha256, "preview")
    try:
        if not thumb.exists():
            media.make_thumbnail(src, thumb)
    except media.MediaError as exc:
        log.warning("asset.thumbnail_failed", sha256=sha256, error=str(exc))
    if media_type == "video":
        try:
            if not preview.exists():
                media.make_preview(src, preview)
        except media.MediaError as exc:
            log.warning("asset.preview_failed", sha256=sha256, error=str(exc))
    return thumb.exists(), preview.exists()
