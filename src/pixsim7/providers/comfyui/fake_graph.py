"""How the fake ComfyUI judges a workflow graph: at /prompt (validation, 400 with
``node_errors``) and while running (a node that fails), as a real 0.3.x server does.

Only the node classes the shipped templates and common video workflows use are
known; any other class is "does not exist", as on a server without that custom node.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pixsim7.providers.fakekit import markers

# Video save nodes and the output key each lists its file under.
VIDEO_SAVERS = {
    "SaveVideo": "images",
    "SaveWEBM": "images",
    "SaveAnimatedWEBP": "images",
    "VHS_VideoCombine": "gifs",
}
IMAGE_SAVERS = frozenset({"SaveImage", "PreviewImage"})
KNOWN_CLASSES = frozenset(
    {
        *VIDEO_SAVERS,
        *IMAGE_SAVERS,
        "CheckpointLoaderSimple",
        "UNETLoader",
        "CLIPLoader",
        "VAELoader",
        "CLIPVisionLoader",
        "CLIPVisionEncode",
        "CLIPTextEncode",
        "LoadImage",
        "ModelSamplingSD3",
        "EmptyLatentImage",
        "EmptyHunyuanLatentVideo",
        "WanImageToVideo",
        "KSampler",
        "KSamplerAdvanced",
        "VAEDecode",
        "CreateVideo",
    }
)
_INT_INPUTS = frozenset({"width", "height", "length", "batch_size", "seed", "steps"})
_FRAME_INPUTS = ("length", "frames", "num_frames", "video_frames")
_FPS_INPUTS = ("fps", "frame_rate")


def output_nodes(graph: dict[str, Any]) -> list[str]:
    return [
        node_id
        for node_id, node in graph.items()
        if node["class_type"] in VIDEO_SAVERS or node["class_type"] in IMAGE_SAVERS
    ]


def validate(graph: Any, uploads: Collection[str]) -> dict[str, Any] | None:
    """None when the graph may be queued, else the 400 body a real server answers."""
    if not isinstance(graph, dict):
        return _fail("invalid_prompt", "Prompt is not a JSON object of nodes", "")
    for node_id, node in graph.items():
        if not isinstance(node, dict) or "class_type" not in node:
            return _fail(
                "invalid_prompt",
                "Cannot execute because a node is missing the class_type property.",
                f"Node ID '#{node_id}'",
            )
        if node["class_type"] not in KNOWN_CLASSES:
            return _fail(
                "invalid_prompt",
                f"Cannot execute because node {node['class_type']} does not exist.",
                f"Node ID '#{node_id}'",
            )
    outputs = output_nodes(graph)
    if not outputs:
        return _fail("prompt_no_outputs", "Prompt has no outputs", "")
    node_errors: dict[str, Any] = {}
    for node_id, node in graph.items():
        errors = _input_errors(graph, node, uploads)
        if errors:
            node_errors[node_id] = {
                "errors": errors,
                "dependent_outputs": outputs,
                "class_type": node["class_type"],
            }
    if node_errors:
        body = _fail("prompt_outputs_failed_validation", "Prompt outputs failed validation", "")
        body["node_errors"] = node_errors
        return body
    return None


def runtime_failure(graph: dict[str, Any], node_id: str) -> tuple[str, str] | None:
    """The (exception_type, message) node `node_id` fails with when it runs, if any."""
    node = graph[node_id]
    if node["class_type"] in VIDEO_SAVERS:
        width, height, _, _ = video_shape(graph)
        for name, value in (("width", width), ("height", height)):
            if value % 2:  # libx264 refuses odd sizes; ComfyUI only finds out here
                return "ValueError", f"{name} not divisible by 2 ({width}x{height})"
    # An "[end:failed]" marker fails the sampler (ComfyUI has no moderation: filtered too).
    if "seed" in node.get("inputs", {}) and markers(run_text(graph)).get("end"):
        return "torch.OutOfMemoryError", "Allocation on device"
    return None


def video_shape(graph: dict[str, Any]) -> tuple[int, int, int, float]:
    """(width, height, frames, fps) the graph renders, read from its latent and save nodes."""
    width, height, frames, fps = 512, 512, 16, 16.0
    for node in graph.values():
        inputs = node.get("inputs", {})
        if isinstance(inputs.get("width"), int) and isinstance(inputs.get("height"), int):
            width, height = inputs["width"], inputs["height"]
            frames = next((inputs[k] for k in _FRAME_INPUTS if isinstance(inputs.get(k), int)), 16)
            break
    for node in graph.values():
        inputs = node.get("inputs", {})
        found = [inputs[k] for k in _FPS_INPUTS if isinstance(inputs.get(k), int | float)]
        if found:
            fps = float(found[0])
            break
    return width, height, frames, fps


def run_text(graph: dict[str, Any]) -> str:
    """All string inputs of the graph: where a prompt's control markers are found."""
    return " ".join(
        value
        for node in graph.values()
        for value in (node.get("inputs") or {}).values()
        if isinstance(value, str)
    )


def _input_errors(
    graph: dict[str, Any], node: dict[str, Any], uploads: Collection[str]
) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for name, value in (node.get("inputs") or {}).items():
        if isinstance(value, list) and len(value) == 2:
            if str(value[0]) not in graph:
                errors.append(_error("exception_during_validation", "Bad linked input", name))
        elif name in _INT_INPUTS and not isinstance(value, int):
            errors.append(
                _error(
                    "invalid_input_type",
                    "Failed to convert an input value to a INT value",
                    f"{name}, {value}, invalid literal for int() with base 10: '{value}'",
                    name,
                )
            )
    if node["class_type"] == "LoadImage":
        image = (node.get("inputs") or {}).get("image")
        if image not in uploads:
            errors.append(
                _error(
                    "value_not_in_list",
                    "Value not in list",
                    f"image: '{image}' not in (list of length {len(uploads)})",
                    "image",
                )
            )
    return errors


def _error(kind: str, message: str, details: str, input_name: str | None = None) -> dict:
    extra = {"input_name": input_name} if input_name else {}
    return {"type": kind, "message": message, "details": details, "extra_info": extra}


def _fail(kind: str, message: str, details: str) -> dict[str, Any]:
    return {"error": _error(kind, message, details), "node_errors": {}}
