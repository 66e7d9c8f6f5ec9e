"""Job <-> Pixverse JSON: generation bodies for both APIs and video answers as PollResults.

Remote ids of inputs (what `upload` returned, or what the caller already knew):
images: platform ``img_id`` / web upload ``path``, with the URL in ``remote_url``.
videos: all digits = a Pixverse video id (extend it in place); ``media:<id>`` = a platform
upload; anything else = a web upload ``path``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from pixsim7.providers.base import (
    ErrorClass,
    OperationType,
    PollResult,
    PreparedInput,
    ProviderError,
    ProviderStatus,
    SubmitRequest,
)
from pixsim7.providers.pixverse.errors import map_status

MEDIA_PREFIX = "media:"

# Which endpoint each operation uses: (platform ".../video/<kind>/generate", web ".../video/<kind>")
KINDS: dict[OperationType, tuple[str, str]] = {
    OperationType.TEXT_TO_VIDEO: ("text", "t2v"),
    OperationType.IMAGE_TO_VIDEO: ("img", "i2v"),
    OperationType.VIDEO_EXTEND: ("extend", "extend"),
    OperationType.VIDEO_TRANSITION: ("transition", "frames"),
    OperationType.FUSION: ("fusion", "fusion"),
}

_OPTIONAL = ("negative_prompt", "motion_mode", "seed")


def _invalid(message: str) -> ProviderError:
    return ProviderError(message, error_class=ErrorClass.INVALID)


def _one(request: SubmitRequest, role: str) -> PreparedInput:
    items = request.inputs.get(role) or ()
    if not items or items[0].remote_id is None:
        raise _invalid(f"input {role!r} was not uploaded to Pixverse")
    return items[0]


def _all(request: SubmitRequest, role: str) -> Sequence[PreparedInput]:
    items = request.inputs.get(role) or ()
    if any(i.remote_id is None for i in items):
        raise _invalid(f"input {role!r} was not uploaded to Pixverse")
    return items


def _common(p: Mapping[str, Any], *, aspect: bool) -> dict[str, Any]:
    body = {k: p[k] for k in ("prompt", "model", "quality", "duration") if k in p}
    if aspect:
        body["aspect_ratio"] = p.get("aspect_ratio", "16:9")
    body.update({k: p[k] for k in _OPTIONAL if p.get(k) is not None})
    return body


def _refs(request: SubmitRequest) -> list[tuple[str, str, PreparedInput]]:
    """Fusion inputs as (type, ref name, input): subject1.., background."""
    subjects = _all(request, "subject")
    refs = [("subject", f"subject{i}", s) for i, s in enumerate(subjects, 1)]
    refs += [("background", "background", b) for b in _all(request, "background")]
    return refs


def platform_body(request: SubmitRequest) -> dict[str, Any]:
    p, op = request.params, request.operation
    if op == OperationType.TEXT_TO_VIDEO:
        return _common(p, aspect=True)
    if op == OperationType.IMAGE_TO_VIDEO:
        return {
            "img_id": int(_one(request, "source_image").remote_id or 0),
            **_common(p, aspect=False),
        }
    if op == OperationType.VIDEO_EXTEND:
        video = _one(request, "source_video").remote_id or ""
        body = _common(p, aspect=False)
        if video.startswith(MEDIA_PREFIX):
            body["video_media_id"] = int(video.removeprefix(MEDIA_PREFIX))
        elif video.isdigit():
            body["source_video_id"] = int(video)
        else:
            raise _invalid("source video is a web upload; the platform API cannot use it")
        return body
    if op == OperationType.VIDEO_TRANSITION:
        images = _all(request, "images")
        if len(images) != 2:
            raise _invalid("the platform API makes transitions between two frames only")
        duration = (p.get("durations") or [5])[0]
        if duration not in (5, 8):
            raise _invalid("the platform API takes a transition of 5 or 8 s")
        body = {k: p[k] for k in ("model", "quality") if k in p}
        body.update(prompt=p["prompts"][0], duration=int(duration))
        body.update(first_frame_img=int(images[0].remote_id or 0))
        body.update(last_frame_img=int(images[1].remote_id or 0))
        if p.get("seed") is not None:
            body["seed"] = p["seed"]
        return body
    if op == OperationType.FUSION:
        refs = [
            {"type": kind, "img_id": int(item.remote_id or 0), "ref_name": name}
            for kind, name, item in _refs(request)
        ]
        return {"image_references": refs, **_common(p, aspect=True)}
    raise _invalid(f"Pixverse cannot do {op}")


def web_body(request: SubmitRequest) -> dict[str, Any]:
    p, op = request.params, request.operation
    body: dict[str, Any] = {"create_count": 1}
    if op == OperationType.TEXT_TO_VIDEO:
        return {**body, **_common(p, aspect=True)}
    if op == OperationType.IMAGE_TO_VIDEO:
        image = _one(request, "source_image")
        body.update(customer_img_path=image.remote_id, customer_img_url=image.remote_url)
        return {**body, **_common(p, aspect=False)}
    if op == OperationType.VIDEO_EXTEND:
        video = _one(request, "source_video")
        rid = video.remote_id or ""
        if rid.isdigit():
            body["original_video_id"] = int(rid)
        elif rid.startswith(MEDIA_PREFIX):
            raise _invalid("source video is a platform upload; the web API cannot use it")
        else:
            body.update(customer_video_path=rid, customer_video_url=video.remote_url)
        return {**body, **_common(p, aspect=False)}
    if op == OperationType.VIDEO_TRANSITION:
        images = _all(request, "images")
        durations = p.get("durations") or [5] * (len(images) - 1)
        body.update(
            customer_img_urls=[i.remote_url for i in images],
            customer_img_paths=[i.remote_id for i in images],
            prompts=list(p["prompts"]),
            durations=[int(d) for d in durations],
            **{k: p[k] for k in ("model", "quality", "seed") if p.get(k) is not None},
        )
        return body
    if op == OperationType.FUSION:
        refs = _refs(request)
        body.update(
            customer_img_urls=[item.remote_url for _, _, item in refs],
            customer_img_paths=[item.remote_id for _, _, item in refs],
            fusion_name_list=[name for _, name, _ in refs],
            fusion_type_list=[kind for kind, _, _ in refs],
        )
        return {**body, **_common(p, aspect=True)}
    raise _invalid(f"Pixverse cannot do {op}")


def signature_prompt(params: Mapping[str, Any]) -> str:
    """The prompt Pixverse lists a video under (a transition's first segment prompt)."""
    return str(params.get("prompt") or (params.get("prompts") or [""])[0])


def _get(item: Mapping[str, Any], *names: str) -> Any:
    return next((item[n] for n in names if item.get(n) not in (None, "")), None)


def poll_result(item: Mapping[str, Any]) -> PollResult:
    """A video from either API (platform camelCase or web snake_case) as a PollResult."""
    video_id = str(_get(item, "video_id", "id"))
    code = int(_get(item, "video_status", "status") or 0)
    width = _get(item, "output_width", "outputWidth")
    height = _get(item, "output_height", "outputHeight")
    status = map_status(code, width, height)
    result = PollResult(video_id, status, raw=dict(item), provider_asset_id=video_id)
    if status == ProviderStatus.SUCCEEDED:
        result.progress = 1.0
        result.output_url = _get(item, "url", "customer_video_url")
        result.thumbnail_url = _get(item, "first_frame", "thumbnail")
        result.width, result.height = int(width or 0), int(height or 0)
        duration = _get(item, "duration")
        result.duration_sec = float(duration) if duration is not None else None
        if not result.output_url:  # done without a file is no use to anyone: retry it
            result.status = ProviderStatus.FAILED
            result.error_class = ErrorClass.TRANSIENT
            result.error_message = "Pixverse reported success without an output URL"
    elif status == ProviderStatus.FILTERED:
        result.error_class = ErrorClass.OUTPUT_MODERATION
        result.error_message = f"output refused by moderation (status {code})"
    elif status == ProviderStatus.FAILED:
        result.error_class = ErrorClass.TRANSIENT
        result.error_message = f"generation failed (status {code})"
    return result


def created_at(item: Mapping[str, Any]) -> float | None:
    """Creation time of a listed video as a Unix timestamp (epoch number or ISO text)."""
    value = _get(item, "create_time", "created_at")
    if isinstance(value, int | float):
        return float(value) / (1000 if value > 1e11 else 1)  # milliseconds or seconds
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).timestamp()
    return None
