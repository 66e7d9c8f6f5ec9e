"""How an input image reaches Runway: an HTTPS link it can fetch, or a base64 data URI.

Runway takes JPEG, PNG and WebP; a data URI may be at most 5 MB (the URI itself), so
an image of more than about 3.7 MB must come as an HTTPS link instead.
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes

from pixsim7.providers.base import ErrorClass, PreparedInput, ProviderError

MAX_DATA_URI = 5 * 1024 * 1024
_TYPES = {"image/jpeg", "image/png", "image/webp"}


async def image_uri(item: PreparedInput) -> str:
    """The `promptImage` value for one input (raises INVALID when it cannot be sent)."""
    if item.remote_url and item.remote_url.startswith(("https://", "data:image/")):
        return item.remote_url
    if item.path is None:
        raise ProviderError(
            f"input {item.role} has neither a file nor an HTTPS link",
            error_class=ErrorClass.INVALID,
        )
    mime = item.mime_type or mimetypes.guess_type(item.path.name)[0] or ""
    if mime not in _TYPES:
        raise ProviderError(
            f"Runway takes JPEG, PNG or WebP images, not {mime or 'this file'}",
            error_class=ErrorClass.INVALID,
        )
    size = item.path.stat().st_size
    prefix = f"data:{mime};base64,"
    if len(prefix) + 4 * ((size + 2) // 3) > MAX_DATA_URI:
        raise ProviderError(
            f"image of {size} bytes is too large to send inline (data URIs up to 5 MB)",
            error_class=ErrorClass.INVALID,
        )
    data = await asyncio.to_thread(item.path.read_bytes)
    return prefix + base64.b64encode(data).decode("ascii")
