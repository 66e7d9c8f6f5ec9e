"""Streaming multipart/form-data reader for uploads.

Starlette's `request.form()` reads the whole body before we can look at it. Here the body is
read chunk by chunk from `request.stream()`: the declared Content-Length is checked before
anything is read, and the running count aborts with 413 as soon as it passes the limit, so
an oversized upload costs at most one chunk past the limit. The file part goes straight to
the store's hashing temp file; small text fields are kept in memory (capped).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from python_multipart import MultipartParser
from python_multipart.exceptions import ParseError
from python_multipart.multipart import parse_options_header

from pixsim7 import errors
from pixsim7.storage import FileWriter, LocalStore

FIELD_LIMIT = 64 * 1024  # all text fields together
OVERHEAD = 64 * 1024  # boundaries and part headers around the file


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    file: FileWriter | None = None
    filename: str | None = None


def _too_large(limit: int) -> errors.PayloadTooLarge:
    return errors.PayloadTooLarge(
        f"the upload is larger than the limit of {limit} bytes", fields={"file": "too large"}
    )


def check_declared(content_type: str, content_length: str | None, max_bytes: int) -> bytes:
    """Validate headers before reading the body. Returns the multipart boundary."""
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise errors.UnsupportedMediaType(
            "send the file as multipart/form-data", fields={"file": "multipart/form-data needed"}
        )
    if content_length and content_length.isdigit() and int(content_length) > max_bytes + OVERHEAD:
        raise _too_large(max_bytes)
    return boundary


class _Reader:
    """python-multipart callbacks, collecting into a Form."""

    def __init__(self, store: LocalStore, max_bytes: int) -> None:
        self.form = Form()
        self.store, self.max_bytes = store, max_bytes
        self.name: str | None = None
        self.header = b""
        self.headers: dict[bytes, bytes] = {}
        self.value = b""
        self.text_bytes = 0
        self.ended = False  # the closing boundary was seen

    def callbacks(self) -> dict[str, object]:
        return {
            "on_header_field": lambda d, s, e: setattr(self, "header", self.header + d[s:e]),
            "on_header_value": self.on_header_value,
            "on_header_end": lambda: setattr(self, "header", b""),
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_end": lambda: setattr(self, "ended", True),
        }

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        key = self.header.lower()
        self.headers[key] = self.headers.get(key, b"") + data[start:end]

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        if self.name == "file":
            if self.form.file is not None:
                raise errors.ValidationFailed("send one file", fields={"file": "one file only"})
            self.form.file = self.store.writer()
            self.form.filename = params.get(b"filename", b"").decode("utf-8", "replace") or None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.name == "file" and self.form.file is not None:
            if self.form.file.size + len(chunk) > self.max_bytes:
                raise _too_large(self.max_bytes)
            self.form.file.write(chunk)
            return
        self.text_bytes += len(chunk)
        if self.text_bytes > FIELD_LIMIT:
            raise errors.PayloadTooLarge("form fields too large", fields={"body": "too large"})
        self.value += chunk

    def on_part_end(self) -> None:
        if self.name and self.name != "file":
            self.form.fields[self.name] = self.value.decode("utf-8", "replace")
        self.name, self.headers, self.value = None, {}, b""


async def read_form(
    stream: AsyncIterator[bytes], boundary: bytes, store: LocalStore, *, max_bytes: int
) -> Form:
    """Read the form; the part named `file` is streamed into the store. On any error the
    partial file is discarded."""
    reader = _Reader(store, max_bytes)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
        # A body cut off before its closing boundary (a client that went away) would
        # otherwise pass as a complete file.
        if not reader.ended:
            raise errors.ValidationFailed(
                "the upload ended before its closing boundary", fields={"file": "incomplete"}
            )
    except ParseError as exc:
        if reader.form.file is not None:
            reader.form.file.discard()
        raise errors.ValidationFailed(
            "the multipart body is malformed", fields={"file": "malformed multipart body"}
        ) from exc
    except BaseException:
        if reader.form.file is not None:
            reader.form.file.discard()
        raise
    if reader.form.file is None:
        raise errors.ValidationFailed("no file in the upload", fields={"file": "required"})
    return reader.form
