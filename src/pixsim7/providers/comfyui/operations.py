"""What a ComfyUI server can make through our templates, and the values a template gets.

The parameters are the template placeholders (see `templates.KNOWN`). Rules a flat spec
cannot express live in `validate`: H.264 needs even frame sizes, and a real ComfyUI
accepts an odd size at /prompt only to fail minutes later in the save node, so we refuse
it before anything is sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import InputSpec, OperationSpec, OperationType, ParamSpec, ParamType
from pixsim7.providers.specs import validate_params

MAX_SEED = 2**53 - 1  # the largest integer a browser form keeps exact
MAX_FRAMES = 1000


def _params() -> list[ParamSpec]:
    return [
        ParamSpec("prompt", ParamType.TEXT, "Prompt", required=True, max_length=10_000),
        ParamSpec("negative_prompt", ParamType.TEXT, "Negative prompt", default=""),
        ParamSpec(
            "seed", ParamType.INTEGER, "Seed", help="Empty: random", minimum=0, maximum=MAX_SEED
        ),
        ParamSpec(
            "width", ParamType.INTEGER, "Width", help="Even", default=832, minimum=64, maximum=2048
        ),
        ParamSpec(
            "height",
            ParamType.INTEGER,
            "Height",
            help="Even",
            default=480,
            minimum=64,
            maximum=2048,
        ),
        ParamSpec("duration", ParamType.NUMBER, "Duration (s)", default=5, minimum=0.1, maximum=60),
        ParamSpec("fps", ParamType.INTEGER, "Frames per second", default=16, minimum=1, maximum=60),
        ParamSpec(
            "frames",
            ParamType.INTEGER,
            "Frames",
            help="When set, wins over duration x fps (Wan models like 4k+1: 33, 81 ...)",
            minimum=1,
            maximum=MAX_FRAMES,
        ),
        ParamSpec("steps", ParamType.INTEGER, "Steps", default=20, minimum=1, maximum=150),
    ]


OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        OperationType.TEXT_TO_VIDEO,
        "Text to video",
        _params(),
        help="Runs a text-to-video workflow (shipped: Wan 2.1 1.3B) on your ComfyUI server.",
    ),
    OperationSpec(
        OperationType.IMAGE_TO_VIDEO,
        "Image to video",
        _params(),
        inputs=(InputSpec("source_image", "image", "Start image"),),
        help="Runs an image-to-video workflow (shipped: Wan 2.1 I2V 480p) on your server.",
    ),
)


def validate(op: OperationType | str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's checks plus even sizes and a frame count >= 1; raises ValidationFailed."""
    spec = next((s for s in OPERATIONS if s.type == op), None)
    if spec is None:
        raise ValidationFailed(
            f"ComfyUI does not offer {op}", fields={"operation": "not offered by ComfyUI"}
        )
    clean = validate_params(spec, params)
    errors: dict[str, str] = {}
    for name in ("width", "height"):
        if clean[name] % 2:
            errors[f"params.{name}"] = "must be even (H.264 cannot encode odd sizes)"
    if frame_count(clean) > MAX_FRAMES:
        errors["params.duration"] = f"duration x fps gives more than {MAX_FRAMES} frames"
    if errors:
        raise ValidationFailed("invalid parameters", fields=errors)
    return clean


def frame_count(params: Mapping[str, Any]) -> int:
    if params.get("frames"):
        return int(params["frames"])
    return max(1, round(float(params["duration"]) * int(params["fps"])))


def workflow_values(params: Mapping[str, Any], input_image: str | None) -> dict[str, Any]:
    """The value of every placeholder for validated `params` (a missing seed is drawn here)."""
    seed = params.get("seed")
    values: dict[str, Any] = {
        "prompt": params["prompt"],
        "negative_prompt": params.get("negative_prompt", ""),
        "seed": secrets.randbelow(MAX_SEED + 1) if seed is None else seed,
        "width": params["width"],
        "height": params["height"],
        "frames": frame_count(params),
        "fps": params["fps"],
        "steps": params["steps"],
    }
    if input_image is not None:
        values["input_image"] = input_image
    return values
