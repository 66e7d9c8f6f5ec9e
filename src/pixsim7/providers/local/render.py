"""Render entry points: plain functions of simple arguments, so a process pool can run them.

`render_text_card` is also what other providers' fake servers call for sample videos.
`run_job` is what the `local` adapter hands to its pool: it reports progress and notices a
cancel through two small files next to the output, which work across processes.
`start_render_process` prepares each process of the pool.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from pixsim7.media import (
    DEFAULT_MAX_PIXELS,
    VideoWriter,
    even_size,
    last_frame,
    open_image,
    to_yuv,
)
from pixsim7.providers.local.motion import (
    extend_frames,
    fusion_frames,
    ken_burns_frames,
    transition_frames,
)
from pixsim7.providers.local.textcard import text_card_frames

Drawn = np.ndarray | av.VideoFrame  # a frame as drawn: RGB, or already YUV planes


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


def start_render_process(server: int) -> None:
    """In each render process of server process `server`: signals are the server's to
    handle, and the process ends with the server.

    Ctrl-C and SIGTERM reach the whole process group; the server stops its renders itself
    (through the cancel file) and hands their jobs back, so a render killed under it by
    the same signal is not mistaken for a failed one. A server killed outright leaves its
    pool's processes waiting on their queue forever: they exit once it is gone (`server`
    comes from the server: it may have died while this process was starting)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


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


def draw_frames(op: str, args: dict[str, Any]) -> tuple[Iterator[Drawn], int, int, int]:
    """The frames an operation draws (lazily), with the output width, height and count:
    RGB arrays (text cards) or frames already in the encoder's planes (the effects)."""
    fps, seed = int(args["fps"]), int(args["seed"])
    n = frame_count(float(args["duration"]), fps)
    limit = int(args.get("max_pixels", DEFAULT_MAX_PIXELS))
    frames: Iterator[Drawn]
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
        opened: dict[str, Image.Image] = {}  # a picture given twice is read once
        for path in args["images"]:
            if path not in opened:
                opened[path] = open_image(path, max_pixels=limit)
        images = [opened[p] for p in args["images"]]
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
    frames: Iterable[Drawn],
    dest: Path | str,
    width: int,
    height: int,
    fps: int,
    tick: Callable[[int], None] | None = None,
) -> int:
    """Write frames to `dest` atomically; `tick(frames_done)` may raise to abandon the file.

    The frames are drawn and converted to YUV in a second thread while this one encodes:
    numpy, Pillow, swscale and x264 all work without the GIL, so on two cores drawing and
    encoding overlap."""
    with VideoWriter(dest, width, height, fps) as writer, _Drawn(frames, width, height) as drawn:
        for frame in drawn:
            writer.write_frame(frame)
            if tick is not None:
                tick(writer.frames)
    return writer.frames


_AHEAD = 8  # frames drawn ahead of the encoder (memory: 8 x 1.4 MB at 720p)
_END = object()


class _Drawn:
    """Frames drawn and converted in a thread of their own, `_AHEAD` at most waiting."""

    def __init__(self, frames: Iterable[Drawn], width: int, height: int) -> None:
        self._frames, self._size = frames, (width, height)
        self._queue: queue.Queue[object] = queue.Queue(maxsize=_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._draw, name="render-draw", daemon=True)

    def __enter__(self) -> _Drawn:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        # The encoder stopped (done, cancelled or failed): let the drawing thread end.
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()

    def __iter__(self) -> Iterator[av.VideoFrame]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield cast(av.VideoFrame, item)

    def _draw(self) -> None:
        scaler = VideoReformatter()
        try:
            for rgb in self._frames:
                if not self._put(to_yuv(scaler, rgb, *self._size)):
                    return
            self._put(_END)
        except BaseException as exc:  # handed to the encoding thread, which raises it
            self._put(exc)

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.05)
                return True
        return False
