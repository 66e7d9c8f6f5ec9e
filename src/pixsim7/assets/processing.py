"""The media steps every incoming file goes through, in order, decided in one place:
sniff (by content) -> probe (limits checked from headers, before any full decode) ->
store -> poster thumbnail -> hover preview (videos).

Each step is idempotent and recorded on the asset by a timestamp, so `make_derived` after a
crash only redoes what is missing. A video is probed and gets its poster and preview from
one decoding pass (`take_in`). All of it is blocking PyAV/Pillow work: callers run it in a
thread.
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


def take_in(
    store: LocalStore, path: Path, sha256: str, *, max_pixels: int, field: str = "file"
) -> tuple[media.MediaInfo, bool, bool]:
    """`inspect` and `make_derived` in one go, for a file not yet in the store (its content
    hash already known): a video is probed and gets its poster and preview from one
    decoding pass (`media.scan_video`). Returns (info, has thumbnail, has preview)."""
    kind = media.sniff(path)
    if kind is None or kind[0] != "video":
        info = inspect(path, max_pixels=max_pixels, field=field)
        return info, *make_derived(store, sha256, info.media_type, src=path)
    thumb, preview = store.derived(sha256, "thumbnail"), store.derived(sha256, "preview")
    try:
        info = media.scan_video(
            path,
            poster=None if thumb.exists() else thumb,
            preview=None if preview.exists() else preview,
            max_pixels=max_pixels,
        )
    except media.MediaError as exc:
        reason = str(exc).replace(f"'{path}'", "").replace(str(path), "")  # no server paths
        raise UnreadableMedia(
            f"the video cannot be read: {reason}", fields={field: reason}
        ) from exc
    return info, thumb.exists(), preview.exists()


def make_derived(
    store: LocalStore, sha256: str, media_type: str, *, src: Path | None = None
) -> tuple[bool, bool]:
    """Poster thumbnail and (videos) preview clip, each made only if absent.
    Returns whether each exists afterwards; a failure is logged, never fatal to the asset."""
    src = src or store.path(sha256)
    thumb, preview = store.derived(sha256, "thumbnail"), store.derived(sha256, "preview")
    if media_type == "video" and not (thumb.exists() and preview.exists()):
        try:  # both from one decoding pass
            media.scan_video(
                src,
                poster=None if thumb.exists() else thumb,
                preview=None if preview.exists() else preview,
            )
        except media.MediaError as exc:
            log.warning("asset.derived_failed", sha256=sha256, error=str(exc))
    elif not thumb.exists():
        try:
            media.make_thumbnail(src, thumb)
        except media.MediaError as exc:
            log.warning("asset.thumbnail_failed", sha256=sha256, error=str(exc))
    return thumb.exists(), preview.exists()
