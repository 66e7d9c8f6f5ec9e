"""The scene format `pixsim7.scene/1` as Pydantic models: what a save, an import and an export
carry (docs/scenes.md §1).

Everything here is bounded (ids, names, string lengths, list sizes), so a parsed document is
at most a few megabytes of Python objects whatever the request held. Only the *shape* is
checked here; how the parts fit together (edges to real nodes, reachability, flag types)
is `validate.py`'s job.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from pixsim7 import fields

FORMAT = "pixsim7.scene/1"
MAX_NODES = 5_000
MAX_EDGES = 20_000
MAX_FLAGS = 200
MAX_BUNDLE_SCENES = 50
MAX_INT = 2**53 - 1

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")]
FlagName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
Label = Annotated[fields.Text, StringConstraints(max_length=200)]
Tag = Annotated[fields.Text, StringConstraints(min_length=1, max_length=64)]
Int = Annotated[StrictInt, Field(ge=-MAX_INT, le=MAX_INT)]
Text = Annotated[fields.Text, StringConstraints(max_length=500)]
Scalar = StrictBool | Int | Text
Value = Scalar | Annotated[list[Scalar], Field(max_length=100)] | None
Seconds = Annotated[float, Field(ge=0, le=86_400, allow_inf_nan=False)]

ConditionOp = Literal["eq", "neq", "gt", "lt", "gte", "lte", "includes"]
EffectOp = Literal["set", "inc", "dec", "push", "toggle"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Position(Model):
    x: float = Field(allow_inf_nan=False)
    y: float = Field(allow_inf_nan=False)


def _check_range(start: float | None, end: float | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValueError("end must be after start")


class Media(Model):
    asset_id: int | None = Field(default=None, ge=1, le=fields.INT64_MAX)
    missing: bool = False  # the asset was deleted with force: never played
    start: Seconds | None = None
    end: Seconds | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _range(self) -> Media:
        _check_range(self.start, self.end)
        return self


class Ordered(Model):
    mode: Literal["ordered"]


class Random(Model):
    mode: Literal["random"]


class Pool(Model):
    mode: Literal["pool"]
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    count: int = Field(default=1, ge=1, le=50)


Selection = Annotated[Ordered | Random | Pool, Field(discriminator="mode")]


class ReflexConfig(Model):
    rounds: int = Field(ge=1, le=20)
    min_delay_ms: int = Field(ge=0, le=10_000)
    max_delay_ms: int = Field(ge=0, le=10_000)
    window_ms: int = Field(ge=50, le=5_000)
    success_ratio: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _delays(self) -> ReflexConfig:
        if self.max_delay_ms < self.min_delay_ms:
            raise ValueError("max_delay_ms must be at least min_delay_ms")
        return self


class MemoryConfig(Model):
    length: int = Field(ge=1, le=20)
    symbols: list[Annotated[fields.Text, StringConstraints(min_length=1, max_length=32)]] = Field(
        min_length=2, max_length=8
    )
    show_ms: int = Field(ge=100, le=5_000)


GAME_CONFIGS: dict[str, type[Model]] = {"reflex": ReflexConfig, "memory": MemoryConfig}


class Game(Model):
    """A mini-game: its kind and the config of that kind."""

    game: Literal["reflex", "memory"]
    config: ReflexConfig | MemoryConfig

    @model_validator(mode="after")
    def _matching(self) -> Game:
        if not isinstance(self.config, GAME_CONFIGS[self.game]):
            raise ValueError(f"config is not a {self.game} config")
        return self


class Step(Model):
    label: Annotated[fields.Text, StringConstraints(min_length=1, max_length=200)]
    start: Seconds
    end: Seconds
    gate: Game | None = None

    @model_validator(mode="after")
    def _range(self) -> Step:
        _check_range(self.start, self.end)
        return self


class Normal(Model):
    mode: Literal["normal"]


class Loop(Model):
    mode: Literal["loop"]
    start: Seconds | None = None
    end: Seconds | None = None

    @model_validator(mode="after")
    def _range(self) -> Loop:
        _check_range(self.start, self.end)
        return self


class Progression(Model):
    mode: Literal["progression"]
    steps: list[Step] = Field(min_length=1, max_length=50)


Playback = Annotated[Normal | Loop | Progression, Field(discriminator="mode")]


class FlagExpr(Model):
    flag: FlagName


class ValueExpr(Model):
    value: Value


Expr = FlagExpr | ValueExpr
Exprs = Annotated[dict[FlagName, Expr], Field(max_length=50)]


class _Node(Model):
    id: Id
    label: Label | None = None
    position: Position | None = None


class VideoNode(_Node):
    type: Literal["video"]
    media: list[Media] = Field(default_factory=list, max_length=50)
    selection: Selection = Field(default_factory=lambda: Ordered(mode="ordered"))
    playback: Playback = Field(default_factory=lambda: Normal(mode="normal"))


class Timeout(Model):
    seconds: float = Field(gt=0, le=3600, allow_inf_nan=False)


class ChoiceNode(_Node):
    type: Literal["choice"]
    prompt: Text | None = None
    timeout: Timeout | None = None


class ConditionNode(_Node):
    type: Literal["condition"]
    flag: FlagName
    op: ConditionOp
    value: Value = None


class MiniGameNode(Game, _Node):
    type: Literal["mini_game"]
    score_flag: FlagName | None = None


class EndNode(_Node):
    type: Literal["end"]
    outcome: Literal["success", "failure", "neutral"] = "neutral"
    message: Annotated[fields.Text, StringConstraints(max_length=2_000)] | None = None


class SceneCallNode(_Node):
    type: Literal["scene_call"]
    scene: int | None = Field(default=None, ge=1, le=fields.INT64_MAX)
    missing: bool = False  # the called scene was deleted with force
    bindings: Exprs = Field(default_factory=dict)
    returns: Annotated[dict[FlagName, FlagName], Field(max_length=50)] = Field(default_factory=dict)


class ReturnNode(_Node):
    type: Literal["return"]
    port: Id | None = None
    values: Exprs = Field(default_factory=dict)


Node = Annotated[
    VideoNode | ChoiceNode | ConditionNode | MiniGameNode | EndNode | SceneCallNode | ReturnNode,
    Field(discriminator="type"),
]


class Condition(Model):
    flag: FlagName
    op: ConditionOp
    value: Value = None


class Effect(Model):
    flag: FlagName
    op: EffectOp
    value: Value = None

    @model_validator(mode="after")
    def _value_fits(self) -> Effect:
        given = "value" in self.model_fields_set
        if self.op in ("set", "push") and not given:
            raise ValueError(f"{self.op} needs a value")
        if self.op == "push" and isinstance(self.value, list):
            raise ValueError("push takes one item, not a list")
        # null stands for "no value" (the normalized form writes it for inc, dec, toggle).
        if self.op in ("inc", "dec") and self.value is not None and not _is_int(self.value):
            raise ValueError(f"{self.op} takes an integer")
        if self.op == "toggle" and self.value is not None:
            raise ValueError("toggle takes no value")
        return self


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Edge(Model):
    id: Id
    from_: Id = Field(alias="from")
    to: Id
    port: Id | None = None
    label: Label | None = None
    conditions: list[Condition] = Field(default_factory=list, max_length=20)
    effects: list[Effect] = Field(default_factory=list, max_length=20)
    is_default: bool = False


class Graph(Model):
    """A scene's playable part: what the engine and the validator read."""

    start: Id | None = None
    flags: Annotated[dict[FlagName, Value], Field(max_length=MAX_FLAGS)] = Field(
        default_factory=dict
    )
    nodes: list[Node] = Field(default_factory=list, max_length=MAX_NODES)
    edges: list[Edge] = Field(default_factory=list, max_length=MAX_EDGES)


class BundleScene(Graph):
    id: int = Field(ge=1, le=fields.INT64_MAX)
    title: Annotated[fields.Text, StringConstraints(min_length=1, max_length=200)]
    description: Annotated[fields.Text, StringConstraints(max_length=5_000)] | None = None


class BundleAsset(Model):
    media_type: fields.Text = Field(max_length=16)
    mime_type: fields.Text = Field(max_length=64)
    duration: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    width: int | None = Field(default=None, ge=0, le=fields.INT32_MAX)
    height: int | None = Field(default=None, ge=0, le=fields.INT32_MAX)
    src: fields.Text = Field(max_length=500)
    poster: fields.Text | None = Field(default=None, max_length=500)


class Bundle(Model):
    format: Literal["pixsim7.scene/1"]
    root: int = Field(ge=1, le=fields.INT64_MAX)
    scenes: list[BundleScene] = Field(min_length=1, max_length=MAX_BUNDLE_SCENES)
    assets: Annotated[dict[str, BundleAsset], Field(max_length=10_000)] = Field(
        default_factory=dict
    )


def dump(model: BaseModel) -> Any:
    """The JSON form: aliases (`from`), every default filled in."""
    return model.model_dump(mode="json", by_alias=True)
