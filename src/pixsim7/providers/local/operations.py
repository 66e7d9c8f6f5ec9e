"""Local operations: parameter specs, output sizes, and the arguments a render job takes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.media import even_size
from pixsim7.providers.base import (
    ErrorClass,
    InputSpec,
    OperationSpec,
    OperationType,
    ParamSpec,
    ParamType,
    PreparedInput,
    ProviderError,
)
from pixsim7.providers.specs import validate_input_counts, validate_params

ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4")
RESOLUTIONS = {"360p": 360, "480p": 480, "720p": 720, "1080p": 1080}  # short side
MAX_DURATION = 20.0
MAX_SEED = 2_147_483_647

_DURATION = ParamSpec(
    "duration", ParamType.NUMBER, "Duration (s)", default=5, minimum=1, maximum=MAX_DURATION
)
_ASPECT = ParamSpec(
    "aspect_ratio", ParamType.ENUM, "Aspect ratio", default="16:9", choices=ASPECT_RATIOS
)
_RESOLUTION = ParamSpec(
    "resolution", ParamType.ENUM, "Resolution", default="720p", choices=tuple(RESOLUTIONS)
)
_FPS = ParamSpec("fps", ParamType.INTEGER, "Frames per second", default=24, minimum=8, maximum=60)
_SEED = ParamSpec(
    "seed",
    ParamType.INTEGER,
    "Seed",
    default=0,
    minimum=0,
    maximum=MAX_SEED,
    help="Same seed, same motion",
)
_COMMON = (_DURATION, _ASPECT, _RESOLUTION, _FPS, _SEED)

OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        OperationType.TEXT_TO_VIDEO,
        "Text card",
        (
            ParamSpec("prompt", ParamType.TEXT, "Text", required=True, max_length=2048),
            *_COMMON,
        ),
        help="The prompt as an animated title card.",
    ),
    OperationSpec(
        OperationType.IMAGE_TO_VIDEO,
        "Pan and zoom",
        _COMMON,
        (InputSpec("source_image", "image", "Image"),),
        help="A slow pan and zoom over the image; the seed picks the direction.",
    ),
    OperationSpec(
        OperationType.VIDEO_EXTEND,
        "Extend video",
        # No aspect ratio: the continuation keeps the shape of the video it continues.
        (_DURATION, _RESOLUTION, _FPS, _SEED),
        (InputSpec("source_video", "video", "Video to continue"),),
        help="Continues from the video's last frame with a slow push in.",
    ),
    OperationSpec(
        OperationType.VIDEO_TRANSITION,
        "Cross-fade",
        (
            *_COMMON,
            ParamSpec(
                "durations",
                ParamType.NUMBER_LIST,
                "Segment durations (s)",
                help="One per fade (images - 1); their sum is the video's length. "
                "Default: the duration split equally.",
                minimum=0.25,
                maximum=MAX_DURATION,
                max_length=6,
            ),
        ),
        (InputSpec("images", "image", "Images", min_count=2, max_count=7),),
        help="Cross-fades from each image to the next.",
    ),
    OperationSpec(
        OperationType.FUSION,
        "Composite",
        _COMMON,
        (
            InputSpec("subject", "image", "Subject"),
            InputSpec("background", "image", "Background"),
        ),
        help="The subject, scaled and centred, floating over the background.",
    ),
)


def dimensions(aspect_ratio: str, resolution: str) -> tuple[int, int]:
    """Even output size: 720p 16:9 is 1280x720, 720p 9:16 is 720x1280."""
    w, h = (int(x) for x in aspect_ratio.split(":"))
    short = RESOLUTIONS[resolution]
    if w >= h:
        return even_size(short * w / h, short)
    return even_size(short, short * h / w)


def render_args(
    spec: OperationSpec,
    params: Mapping[str, Any],
    inputs: Mapping[str, Sequence[PreparedInput]],
    max_pixels: int,
) -> dict[str, Any]:
    """Check a request and turn it into `render.run_job` arguments (raise ProviderError)."""
    try:
        clean = validate_params(spec, params)
        validate_input_counts(spec, {role: len(items) for role, items in inputs.items()})
    except ValidationFailed as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        raise ProviderError(f"{exc.message}: {detail}", error_class=ErrorClass.INVALID) from exc
    args: dict[str, Any] = {
        "duration": float(clean["duration"]),
        "fps": clean["fps"],
        "seed": clean["seed"],
        "max_pixels": max_pixels,
    }
    if spec.type == OperationType.VIDEO_EXTEND:
        args["short_side"] = RESOLUTIONS[clean["resolution"]]
    else:
        args["width"], args["height"] = dimensions(clean["aspect_ratio"], clean["resolution"])
    paths = {role: [_path(item) for item in items] for role, items in inputs.items()}
    match spec.type:
        case OperationType.TEXT_TO_VIDEO:
            args["prompt"] = clean["prompt"]
        case OperationType.IMAGE_TO_VIDEO:
            args["image"] = paths["source_image"][0]
        case OperationType.VIDEO_EXTEND:
            args["video"] = paths["source_video"][0]
        case OperationType.VIDEO_TRANSITION:
            args["images"] = paths["images"]
            args["durations"] = _durations(clean, len(paths["images"]) - 1)
        case OperationType.FUSION:
            args["subject"] = paths["subject"][0]
            args["background"] = paths["background"][0]
    return args


def _durations(params: Mapping[str, Any], segments: int) -> list[float]:
    given = params.get("durations")
    if given is None:
        return [params["duration"] / segments] * segments
    if len(given) != segments:
        raise ProviderError(
            f"durations: needs {segments} values (one per fade), got {len(given)}",
            error_class=ErrorClass.INVALID,
        )
    if sum(given) > MAX_DURATION:
        raise ProviderError(
            f"durations: total {sum(given):g} s is over {MAX_DURATION:g} s",
            error_class=ErrorClass.INVALID,
        )
    return [float(d) for d in given]


def _path(item: PreparedInput) -> str:
    if item.path is None:
        raise ProviderError(
            f"input '{item.role}' has no local file", error_class=ErrorClass.INVALID
        )
    return str(item.path)
