"""Many assets as one zip, written while it is sent: the server holds one chunk of one file
at a time, however large the selection (no archive in memory or on disk).

Entries are stored, not deflated (video and images are compressed already), with data
descriptors and zip64 sizes, which is what a zip written to a stream that cannot seek back
carries; every unzip tool reads it.
"""

from __future__ import annotations

import mimetypes
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pixsim7.assets.models import Asset

CHUNK = 1024 * 1024


class _Sink:
    """Where the zip writes: bytes gathered until the sender takes them. No tell or seek,
    so zipfile writes as to a stream (it counts offsets itself)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def entry_name(asset: Asset) -> str:
    """The asset's name in the zip: its id first, so names never collide."""
    if asset.original_filename:
        return f"{asset.id}-{asset.original_filename}"
    ext = mimetypes.guess_extension(asset.mime_type) or ""
    return f"{asset.id}-{asset.media_type}{ext}"


def stream(files: Iterable[tuple[str, Path]]) -> Iterator[bytes]:
    """The zip of these (name, path) pairs, chunk by chunk."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, path in files:
            info = zipfile.ZipInfo.from_file(path, name)
            info.compress_type = zipfile.ZIP_STORED
            with path.open("rb") as source, archive.open(info, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield sink.take()
            if data := sink.take():
                yield data
    yield sink.take()  # the central directory, written on close
