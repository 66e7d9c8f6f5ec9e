"""What OpenAI's Videos API (Sora) makes, the specs drawn from it, and its cross-field rule
(the two tall/wide large sizes are sora-2-pro only).

OpenAI bills in dollars, so the pool is ``usd_cents``. Rates are OpenAI's public prices per
second of video: sora-2 $0.10; sora-2-pro $0.30 at 720p and $0.50 at 1024x1792/1792x1024.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import InputSpec, OperationSpec, OperationType, ParamSpec, ParamType
from pixsim7.providers.specs import validate_params

POOL = "usd_cents"
MODELS = ("sora-2", "sora-2-pro")
SECONDS = ("4", "8", "12")  # the API wants strings
SIZES = ("1280x720", "720x1280", "1792x1024", "1024x1792")
PRO_ONLY_SIZES = frozenset({"1792x1024", "1024x1792"})
_CENTS_PER_SECOND = {"sora-2": 10.0, "sora-2-pro": 30.0}
_PRO_LARGE_CENTS_PER_SECOND = 50.0
# A remix keeps its source's model and length, which the request does not carry: budget
# for the longest sora-2 clip.
REMIX_ESTIMATE_CENTS = 12 * _CENTS_PER_SECOND["sora-2"]

_GENERATION_PARAMS = (
    ParamSpec(
        "model",
        ParamType.ENUM,
        "Model",
        help="sora-2: 10 c/s; sora-2-pro: 30 c/s at 720p, 50 c/s at 1792x1024 and 1024x1792",
        default="sora-2",
        choices=MODELS,
    ),
    ParamSpec("prompt", ParamType.TEXT, "Prompt", required=True),
    ParamSpec("seconds", ParamType.ENUM, "Duration (s)", default="4", choices=SECONDS),
    ParamSpec(
        "size",
        ParamType.ENUM,
        "Size",
        help="1792x1024 and 1024x1792 need sora-2-pro",
        default="1280x720",
        choices=SIZES,
    ),
)

OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(OperationType.TEXT_TO_VIDEO, "Text to video", _GENERATION_PARAMS),
    OperationSpec(
        OperationType.IMAGE_TO_VIDEO,
        "Image to video",
        _GENERATION_PARAMS,
        inputs=(
            InputSpec(
                "source_image",
                "image",
                "First frame",
                help="JPEG, PNG or WebP of exactly the chosen size",
            ),
        ),
    ),
    OperationSpec(
        OperationType.VIDEO_EXTEND,
        "Remix",
        (ParamSpec("prompt", ParamType.TEXT, "What to change", required=True),),
        inputs=(
            InputSpec(
                "source_video",
                "video",
                "Sora video",
                help="A video Sora made for this account; the remix keeps its model and length",
            ),
        ),
        help="Sora's remix: a new take on one of its own videos, guided by the prompt.",
    ),
)


def validate(op: OperationType, params: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's checks plus the size rule; raises ValidationFailed naming fields."""
    spec = next((s for s in OPERATIONS if s.type == op), None)
    if spec is None:
        raise ValidationFailed(
            f"Sora does not offer {op}", fields={"operation": "not offered by Sora"}
        )
    clean = validate_params(spec, params)
    if clean.get("size") in PRO_ONLY_SIZES and clean.get("model") != "sora-2-pro":
        raise ValidationFailed(
            "invalid parameters", fields={"params.size": f"{clean['size']} needs sora-2-pro"}
        )
    return clean


def estimate_cost(op: OperationType, params: Mapping[str, Any]) -> float:
    """US cents for this job."""
    if op == OperationType.VIDEO_EXTEND:
        return REMIX_ESTIMATE_CENTS
    model = params.get("model") or "sora-2"
    size = params.get("size") or "1280x720"
    seconds = float(params.get("seconds") or 4)
    rate = _CENTS_PER_SECOND.get(model, _CENTS_PER_SECOND["sora-2-pro"])
    if model == "sora-2-pro" and size in PRO_ONLY_SIZES:
        rate = _PRO_LARGE_CENTS_PER_SECOND
    return rate * seconds


def dimensions(size: str) -> tuple[int, int]:
    width, height = size.split("x")
    return int(width), int(height)
