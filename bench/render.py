"""Time the `local` provider's renders: each operation, a 5 s 720p clip at 24 fps.

Run: .venv/bin/python bench/render.py   (one render at a time, in this process)
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pixsim7 import media
from pixsim7.providers.local.render import run_job

WIDTH, HEIGHT, FPS, SECONDS = 1280, 720, 24, 5.0


def _photo(path: Path, width: int, height: int, seed: int) -> str:
    """A busy test picture at camera-like size, so resizing costs what a real photo would."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width]
    rgb = np.stack([xs * 255 // width, ys * 255 // height, (xs ^ ys) % 256], -1).astype(np.uint8)
    im = Image.fromarray(rgb)
    draw = ImageDraw.Draw(im)
    for _ in range(60):
        x, y, r = (int(v) for v in rng.integers(0, (width, height, 200)))
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(int(c) for c in rng.integers(0, 256, 3))
        )
    im.save(path)
    return str(path)


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a = _photo(folder / "a.png", 4032, 3024, 1)
        b = _photo(folder / "b.png", 3024, 4032, 2)
        cutout = Image.new("RGBA", (1200, 1600))
        ImageDraw.Draw(cutout).ellipse((100, 100, 1100, 1500), fill=(240, 200, 40, 255))
        cutout.save(folder / "subject.png")
        common = {"duration": SECONDS, "fps": FPS, "seed": 7, "width": WIDTH, "height": HEIGHT}
        prompt = "A red fox crossing a snowy forest at dawn, soft light, film grain"
        source = str(folder / "image_to_video.mp4")
        jobs = [
            ("text_to_video", {**common, "prompt": prompt}),
            ("image_to_video", {**common, "image": a}),
            ("video_extend", {**common, "video": source, "short_side": HEIGHT}),
            ("video_transition", {**common, "images": [a, b, a], "durations": [2.5, 2.5]}),
            ("fusion", {**common, "subject": str(folder / "subject.png"), "background": a}),
        ]
        print(f"local renders, {SECONDS:g} s {WIDTH}x{HEIGHT} at {FPS} fps, one at a time")
        print(f"  (CPU time counts every thread; the machine's load average: {_load()})")
        for op, args in jobs:
            dest = folder / f"{op}.mp4"
            started, cpu = time.perf_counter(), time.process_time()
            frames = run_job(op, str(dest), args, str(folder / f".{op}"))
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            info = media.probe(dest)
            print(
                f"  {op:<17} {took:6.2f} s wall, {cpu:6.2f} s CPU  ({frames / took:5.1f} frames/s, "
                f"{info.width}x{info.height}, {dest.stat().st_size / 1e6:.1f} MB)"
            )


if __name__ == "__main__":
    main()
