"""Reading ComfyUI's answers: validation errors and finished history entries.

A finished entry (``GET /history/{id}``) has ``status.status_str`` ("success" or
"error"), ``status.messages`` (``execution_error`` or ``execution_interrupted``
details) and ``outputs[node_id]``. Video save nodes list their file under ``images``
with ``animated: [true]`` (core SaveVideo, SaveAnimatedWEBP), under ``gifs``
(VideoHelperSuite) or ``videos`` (some custom nodes): all three are read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pixsim7.providers.base import ErrorClass, PollResult, ProviderStatus

VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".mkv", ".webp", ".gif")
_MAX_MESSAGE = 2000


def describe_prompt_error(answer: Any) -> str:
    """One line from a 400 of ``POST /prompt``: the error, then each node's errors."""
    if not isinstance(answer, dict):
        return "ComfyUI refused the workflow"
    error = answer.get("error")
    if isinstance(error, dict):
        text = str(error.get("message") or error.get("type") or "invalid workflow")
        if error.get("details"):
            text += f": {error['details']}"
    else:
        text = str(error or "invalid workflow")
    node_errors = answer.get("node_errors")
    for node_id, node in (node_errors if isinstance(node_errors, dict) else {}).items():
        for item in node.get("errors") or []:
            line = f"node {node_id} ({node.get('class_type', '?')}): {item.get('message', '?')}"
            if item.get("details"):
                line += f" ({item['details']})"
            text += "; " + line
    return text[:_MAX_MESSAGE]


def read_history(prompt_id: str, entry: dict[str, Any], base_url: str) -> PollResult:
    """A finished entry as a PollResult; the output URL is the server's ``/view`` of it."""
    status = entry.get("status") or {}
    messages = {m[0]: m[1] for m in status.get("messages") or [] if _is_message(m)}
    outcome = status.get("status_str")
    if "execution_interrupted" in messages:
        return PollResult(prompt_id, ProviderStatus.CANCELLED, raw=entry)
    if outcome == "error" or "execution_error" in messages:
        detail = messages.get("execution_error") or {}
        return PollResult(
            prompt_id,
            ProviderStatus.FAILED,
            error_class=_error_class(detail),
            error_message=_execution_error(detail),
            raw=entry,
        )
    video = find_video(entry.get("outputs") or {})
    if video is None:
        return PollResult(
            prompt_id,
            ProviderStatus.FAILED,
            error_class=ErrorClass.INVALID,
            error_message="the workflow finished without saving a video (no video save node?)",
            raw=entry,
        )
    view = {
        "filename": video["filename"],
        "subfolder": video.get("subfolder") or "",
        "type": video.get("type") or "output",
    }
    return PollResult(
        prompt_id,
        ProviderStatus.SUCCEEDED,
        progress=1.0,
        output_url=f"{base_url.rstrip('/')}/view?{urlencode(view)}",
        provider_asset_id="/".join(filter(None, (view["subfolder"], view["filename"]))),
        raw=entry,
    )


def find_video(outputs: dict[str, Any]) -> dict[str, Any] | None:
    """The first video file among the output nodes' ``videos``, ``gifs`` or ``images``."""
    for node_output in outputs.values():
        if not isinstance(node_output, dict):
            continue
        for key in ("videos", "gifs", "images"):
            animated = node_output.get("animated") or []
            for index, item in enumerate(node_output.get(key) or []):
                if not isinstance(item, dict) or not item.get("filename"):
                    continue
                flagged = key != "images" or (index < len(animated) and animated[index])
                if flagged or str(item["filename"]).lower().endswith(VIDEO_SUFFIXES):
                    return item
    return None


def _execution_error(detail: dict[str, Any]) -> str:
    if not detail:
        return "ComfyUI reported an error"
    where = f"{detail.get('node_type', '?')} (node {detail.get('node_id', '?')})"
    what = detail.get("exception_message") or "failed"
    kind = detail.get("exception_type")
    text = f"{where}: {kind}: {what}" if kind else f"{where}: {what}"
    return text[:_MAX_MESSAGE]


def _error_class(detail: dict[str, Any]) -> ErrorClass:
    # Running out of GPU memory can pass once the card is free; other node exceptions
    # (missing model, bad size, a custom node's bug) fail the same way on every try.
    text = f"{detail.get('exception_type', '')} {detail.get('exception_message', '')}"
    if "OutOfMemory" in text or "Allocation on device" in text:
        return ErrorClass.TRANSIENT
    return ErrorClass.INVALID


def _is_message(item: Any) -> bool:
    return isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[1], dict)
