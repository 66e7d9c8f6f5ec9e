"""Content-addressed file store: a file is named by its sha256, so each content is kept once.

Layout under the root (``DATA_DIR/media``)::

    ab/cd/abcd...ef            the original bytes, no extension (the type lives in the DB)
    derived/ab/abcd...ef.jpg   poster thumbnail;  ...ef.preview.mp4  hover preview
    tmp/                       in-flight writes, on the same filesystem so rename is atomic

Writers stream into ``tmp/`` while hashing, then rename into place: a reader never sees
half a file, and two writers of the same content end with one copy. `Store` is the
interface a shared volume or an S3-compatible backend would meet; `LocalStore` is the one
in use.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from types import TracebackType
from typing import Protocol

_SHA = re.compile(r"^[0-9a-f]{64}$")
DERIVED_SUFFIX = {"thumbnail": ".jpg", "preview": ".preview.mp4"}


class Store(Protocol):
    def path(self, sha256: str) -> Path: ...
    def exists(self, sha256: str) -> bool: ...
    def writer(self) -> FileWriter: ...
    def put(self, src: Path) -> tuple[str, int]: ...
    def delete(self, sha256: str) -> None: ...
    def derived(self, sha256: str, kind: str) -> Path: ...
    def delete_derived(self, sha256: str) -> None: ...
    def temp_path(self, suffix: str = "") -> Path: ...


def _check(sha256: str) -> str:
    # Names come from our own hashes, but a path built from anything else must never escape.
    if not _SHA.match(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class FileWriter:
    """Streams bytes to a temp file while hashing; `commit()` moves it to its content name."""

    def __init__(self, store: LocalStore) -> None:
        self._store = store
        self._hash = hashlib.sha256()
        self.size = 0
        self.tmp = store.temp_path(".part")
        self._file = self.tmp.open("wb")
        self.sha256: str | None = None

    def write(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self._file.write(chunk)
        self.size += len(chunk)

    def finish(self) -> str:
        """Close the temp file (its bytes can now be sniffed and probed); returns the sha256."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self.sha256 = self._hash.hexdigest()
        assert self.sha256 is not None
        return self.sha256

    def commit(self) -> tuple[str, int]:
        """Move the bytes to their content name (kept once if already stored)."""
        sha = self.finish()
        self._store.install(self.tmp, sha)
        return sha, self.size

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.tmp.unlink(missing_ok=True)

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Committed files were renamed away; anything left is an abandoned write.
        self.discard()


class LocalStore:
    """The store on a local (or shared, POSIX) filesystem."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        sha = _check(sha256)
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def temp_path(self, suffix: str = "") -> Path:
        return self.root / "tmp" / f"{secrets.token_hex(12)}{suffix}"

    def writer(self) -> FileWriter:
        return FileWriter(self)

    def put(self, src: Path) -> tuple[str, int]:
        """Move `src` into the store (src is consumed). Returns (sha256, size)."""
        sha, size = hash_file(src)
        self.install(src, sha)
        return sha, size

    def install(self, tmp: Path, sha256: str) -> None:
        """Move `tmp`, whose content hash is `sha256`, into the store (tmp is consumed)."""
        dest = self.path(sha256)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():  # same content already stored: keep the one copy
            tmp.unlink(missing_ok=True)
            return
        os.replace(tmp, dest)

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def derived(self, sha256: str, kind: str) -> Path:
        sha = _check(sha256)
        return self.root / "derived" / sha[:2] / f"{sha}{DERIVED_SUFFIX[kind]}"

    def delete_derived(self, sha256: str) -> None:
        for kind in DERIVED_SUFFIX:
            self.derived(sha256, kind).unlink(missing_ok=True)


def hash_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
