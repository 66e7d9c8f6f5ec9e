"""Render entry points: plain functions of simple arguments, so a process pool can run them.

`render_text_card` is also what other providers' fake servers call for sample videos.
`run_job` is what the `local` adapter hands to its pool: it reports progress and notices a
cancel through two small files next to the output, which work across processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from pixsim7.media import DEFAULT_MAX_PIXELS, VideoWriter, even_size, last_frame, open_image
from pixsim7.providers.local.motion import (
    extend_frames,
    fusion_frames,
    ken_burns_frames,
    transition_frames,
)
from pixsim7.providers.local.textcard import text_card_frames


class RenderCancelled(Exception):
    """The render was asked to stop; its output was discarded."""


def frame_count(duration_s: float, fps: int) -> int:
    return max(1, round(duration_s * fps))


def render_text_card(
    dest: Path, prompt: str, width: int, height: int, duration_s: float, fps: int, seed: int = 0
) -> Path:
    """An animated card of `prompt`: H.264 MP4 of exactly round(duration_s * fps) frames."""
    n = frame_count(duration_s, fps)
    encode(text_card_frames(prompt, width, height, n, fps, seed), dest, width, height, fps)
    return Path(dest)


def run_job(operation: str, dest: str, args: dict[str, Any], control: str) -> int:
    """Render one job to `dest`; returns the number of frames written.

    Progress goes to `<control>.progress`; the job stops if `<control>.cancel` appears.
    """
    frames, width, height, n = draw_frames(operation, args)
    fps = int(args["fps"])
    progress, cancel = Path(control + ".progress"), Path(control + ".cancel")
    every = max(1, n // 50)

    def tick(done: int) -> None:
        if done % every:
            return
        if cancel.exists():
            raise RenderCancelled(operation)
        tmp = progress.with_name(progress.name + ".tmp")
        tmp.write_text(f"{done / n:.3f}")
        os.replace(tmp, progress)

    if cancel.exists():
        raise RenderCancelled(operation)
    return encode(frames, dest, width, height, fps, tick)


def read_progress(control: str) -> float | None:
    try:
        return float(Path(control + ".progress").read_text())
    except (OSError, ValueError):
        return None


def draw_frames(op: str, args: dict[str, Any]) -> tuple[Iterator[np.ndarray], int, int, int]:
    """The frames an operation draws (lazily), with the output width, height and count."""
    fps, seed = int(args["fps"]), int(args["seed"])
    n = frame_count(float(args["duration"]), fps)
    limit = int(args.get("max_pixels", DEFAULT_MAX_PIXELS))
    if op == "video_extend":
        last = Image.fromarray(last_frame(args["video"]))
        width, height = _shape_of(last, int(args["short_side"]))
        return extend_frames(last, width, height, n, seed), width, height, n
    width, height = int(args["width"]), int(args["height"])
    if op == "text_to_video":
        frames = text_card_frames(args["prompt"], width, height, n, fps, seed)
    elif op == "image_to_video":
        frames = ken_burns_frames(
            open_image(args["image"], max_pixels=limit), width, height, n, seed
        )
    elif op == "video_transition":
        images = [open_image(p, max_pixels=limit) for p in args["images"]]
        durations = [float(d) for d in args["durations"]]
        n = frame_count(sum(durations), fps)
        frames = transition_frames(images, durations, width, height, fps, seed)
    elif op == "fusion":
        subject = open_image(args["subject"], max_pixels=limit)
        background = open_image(args["background"], max_pixels=limit)
        frames = fusion_frames(subject, background, width, height, n, seed)
    else:
        raise ValueError(f"unknown operation {op}")
    return frames, width, height, n


def _shape_of(image: Image.Image, short_side: int) -> tuple[int, int]:
    """Output size with the image's aspect ratio and the requested short side."""
    if image.width >= image.height:
        return even_size(short_side * image.width / image.height, short_side)
    return even_size(short_side, short_side * image.height / image.width)


def encode(
    frames: Iterable[np.ndarray],
    dest: Path | str,
    width: int,
    height: int,
    fps: int,
    tick: Callable[[int], None] | None = None,
) -> int:
    """Write frames to `dest` atomically; `tick(frames_done)` may raise to abandon the file."""
    with VideoWriter(dest, width, height, fps) as writer:
        for rgb in frames:
            writer.write(rgb)
            if tick is not None:
                tick(writer.frames)
    return writer.frames
