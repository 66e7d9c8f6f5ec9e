"""The two Pixverse HTTP APIs, call by call: headers, paths, envelopes.

`PlatformApi` (pool ``openapi``) authenticates with ``API-KEY``; `WebApi` (pool ``web``) with
the browser session token. Both send a fresh trace id per request. Nothing here knows about
jobs or operations: `adapter.py` builds the bodies.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.http import HttpClient
from pixsim7.providers.pixverse import oss
from pixsim7.providers.pixverse.errors import unwrap

# Cookie names under which the browser keeps its anonymous id (reused so the session does
# not look like a new device: a new identity can end in ErrCode 10005, logged in elsewhere).
ANONYMOUS_ID_COOKIES = ("ai_anonymous_id", "_ai_anonymous_id", "anonymous_id")
TOKEN_COOKIE = "_ai_token"


class PlatformApi:
    """``/openapi/v2``: the documented platform API."""

    def __init__(self, http: HttpClient, base_url: str, api_key: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._key = api_key

    def _headers(self) -> dict[str, str]:
        return {"API-KEY": self._key, "Ai-trace-id": str(uuid.uuid4())}

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        url = self._base + path
        return unwrap(await self._http.request(method, url, headers=self._headers(), **kwargs))

    async def upload_image(self, path: Path | None, url: str | None) -> dict[str, Any]:
        if path is not None:
            files = {"image": await _file_part(path, "image/png")}
            return await self._call("POST", "/openapi/v2/image/upload", files=files)
        return await self._call("POST", "/openapi/v2/image/upload", json={"image_url": url})

    async def upload_media(self, path: Path | None, url: str | None) -> dict[str, Any]:
        if path is not None:
            files = {"file": await _file_part(path, "video/mp4")}
            return await self._call("POST", "/openapi/v2/media/upload", files=files)
        return await self._call("POST", "/openapi/v2/media/upload", json={"file_url": url})

    async def generate(self, kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """kind: text, img, transition, extend, fusion."""
        return await self._call("POST", f"/openapi/v2/video/{kind}/generate", json=dict(body))

    async def result(self, video_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/openapi/v2/video/result/{video_id}")

    async def balance(self) -> dict[str, Any]:
        return await self._call("GET", "/openapi/v2/account/balance")


class WebApi:
    """``/creative_platform``: the web app's own API, driven by a logged-in session."""

    def __init__(
        self, http: HttpClient, base_url: str, token: str, anonymous_id: str | None
    ) -> None:
        self._http = http
        self._base = base_url.rstrip("/")
        self._token = token
        self._anonymous_id = anonymous_id

    def _headers(self, generation: bool) -> dict[str, str]:
        headers = {"token": self._token, "ai-trace-id": str(uuid.uuid4())}
        if self._anonymous_id:
            headers["ai-anonymous-id"] = self._anonymous_id
        if generation:  # only generation calls: the web app sends it to refresh the credit view
            headers["refresh"] = "credit"
        return headers

    async def _call(
        self, method: str, path: str, *, generation: bool = False, **kwargs: Any
    ) -> dict[str, Any]:
        url = self._base + path
        response = await self._http.request(
            method, url, headers=self._headers(generation), **kwargs
        )
        return unwrap(response)

    async def user_info(self) -> dict[str, Any]:
        return await self._call("GET", "/creative_platform/getUserInfo")

    async def plan_details(self) -> dict[str, Any]:
        return await self._call("POST", "/creative_platform/toc/members/plan_details", json={})

    async def credits(self) -> dict[str, Any]:
        return await self._call("GET", "/creative_platform/user/credits")

    async def upload(self, path: Path) -> dict[str, Any]:
        """An input file for the generation calls: its ``path`` and ``url`` at Pixverse.

        Images take the web app's own way (public client code, not PROVIDERS.md): bucket
        credentials, a signed PUT to the bucket, then ``batch_upload_media``. How the app
        registers a video is not known; videos go as one multipart POST to
        ``/creative_platform/media/upload`` (inferred, answering ``path`` and ``url``)."""
        name, data, mime = await _file_part(path, "application/octet-stream")
        if mime.startswith("image/"):
            return await self._upload_image(name, data, mime, path.suffix or ".png")
        files = {"file": (name, data, mime)}
        return await self._call("POST", "/creative_platform/media/upload", files=files)

    async def _upload_image(self, name: str, data: bytes, mime: str, suffix: str) -> dict[str, Any]:
        creds = oss.credentials(await self._call("POST", "/creative_platform/getUploadToken"))
        key = oss.object_key(suffix)
        # The bucket is another host: only the signed headers go there, never the session token.
        response = await self._http.request(
            "PUT",
            f"{creds.endpoint}/{key}",
            headers=oss.put_headers(creds, key, data, mime),
            content=data,
        )
        if response.status_code >= 400:
            raise ProviderError(
                f"the upload bucket refused the file (HTTP {response.status_code})",
                # 403: credentials gone stale (fresh ones come with the next try)
                error_class=ErrorClass.TRANSIENT
                if response.status_code == 403
                else ErrorClass.INVALID,
                code=500041,
                http_status=response.status_code,
            )
        body = {
            "images": [
                {"name": key.rsplit("/", 1)[1], "size": len(data), "path": key, "file_name": name}
            ]
        }
        resp = await self._call("POST", "/creative_platform/media/batch_upload_media", json=body)
        results = resp.get("result")
        item = results[0] if isinstance(results, list) and results else {}
        if not isinstance(item, dict) or item.get("err_msg") or not item.get("path"):
            reason = item.get("err_msg") if isinstance(item, dict) else None
            raise ProviderError(
                f"Pixverse did not register the upload: {reason or 'no path in the answer'}",
                error_class=ErrorClass.TRANSIENT,
                code=500041,
            )
        return {"path": item["path"], "url": item.get("url"), "media_id": item.get("id")}

    async def generate(self, kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """kind: t2v, i2v, extend, frames, fusion."""
        return await self._call(
            "POST", f"/creative_platform/video/{kind}", generation=True, json=dict(body)
        )

    async def list_personal(self, offset: int, limit: int) -> list[dict[str, Any]]:
        body = {"offset": offset, "limit": limit, "polling": True, "filter": {}}
        resp = await self._call("POST", "/creative_platform/video/list/personal", json=body)
        data = resp.get("data")
        return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []

    async def delete(self, video_ids: list[int | str]) -> None:
        body = {"video_ids": video_ids, "platform": "web"}
        await self._call("POST", "/creative_platform/video/delete", json=body)


def anonymous_id(cookies: Mapping[str, str]) -> str | None:
    return next((cookies[n] for n in ANONYMOUS_ID_COOKIES if cookies.get(n)), None)


async def _file_part(path: Path, default_mime: str) -> tuple[str, bytes, str]:
    # Inputs are bounded (images 20 MB, videos 50 MB), so reading them whole is fine.
    data = await asyncio.to_thread(path.read_bytes)
    return path.name, data, _mime(path, default_mime)


def _mime(path: Path, default: str) -> str:
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".webp": "image/webp",
        ".mp4": "video/mp4",
        ".mov": "video/quicktime",
        ".webm": "video/webm",
    }.get(path.suffix.lower(), default)
