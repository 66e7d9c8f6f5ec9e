"""What Runway can make: its models, the operation specs drawn from them, and the
rules that depend on the chosen model (which a flat spec cannot express).

Model limits follow Runway's API reference (ratios, durations, which models take a
text-only prompt or a last frame). Credit rates are Runway's published credits per
second of output; veo3.1 and veo3.1_fast are charged at their with-audio rate
because audio is on unless the request turns it off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import InputSpec, OperationSpec, OperationType, ParamSpec, ParamType
from pixsim7.providers.specs import validate_params

POOL = "credits"
DEFAULT_MODEL = "gen4_turbo"
MAX_PROMPT = 1000  # UTF-16 code units per the API; characters are close enough for a form
MAX_SEED = 4_294_967_295

_GEN4_RATIOS = ("1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672")
_VEO_RATIOS = ("1280:720", "720:1280", "1920:1080", "1080:1920")


@dataclass(frozen=True)
class RunwayModel:
    name: str
    credits_per_second: float
    i2v_ratios: Sequence[str]
    durations: Sequence[int]
    t2v_ratios: Sequence[str] = ()  # empty: no text-only generation
    last_frame: bool = False  # accepts promptImage position "last" (transitions)
    needs_prompt: bool = False
    takes_seed_without_image: bool = True


MODELS: dict[str, RunwayModel] = {
    m.name: m
    for m in (
        RunwayModel("gen4_turbo", 5, _GEN4_RATIOS, (5, 10)),
        RunwayModel(
            "gen4.5",
            12,
            _GEN4_RATIOS,
            tuple(range(2, 11)),
            t2v_ratios=("1280:720", "720:1280"),
            needs_prompt=True,
        ),
        RunwayModel(
            "veo3.1",
            40,
            _VEO_RATIOS,
            (4, 6, 8),
            t2v_ratios=_VEO_RATIOS,
            last_frame=True,
            takes_seed_without_image=False,
        ),
        RunwayModel(
            "veo3.1_fast",
            15,
            _VEO_RATIOS,
            (4, 6, 8),
            t2v_ratios=_VEO_RATIOS,
            last_frame=True,
            takes_seed_without_image=False,
        ),
    )
}

_ALL_RATIOS = tuple(dict.fromkeys((*_GEN4_RATIOS, *_VEO_RATIOS)))


def _params(models: Sequence[str], default_model: str, default_duration: int) -> list[ParamSpec]:
    return [
        ParamSpec(
            "model",
            ParamType.ENUM,
            "Model",
            help=", ".join(f"{m}: {MODELS[m].credits_per_second:g} credits/s" for m in models),
            default=default_model,
            choices=models,
        ),
        ParamSpec("prompt", ParamType.TEXT, "Prompt", max_length=MAX_PROMPT),
        ParamSpec(
            "ratio",
            ParamType.ENUM,
            "Resolution",
            help="gen4 models: 1280:720, 720:1280, 1104:832, 832:1104, 960:960, 1584:672; "
            "veo models: 1280:720, 720:1280, 1920:1080, 1080:1920",
            default="1280:720",
            choices=_ALL_RATIOS,
        ),
        ParamSpec(
            "duration",
            ParamType.INTEGER,
            "Duration (s)",
            help="gen4_turbo: 5 or 10; gen4.5: 2 to 10; veo models: 4, 6 or 8",
            default=default_duration,
            minimum=2,
            maximum=10,
        ),
        ParamSpec("seed", ParamType.INTEGER, "Seed", minimum=0, maximum=MAX_SEED),
    ]


_T2V_MODELS = tuple(m for m in MODELS.values() if m.t2v_ratios)
_TRANSITION_MODELS = tuple(m for m in MODELS.values() if m.last_frame)

OPERATIONS: tuple[OperationSpec, ...] = (
    OperationSpec(
        OperationType.IMAGE_TO_VIDEO,
        "Image to video",
        _params(tuple(MODELS), DEFAULT_MODEL, 5),
        inputs=(InputSpec("source_image", "image", "First frame"),),
        help="Animates one image. Images go inline as data URIs (up to 5 MB).",
    ),
    OperationSpec(
        OperationType.TEXT_TO_VIDEO,
        "Text to video",
        _params(tuple(m.name for m in _T2V_MODELS), "gen4.5", 5),
        help="Only " + ", ".join(m.name for m in _T2V_MODELS) + " generate from text alone; "
        "gen4_turbo needs an image.",
    ),
    OperationSpec(
        OperationType.VIDEO_TRANSITION,
        "First and last frame",
        _params(tuple(m.name for m in _TRANSITION_MODELS), "veo3.1_fast", 8),
        inputs=(
            InputSpec(
                "images", "image", "First and last frame", min_count=2, max_count=2, help="In order"
            ),
        ),
        help="Only " + ", ".join(m.name for m in _TRANSITION_MODELS) + " take a last frame.",
    ),
)


def validate(op: OperationType, params: Mapping[str, Any]) -> dict[str, Any]:
    """The spec's checks plus the per-model rules; raises ValidationFailed naming fields."""
    spec = next((s for s in OPERATIONS if s.type == op), None)
    if spec is None:
        raise ValidationFailed(
            f"Runway does not offer {op}", fields={"operation": "not offered by Runway"}
        )
    clean = validate_params(spec, params)
    model = MODELS[clean["model"]]
    errors: dict[str, str] = {}
    ratios = model.t2v_ratios if op == OperationType.TEXT_TO_VIDEO else model.i2v_ratios
    if clean["ratio"] not in ratios:
        errors["params.ratio"] = f"{model.name} takes " + ", ".join(ratios)
    if clean["duration"] not in model.durations:
        errors["params.duration"] = f"{model.name} takes " + ", ".join(map(str, model.durations))
    if (model.needs_prompt or op == OperationType.TEXT_TO_VIDEO) and not clean.get("prompt"):
        errors["params.prompt"] = f"required for {model.name}"
    if op == OperationType.TEXT_TO_VIDEO and "seed" in clean and not model.takes_seed_without_image:
        errors["params.seed"] = f"{model.name} takes no seed without an image"
    if errors:
        raise ValidationFailed("invalid parameters", fields=errors)
    return clean


def estimate_cost(op: OperationType, params: Mapping[str, Any]) -> float:
    """Credits: the model's per-second rate times the duration (defaults as the form has)."""
    spec = next((s for s in OPERATIONS if s.type == op), OPERATIONS[0])
    defaults = {p.name: p.default for p in spec.params}
    model = MODELS.get(params.get("model") or defaults["model"], MODELS[DEFAULT_MODEL])
    return model.credits_per_second * float(params.get("duration") or defaults["duration"])
