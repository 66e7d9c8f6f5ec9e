"""Time the `local` provider's renders: each operation, a 5 s 720p clip at 24 fps.

Run: .venv/bin/python bench/render.py [--rounds 2] [--before 0bfe362] [--only OP]

Each render runs in a process of its own, one at a time; with `--before REV` (default: the
commit before the renderer was made faster) the same render by that commit's code runs
beside it, alternating, so both are measured on the same machine in the same minutes.
`--before ''` times only the code as it is.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

WIDTH, HEIGHT, FPS, SECONDS = 1280, 720, 24, 5.0
OPS = ("text_to_video", "image_to_video", "video_extend", "video_transition", "fusion")
ROOT = Path(__file__).resolve().parent.parent


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


def _args(op: str, folder: Path) -> dict[str, object]:
    common = {"duration": SECONDS, "fps": FPS, "seed": 7, "width": WIDTH, "height": HEIGHT}
    a, b = str(folder / "a.png"), str(folder / "b.png")
    return {
        "text_to_video": {
            **common,
            "prompt": "A red fox crossing a snowy forest at dawn, soft light, film grain",
        },
        "image_to_video": {**common, "image": a},
        "video_extend": {**common, "video": str(folder / "source.mp4"), "short_side": HEIGHT},
        "video_transition": {**common, "images": [a, b, a], "durations": [2.5, 2.5]},
        "fusion": {**common, "subject": str(folder / "subject.png"), "background": a},
    }[op]


def child(op: str, folder: Path) -> None:
    """One render, by whichever pixsim7 this process imports; prints its figures as JSON."""
    from pixsim7 import media
    from pixsim7.providers.local.render import run_job

    dest = folder / f"{op}.{os.getpid()}.mp4"
    started, cpu = time.perf_counter(), time.process_time()
    frames = run_job(op, str(dest), _args(op, folder), str(folder / f".{op}.{os.getpid()}"))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    info = media.probe(dest)
    size = dest.stat().st_size
    dest.unlink()
    print(json.dumps({"wall": took, "cpu": cpu, "frames": frames, "size": size, "w": info.width}))


def profile(op: str, folder: Path, top: int) -> None:
    """One render of this tree's code under cProfile, the encoding thread and the drawing
    thread each profiled apart (cProfile sees one thread); prints where each spends it."""
    import cProfile
    import pstats

    from pixsim7.providers.local import render

    drawing = cProfile.Profile()
    draw = render._Drawn._draw

    def profiled_draw(self: Any) -> None:
        drawing.runcall(draw, self)

    render._Drawn._draw = profiled_draw  # type: ignore[method-assign,unused-ignore]
    encoding = cProfile.Profile()
    dest = folder / f"{op}.profile.mp4"
    started, cpu = time.perf_counter(), time.process_time()
    encoding.runcall(render.run_job, op, str(dest), _args(op, folder), str(folder / ".profile"))
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{op}: wall {took:.2f} s, CPU {cpu:.2f} s (all threads), under cProfile")
    for name, prof in (("encoding (main) thread", encoding), ("drawing thread", drawing)):
        out = io.StringIO()
        stats = pstats.Stats(prof, stream=out)
        stats.sort_stats("tottime").print_stats(top)
        print(f"--- {name}, by own time")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def _extract(rev: str, into: Path) -> Path:
    """`src/` of commit `rev`, for a child process to import instead of this tree's."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src/pixsim7"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(op: str, folder: Path, src: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run(
        [sys.executable, __file__, "--child", op, "--dir", str(folder)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before", default="0bfe362", help="commit to compare with ('': none)")
    parser.add_argument("--only", choices=OPS, action="append")
    parser.add_argument("--profile", choices=OPS, help="profile one render of this op")
    parser.add_argument("--top", type=int, default=15, help="lines of each thread's profile")
    parser.add_argument("--child", choices=OPS, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _photo(folder / "a.png", 4032, 3024, 1)
        _photo(folder / "b.png", 3024, 4032, 2)
        cutout = Image.new("RGBA", (1200, 1600))
        ImageDraw.Draw(cutout).ellipse((100, 100, 1100, 1500), fill=(240, 200, 40, 255))
        cutout.save(folder / "subject.png")
        from pixsim7.providers.local.render import run_job

        # The clip video_extend continues, the same for both.
        source = _args("image_to_video", folder)
        run_job("image_to_video", str(folder / "source.mp4"), source, str(folder / ".source"))
        if args.profile:
            profile(args.profile, folder, args.top)
            return
        trees = {"now": ROOT / "src"}
        if args.before:
            trees = {"before": _extract(args.before, folder / "before"), **trees}
        print(f"local renders, {SECONDS:g} s {WIDTH}x{HEIGHT} at {FPS} fps, one at a time, ")
        print(
            f"  each in its own process; {args.rounds} rounds; wall / CPU (all threads) in s, "
            "median (min)"
        )
        print(f"  load average at the start: {_load()} on {os.cpu_count()} cores")
        for op in args.only or OPS:
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for _ in range(args.rounds):
                for name, src in trees.items():
                    runs[name].append(_run(op, folder, src))
            cells = []
            for name, got in runs.items():
                walls, cpus = [r["wall"] for r in got], [r["cpu"] for r in got]
                size = statistics.median(r["size"] for r in got) / 1e6
                cells.append(
                    f"{name} {statistics.median(walls):5.2f} (min {min(walls):5.2f}) / "
                    f"{statistics.median(cpus):5.2f} (min {min(cpus):5.2f}) ({size:.1f} MB)"
                )
            print(f"  {op:<17} " + "   ".join(cells), flush=True)
        print(f"  load average at the end: {_load()}")


if __name__ == "__main__":
    main()
