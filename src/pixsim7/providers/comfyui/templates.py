"""ComfyUI workflow templates: API-format graphs with ``{{placeholder}}`` values.

A template is what ComfyUI's "Save (API)" exports: an object of node id ->
``{"class_type": str, "inputs": {...}}``, where an input is a literal or a link
``[node_id, output_index]``. We mark the values a job fills in with string
placeholders such as ``"{{prompt}}"`` or ``"{{seed}}"``. A value that is
exactly one placeholder is replaced by the typed value (a seed stays a number);
a placeholder inside a longer string (``"cinematic, {{prompt}}"``) is replaced
by its text.

Which template a job runs: ``SubmitRequest.extra["workflow"]`` when the user
chose one of their registered templates (validated again before use, since it
is user data), else the template shipped for the operation in ``workflows/``.
`validate_template` is the single check for both, and for the API that
registers user templates.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pixsim7.errors import ValidationFailed
from pixsim7.providers.base import OperationType

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

# What each placeholder receives (see adapter.workflow_values).
KNOWN: Mapping[str, str] = {
    "prompt": "the prompt text",
    "negative_prompt": "the negative prompt text",
    "seed": "the seed (integer)",
    "input_image": "the uploaded input image's name at the server",
    "width": "the output width in pixels",
    "height": "the output height in pixels",
    "frames": "the number of frames",
    "fps": "frames per second",
    "steps": "the number of sampling steps",
}

REQUIRED: Mapping[OperationType, frozenset[str]] = {
    OperationType.TEXT_TO_VIDEO: frozenset({"prompt", "seed"}),
    OperationType.IMAGE_TO_VIDEO: frozenset({"prompt", "seed", "input_image"}),
}

# Text to video has no input image to put anywhere.
_NOT_ALLOWED: Mapping[OperationType, frozenset[str]] = {
    OperationType.TEXT_TO_VIDEO: frozenset({"input_image"}),
    OperationType.IMAGE_TO_VIDEO: frozenset(),
}

_NOT_API_FORMAT = "must be an API-format workflow: an object of node id -> {class_type, inputs}"


def validate_template(
    operation: OperationType | str, workflow: Any, *, field: str = "workflow"
) -> None:
    """Raise ValidationFailed naming every problem; `field` prefixes the field keys."""
    op = _operation(operation)
    if not isinstance(workflow, dict) or not workflow:
        raise ValidationFailed("invalid workflow", fields={field: _NOT_API_FORMAT})
    if isinstance(workflow.get("nodes"), list) and "links" in workflow:
        raise ValidationFailed(
            "invalid workflow",
            fields={field: "this is a UI-format workflow; export it with 'Save (API)'"},
        )
    errors = _graph_errors(workflow, field)
    found = placeholders(workflow)
    for name in sorted(found - KNOWN.keys()):
        errors[f"{field}.placeholders.{name}"] = "unknown placeholder; known: " + ", ".join(
            sorted(KNOWN)
        )
    for name in sorted(found & _NOT_ALLOWED[op]):
        errors[f"{field}.placeholders.{name}"] = f"not available for {op.value}"
    for name in sorted(REQUIRED[op] - found):
        errors[f"{field}.placeholders.{name}"] = (
            f"missing: {op.value} needs a {{{{{name}}}}} value ({KNOWN[name]})"
        )
    if errors:
        raise ValidationFailed("invalid workflow", fields=errors)


def placeholders(workflow: Mapping[str, Any]) -> set[str]:
    """Names of all placeholders used anywhere in the graph's inputs."""
    names: set[str] = set()
    for node in workflow.values():
        inputs = node.get("inputs") if isinstance(node, dict) else None
        if isinstance(inputs, dict):
            for value in inputs.values():
                if isinstance(value, str):
                    names.update(PLACEHOLDER.findall(value))
    return names


def render_template(workflow: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `workflow` with placeholders filled; a missing value is a KeyError."""
    rendered = copy.deepcopy(dict(workflow))
    for node in rendered.values():
        inputs = node["inputs"]
        for name, value in inputs.items():
            if isinstance(value, str):
                inputs[name] = _fill(value, values)
    return rendered


def shipped_template(operation: OperationType | str) -> dict[str, Any]:
    """The template shipped for `operation` (a fresh copy)."""
    return json.loads(_shipped_text(_operation(operation).value))


def choose_template(operation: OperationType | str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The user's template from `extra["workflow"]` (validated) or the shipped one."""
    workflow = extra.get("workflow")
    if workflow is None:
        return shipped_template(operation)
    validate_template(operation, workflow)
    return workflow


def _fill(value: str, values: Mapping[str, Any]) -> Any:
    whole = PLACEHOLDER.fullmatch(value.strip())
    if whole:
        return values[whole.group(1)]
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]), value)


def _graph_errors(workflow: Mapping[str, Any], field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for node_id, node in workflow.items():
        key = f"{field}.{node_id}"
        if not isinstance(node, dict):
            errors[key] = "a node must be an object with class_type and inputs"
            continue
        if not isinstance(node.get("class_type"), str) or not node["class_type"]:
            errors[key] = "missing class_type"
            continue
        inputs = node.get("inputs")
        if not isinstance(inputs, dict):
            errors[key] = "missing inputs object"
            continue
        for name, value in inputs.items():
            # A two-item list [node_id, output_index] is a link to another node's output.
            is_link = isinstance(value, list) and len(value) == 2 and isinstance(value[1], int)
            if is_link and str(value[0]) not in workflow:
                errors[f"{key}.inputs.{name}"] = f"links to missing node {value[0]}"
    return errors


def _operation(operation: OperationType | str) -> OperationType:
    # StrEnum members hash and compare as their value, so a plain string is found too.
    if operation in REQUIRED:
        return OperationType(operation)
    raise ValidationFailed(
        "unsupported operation",
        fields={"operation": "ComfyUI templates exist for " + ", ".join(REQUIRED)},
    )


@functools.cache
def _shipped_text(operation: str) -> str:
    return resources.files(__package__).joinpath("workflows", f"{operation}.json").read_text()
