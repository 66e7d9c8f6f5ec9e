"""HTTP calls to one ComfyUI server, answers returned as plain values.

Only the shared `HttpClient` talks to the network (5xx, 429 and transport errors become
TRANSIENT there, and only GETs are retried, so ``POST /prompt`` is never sent twice).
Here: 401/403 (an authenticating proxy in front of the server) become AUTH, a 400 from
``/prompt`` becomes INVALID with the node errors spelled out, other 4xx INVALID.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pixsim7.providers.base import ErrorClass, ProviderError
from pixsim7.providers.comfyui.answers import describe_prompt_error
from pixsim7.providers.http import HttpClient


@dataclass(frozen=True)
class QueueItem:
    prompt_id: str
    extra_data: dict[str, Any]


@dataclass(frozen=True)
class QueueState:
    running: list[QueueItem]
    pending: list[QueueItem]


class ComfyClient:
    """One server (`http` is bound to its base URL), with an optional Bearer key."""

    def __init__(self, http: HttpClient, api_key: str | None = None) -> None:
        self._http = http
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    async def queue_prompt(self, graph: dict[str, Any], client_id: str, extra: dict) -> str:
        body = {"prompt": graph, "client_id": client_id, "extra_data": extra}
        response = await self._call("POST", "/prompt", json=body, ok=(200, 400))
        if response.status_code == 400:
            try:
                answer = response.json()
            except ValueError:  # e.g. a proxy's HTML page
                answer = None
            error = answer.get("error") if isinstance(answer, dict) else None
            raise ProviderError(
                describe_prompt_error(answer),
                error_class=ErrorClass.INVALID,
                code=error.get("type") if isinstance(error, dict) else None,
                http_status=400,
            )
        prompt_id = _json(response).get("prompt_id")
        if not prompt_id:
            raise ProviderError(
                "ComfyUI accepted the prompt but sent no prompt_id",
                error_class=ErrorClass.TRANSIENT,
            )
        return str(prompt_id)

    async def queue(self) -> QueueState:
        answer = _json(await self._call("GET", "/queue"))
        return QueueState(
            running=_queue_items(answer.get("queue_running")),
            pending=_queue_items(answer.get("queue_pending")),
        )

    async def history(self, prompt_id: str) -> dict[str, Any] | None:
        """The finished entry of `prompt_id`, or None while queued, running or unknown."""
        answer = _json(await self._call("GET", f"/history/{prompt_id}"))
        entry = answer.get(prompt_id)
        return entry if isinstance(entry, dict) else None

    async def recent_history(self, max_items: int) -> dict[str, Any]:
        answer = _json(await self._call("GET", "/history", params={"max_items": max_items}))
        return {k: v for k, v in answer.items() if isinstance(v, dict)}

    async def upload_image(self, name: str, data: bytes, mime: str) -> str:
        """Store an input file; returns the name the server kept (``x (1).png`` when
        another file already had the name), with its subfolder when it has one."""
        response = await self._call(
            "POST", "/upload/image", files={"image": (name, data, mime)}, data={"type": "input"}
        )
        answer = _json(response)
        kept = answer.get("name")
        if not isinstance(kept, str) or not kept:
            raise ProviderError("upload answered no file name", error_class=ErrorClass.TRANSIENT)
        subfolder = answer.get("subfolder") or ""
        return f"{subfolder}/{kept}" if subfolder else kept

    async def delete_pending(self, prompt_ids: list[str]) -> None:
        await self._call("POST", "/queue", json={"delete": prompt_ids})

    async def interrupt(self, prompt_id: str) -> None:
        # Newer servers stop only the named prompt; older ones ignore the body.
        await self._call("POST", "/interrupt", json={"prompt_id": prompt_id})

    async def system_stats(self) -> dict[str, Any]:
        return _json(await self._call("GET", "/system_stats"))

    async def download(self, view: Mapping[str, str], dest: Path, max_bytes: int) -> Path:
        url = httpx.URL("/view", params=dict(view))
        return await self._http.stream_download(str(url), dest, max_bytes, headers=self._headers)

    async def _call(
        self, method: str, path: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> httpx.Response:
        response = await self._http.request(method, path, headers=self._headers, **kwargs)
        status = response.status_code
        if status in ok:
            return response
        if status in (401, 403):
            raise ProviderError(
                f"the server refused our credentials (HTTP {status})",
                error_class=ErrorClass.AUTH,
                http_status=status,
            )
        raise ProviderError(
            f"unexpected answer to {method} (HTTP {status})",
            error_class=ErrorClass.INVALID,
            http_status=status,
        )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ProviderError(
            f"not a ComfyUI answer (HTTP {response.status_code}, no JSON object)",
            error_class=ErrorClass.TRANSIENT,
            http_status=response.status_code,
        )
    return answer


def _queue_items(raw: Any) -> list[QueueItem]:
    # Each item is [number, prompt_id, prompt, extra_data, outputs_to_execute, ...].
    items = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) > 1:
            extra = item[3] if len(item) > 3 and isinstance(item[3], dict) else {}
            items.append(QueueItem(str(item[1]), extra))
    return items
