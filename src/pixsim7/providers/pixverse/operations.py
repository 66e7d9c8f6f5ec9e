"""Pixverse operations: parameter specs, the rules that span fields, and pricing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import InputSpec, OperationSpec, OperationType, ParamSpec, ParamType
from pixsim7.providers.specs import validate_input_counts, validate_params

MODELS = ("v4.5", "v5", "v5.5", "v6")
QUALITIES = ("360p", "540p", "720p", "1080p")
DURATIONS = (5, 8)
ASPECT_RATIOS = ("16:9", "4:3", "1:1", "3:4", "9:16")
MAX_PROMPT = 2048
MAX_SEED = 2_147_483_647
MAX_TRANSITION_IMAGES = 7

# Credits per second of video, by pool (PROVIDERS.md; the openapi table is v5's).
CREDITS_PER_SECOND: dict[str, dict[str, int]] = {
    "web": {"360p": 4, "540p": 6, "720p": 8, "1080p": 16},
    "openapi": {"360p": 9, "540p": 9, "720p": 12, "1080p": 24},
}

_PROMPT = ParamSpec("prompt", ParamType.TEXT, "Prompt", required=True, max_length=MAX_PROMPT)
_NEGATIVE = ParamSpec("negative_prompt", ParamType.TEXT, "Negative prompt", max_length=MAX_PROMPT)
_MODEL = ParamSpec("model", ParamType.ENUM, "Model", default="v5", choices=MODELS)
_QUALITY = ParamSpec(
    "quality",
    ParamType.ENUM,
    "Quality",
    default="540p",
    choices=QUALITIES,
    help="1080p allows 5 s only",
)
_DURATION = ParamSpec(
    "duration",
    ParamType.ENUM,
    "Duration (s)",
    default=5,
    choices=DURATIONS,
    help="1080p: 5 s only",
)
_MOTION = ParamSpec(
    "motion_mode",
    ParamType.ENUM,
    "Motion",
    default="normal",
    choices=("normal", "fast"),
    help="fast: 5 s only, not 1080p",
)
_ASPECT = ParamSpec(
    "aspect_ratio", ParamType.ENUM, "Aspect ratio", default="16:9", choices=ASPECT_RATIOS
)
_SEED = ParamSpec("seed", ParamType.INTEGER, "Seed", minimum=0, maximum=MAX_SEED)

OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        OperationType.TEXT_TO_VIDEO,
        "Text to video",
        (_PROMPT, _MODEL, _QUALITY, _DURATION, _ASPECT, _MOTION, _NEGATIVE, _SEED),
    ),
    OperationSpec(
        OperationType.IMAGE_TO_VIDEO,
        "Image to video",
        (_PROMPT, _MODEL, _QUALITY, _DURATION, _MOTION, _NEGATIVE, _SEED),
        (InputSpec("source_image", "image", "Image"),),
    ),
    OperationSpec(
        OperationType.VIDEO_EXTEND,
        "Extend video",
        (_PROMPT, _MODEL, _QUALITY, _DURATION, _NEGATIVE, _SEED),
        (InputSpec("source_video", "video", "Video to continue"),),
    ),
    OperationSpec(
        OperationType.VIDEO_TRANSITION,
        "Transition",
        (
            ParamSpec(
                "prompts",
                ParamType.STRING_LIST,
                "Prompts",
                required=True,
                max_length=MAX_TRANSITION_IMAGES - 1,
                help="one per segment: one fewer than images",
            ),
            ParamSpec(
                "durations",
                ParamType.NUMBER_LIST,
                "Durations (s)",
                max_length=MAX_TRANSITION_IMAGES - 1,
                minimum=1,
                maximum=8,
                help="one per segment; default 5 s each",
            ),
            _MODEL,
            _QUALITY,
            _SEED,
        ),
        (InputSpec("images", "image", "Key frames", min_count=2, max_count=MAX_TRANSITION_IMAGES),),
        help="The platform API takes two frames; the web API up to seven.",
    ),
    OperationSpec(
        OperationType.FUSION,
        "Fusion",
        (
            ParamSpec(
                "prompt",
                ParamType.TEXT,
                "Prompt",
                required=True,
                max_length=MAX_PROMPT,
                help="name inputs as @subject1, @subject2, @background",
            ),
            _MODEL,
            _QUALITY,
            _DURATION,
            _ASPECT,
            _SEED,
        ),
        (
            InputSpec("subject", "image", "Subjects", max_count=3),
            InputSpec("background", "image", "Background", required=False),
        ),
    ),
)


def operation(op: OperationType | str) -> OperationSpec | None:
    return next((s for s in OPERATIONS if s.type == op), None)


def check_params(
    op: OperationType | str,
    params: Mapping[str, Any],
    input_counts: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Validate `params` (and input counts when given) including the cross-field rules;
    return them with defaults filled in. Raises ValidationFailed naming each bad field."""
    spec = operation(op)
    if spec is None:
        raise ValidationFailed("unsupported operation", fields={"operation": f"{op} unsupported"})
    if input_counts is not None:
        validate_input_counts(spec, input_counts)
    clean = validate_params(spec, params)
    errors: dict[str, str] = {}
    hd = clean.get("quality") == "1080p"
    if hd and clean.get("duration", 5) != 5:
        errors["params.duration"] = "1080p allows 5 s only"
    if clean.get("motion_mode") == "fast":
        if clean.get("duration", 5) != 5:
            errors["params.motion_mode"] = "fast motion allows 5 s only"
        elif hd:
            errors["params.motion_mode"] = "fast motion is not available at 1080p"
    if spec.type == OperationType.VIDEO_TRANSITION:
        errors.update(_transition_errors(clean, (input_counts or {}).get("images")))
    if errors:
        raise ValidationFailed("invalid parameters", fields=errors)
    return clean


def _transition_errors(clean: dict[str, Any], images: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    prompts = clean["prompts"]
    if any(len(p) > MAX_PROMPT for p in prompts):
        errors["params.prompts"] = f"each prompt at most {MAX_PROMPT} characters"
    segments = len(prompts) if images is None else images - 1
    if len(prompts) != segments or not prompts:
        errors["params.prompts"] = f"needs {segments} prompt(s): one fewer than images"
    durations = clean.get("durations")
    if durations is not None and len(durations) != segments:
        errors["params.durations"] = f"needs {segments} duration(s): one fewer than images"
    if clean.get("quality") == "1080p" and any(d > 5 for d in durations or ()):
        errors["params.durations"] = "1080p allows 5 s per segment only"
    return errors


def seconds_of(op: OperationType | str, params: Mapping[str, Any]) -> float:
    """Seconds of video the job produces (what Pixverse charges for)."""
    if op == OperationType.VIDEO_TRANSITION:
        durations = params.get("durations") or [5] * len(params.get("prompts") or [""])
        return float(sum(durations))
    return float(params.get("duration", 5))


def cost(op: OperationType | str, params: Mapping[str, Any], pool: str) -> float:
    rates = CREDITS_PER_SECOND[pool]
    return rates[str(params.get("quality", "540p"))] * seconds_of(op, params)
