"""The `local` provider: real renders in a process pool, probed with PyAV."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from pixsim7 import media
from pixsim7.config import Settings
from pixsim7.providers.base import (
    PROVIDER_TERMINAL,
    AccountContext,
    ErrorClass,
    OperationType,
    PollResult,
    PreparedInput,
    ProviderError,
    ProviderStatus,
    SubmitRequest,
)
from pixsim7.providers.local import LocalProvider
from pixsim7.providers.local.operations import dimensions
from pixsim7.providers.local.render import draw_frames, run_job
from pixsim7.providers.registry import Registry

ACCOUNT = AccountContext(id=1, provider_id="local", base_url="")
SMALL = {"resolution": "360p", "duration": 1, "fps": 8}  # adapter params
SMALL_ARGS = {"duration": 1.0, "fps": 8, "seed": 0, "width": 320, "height": 180}  # run_job args


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("data"), local_max_concurrency=2)


@pytest.fixture(scope="module")
def provider(settings: Settings) -> Iterator[LocalProvider]:
    # One pool for the module: starting worker processes is the slow part.
    local = LocalProvider(settings)
    yield local
    asyncio.run(local.aclose())


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    out = {}
    for name, (w, h, seed) in {"a": (480, 320, 1), "b": (300, 420, 2), "c": (400, 300, 3)}.items():
        rng = np.random.default_rng(seed)
        ys, xs = np.mgrid[0:h, 0:w]
        rgb = np.stack([xs * 255 // w, ys * 255 // h, (xs + ys) % 256], -1).astype(np.uint8)
        im = Image.fromarray(rgb)
        draw = ImageDraw.Draw(im)
        for _ in range(8):
            x, y = rng.integers(0, w), rng.integers(0, h)
            draw.rectangle(
                (x, y, x + 40, y + 30), fill=tuple(int(v) for v in rng.integers(0, 256, 3))
            )
        out[name] = folder / f"{name}.png"
        im.save(out[name])
    cutout = Image.new("RGBA", (200, 200))
    ImageDraw.Draw(cutout).ellipse((20, 20, 180, 180), fill=(250, 240, 30, 255))
    out["cutout"] = folder / "cutout.png"
    cutout.save(out["cutout"])
    return out


def _inp(role: str, path: Path, media_type: str = "image") -> PreparedInput:
    return PreparedInput(role=role, media_type=media_type, path=path)


def _request(
    op: OperationType, params: dict, inputs: dict | None = None, key: str = ""
) -> SubmitRequest:
    return SubmitRequest(op, params, inputs or {}, idempotency_key=key or f"{op}-{time.time_ns()}")


async def _finish(provider: LocalProvider, job_id: str, within: float = 60) -> PollResult:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        result = (await provider.poll(ACCOUNT, [job_id]))[job_id]
        if result.status in PROVIDER_TERMINAL:
            return result
        await asyncio.sleep(0.05)
    raise AssertionError(f"{job_id} did not finish")


def _path(result: PollResult) -> Path:
    assert result.output_url and result.output_url.startswith("file://")
    return Path(urlparse(result.output_url).path)


def _frames(path: Path | str) -> list[np.ndarray]:
    return [rgb for _, rgb in media.iter_frames(path)]


def test_info_says_what_it_is(settings: Settings) -> None:
    local = Registry(settings).get("local")
    assert isinstance(local, LocalProvider)
    info = local.info
    assert info.is_local and info.can_find_submissions
    assert "Not an AI model" in info.description
    assert (info.credit_pools, info.credential_kinds) == ((), ())
    assert info.default_max_concurrency == 2
    assert local.estimate_cost(OperationType.FUSION, {}) == (0.0, "local")
    assert {s.type for s in local.operations()} == set(OperationType)
    assert local.needs_upload(_inp("source_image", Path("x.png"))) is False


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", "720p", (1280, 720)),
        ("9:16", "720p", (720, 1280)),
        ("4:3", "1080p", (1440, 1080)),
        ("16:9", "480p", (854, 480)),
        ("1:1", "360p", (360, 360)),
    ],
)
def test_dimensions_are_even(aspect: str, resolution: str, size: tuple[int, int]) -> None:
    assert dimensions(aspect, resolution) == size


async def test_every_operation_renders_requested_shape(
    provider: LocalProvider, images: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "source.mp4"
    run_job(
        "image_to_video",
        str(source),
        {**SMALL_ARGS, "image": str(images["a"])},
        str(tmp_path / "c"),
    )
    cases = [
        (OperationType.TEXT_TO_VIDEO, {"prompt": "A lighthouse at dusk"}, {}, (640, 360)),
        (
            OperationType.IMAGE_TO_VIDEO,
            {"aspect_ratio": "9:16"},
            {"source_image": [_inp("source_image", images["b"])]},
            (360, 640),
        ),
        (
            OperationType.VIDEO_EXTEND,
            {},
            {"source_video": [_inp("source_video", source, "video")]},
            (640, 360),
        ),
        (
            OperationType.VIDEO_TRANSITION,
            {"aspect_ratio": "4:3"},
            {"images": [_inp("images", images[k]) for k in "abc"]},
            (480, 360),
        ),
        (
            OperationType.FUSION,
            {"aspect_ratio": "1:1"},
            {
                "subject": [_inp("subject", images["cutout"])],
                "background": [_inp("background", images["a"])],
            },
            (360, 360),
        ),
    ]
    submitted = [
        (await provider.submit(ACCOUNT, _request(op, {**SMALL, **p}, i))).provider_job_id
        for op, p, i, _ in cases
    ]
    for job_id, (op, _, _, (width, height)) in zip(submitted, cases, strict=True):
        result = await _finish(provider, job_id)
        assert result.status == ProviderStatus.SUCCEEDED, (op, result.error_message)
        info = media.probe(_path(result))
        assert (info.width, info.height, info.fps, info.codec) == (width, height, 8.0, "h264")
        assert info.frame_count is not None and abs(info.frame_count - 8) <= 1, op
        assert info.duration_sec == pytest.approx(1.0, abs=1 / 8), op
        assert (result.width, result.height) == (width, height)
        assert result.duration_sec == pytest.approx(info.duration_sec)


async def test_720p_output(provider: LocalProvider) -> None:
    params = {"prompt": "Big", "duration": 1, "fps": 8}  # resolution and aspect by default
    job_id = await provider.submit(ACCOUNT, _request(OperationType.TEXT_TO_VIDEO, params))
    result = await _finish(provider, job_id.provider_job_id)
    info = media.probe(_path(result))
    assert (info.width, info.height, info.frame_count) == (1280, 720, 8)


def _pixels(frame: np.ndarray | av.VideoFrame) -> np.ndarray:
    """A drawn frame's pixels: RGB as drawn, or its Y, U and V planes."""
    if isinstance(frame, np.ndarray):
        return frame
    return np.concatenate([np.frombuffer(bytes(p), np.uint8) for p in frame.planes])


@pytest.mark.parametrize(
    ("op", "extra"),
    [
        ("text_to_video", {"prompt": "Seeded motion"}),
        ("image_to_video", {"image": "a"}),
        ("video_transition", {"images": ["a", "b", "a"], "durations": [0.5, 0.5]}),
        ("fusion", {"subject": "b", "background": "a"}),
        ("video_extend", {"video": "clip", "short_side": 180}),
    ],
)
def test_the_same_seed_draws_the_same_frames(
    tmp_path: Path, images: dict[str, Path], op: str, extra: dict
) -> None:
    if op == "video_extend":
        clip = tmp_path / "clip.mp4"
        args = {**SMALL_ARGS, "image": str(images["a"])}
        run_job("image_to_video", str(clip), args, str(tmp_path / "ctl"))
        images = {**images, "clip": clip}
    named = {"image", "subject", "background", "video"}
    extra = {
        k: str(images[v]) if k in named else [str(images[i]) for i in v] if k == "images" else v
        for k, v in extra.items()
    }

    def draw(seed: int) -> list[np.ndarray]:
        return [_pixels(f) for f in draw_frames(op, {**SMALL_ARGS, **extra, "seed": seed})[0]]

    one, again, other = draw(5), draw(5), draw(6)
    assert len(one) == 8
    assert all(np.array_equal(a, b) for a, b in zip(one, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(one, other, strict=True))


@pytest.mark.parametrize(
    ("op", "extra"),
    [("text_to_video", {"prompt": "Seeded motion"}), ("image_to_video", {"image": "a"})],
)
def test_seed_decides_motion(tmp_path: Path, images: dict[str, Path], op: str, extra: dict) -> None:
    extra = {k: str(images[v]) if k == "image" else v for k, v in extra.items()}
    # The motion itself is exact: the same seed draws the same frames.
    drawn = [
        [_pixels(f) for f in draw_frames(op, {**SMALL_ARGS, **extra, "seed": 5})[0]]
        for _ in range(2)
    ]
    assert all(np.array_equal(a, b) for a, b in zip(*drawn, strict=True))
    renders = {}
    for name, seed in (("one", 5), ("again", 5), ("other", 6)):
        dest = tmp_path / f"{name}.mp4"
        run_job(op, str(dest), {**SMALL_ARGS, **extra, "seed": seed}, str(tmp_path / name))
        renders[name] = _frames(dest)
    assert len(renders["one"]) == 8

    def apart(x: str, y: str) -> float:
        pairs = zip(renders[x], renders[y], strict=True)
        return max(float(np.abs(a.astype(int) - b).mean()) for a, b in pairs)

    # Threaded x264 may choose differently run to run (seen: up to 1.5 mean levels apart);
    # another seed moves far more than that.
    assert apart("one", "again") < 2.5
    assert apart("one", "other") > 5
    assert np.abs(renders["one"][0].astype(int) - renders["one"][-1]).mean() > 2  # it moves


def test_extend_starts_where_the_source_ends(tmp_path: Path, images: dict[str, Path]) -> None:
    source = tmp_path / "source.mp4"
    run_job(
        "image_to_video",
        str(source),
        {**SMALL_ARGS, "image": str(images["a"])},
        str(tmp_path / "c"),
    )
    extended = tmp_path / "extended.mp4"
    args = {**SMALL_ARGS, "short_side": 180, "video": str(source), "seed": 3}
    run_job("video_extend", str(extended), args, str(tmp_path / "ctl"))
    last, frames = media.last_frame(source).astype(int), _frames(extended)
    assert frames[0].shape == last.shape
    assert np.abs(frames[0] - last).mean() < 3
    assert np.abs(frames[-1] - last).mean() > 5  # and then it goes somewhere


async def test_transition_durations(provider: LocalProvider, images: dict[str, Path]) -> None:
    inputs = {"images": [_inp("images", images[k]) for k in "ab"]}
    params = {**SMALL, "durations": [1.5], "aspect_ratio": "16:9"}
    job = await provider.submit(ACCOUNT, _request(OperationType.VIDEO_TRANSITION, params, inputs))
    info = media.probe(_path(await _finish(provider, job.provider_job_id)))
    assert info.frame_count == 12  # the sum of durations, not the duration
    with pytest.raises(ProviderError, match="needs 1 values") as exc:
        bad = {**params, "durations": [0.5, 0.5]}
        await provider.submit(ACCOUNT, _request(OperationType.VIDEO_TRANSITION, bad, inputs))
    assert exc.value.error_class == ErrorClass.INVALID


async def test_invalid_requests_fail_now(provider: LocalProvider, images: dict[str, Path]) -> None:
    for op, params, inputs in [
        (OperationType.TEXT_TO_VIDEO, {"prompt": "x", "duration": 30}, {}),
        (OperationType.TEXT_TO_VIDEO, {"prompt": "x" * 2049}, {}),
        (OperationType.TEXT_TO_VIDEO, {"prompt": "x", "resolution": "4k"}, {}),
        (OperationType.IMAGE_TO_VIDEO, {}, {}),
        (OperationType.FUSION, {}, {"subject": [_inp("subject", images["a"])]}),
    ]:
        with pytest.raises(ProviderError) as exc:
            await provider.submit(ACCOUNT, _request(op, params, inputs))
        assert exc.value.error_class == ErrorClass.INVALID, op


async def test_unreadable_input_fails_as_invalid(provider: LocalProvider, tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("not an image")
    inputs = {"source_image": [_inp("source_image", fake)]}
    job = await provider.submit(ACCOUNT, _request(OperationType.IMAGE_TO_VIDEO, SMALL, inputs))
    result = await _finish(provider, job.provider_job_id)
    assert (result.status, result.error_class) == (ProviderStatus.FAILED, ErrorClass.INVALID)
    assert "unreadable" in (result.error_message or "")


async def test_same_attempt_renders_once_and_is_found_after_restart(
    provider: LocalProvider, settings: Settings, tmp_path: Path
) -> None:
    request = _request(OperationType.TEXT_TO_VIDEO, {**SMALL, "prompt": "once"}, key="attempt-1")
    first = await provider.submit(ACCOUNT, request)
    again = await provider.submit(ACCOUNT, request)
    assert first.provider_job_id == again.provider_job_id
    assert await provider.find_submission(ACCOUNT, request, 0.0) == first.provider_job_id
    done = await _finish(provider, first.provider_job_id)

    restarted = LocalProvider(settings)  # a new process: no memory of running renders
    assert await restarted.find_submission(ACCOUNT, request, 0.0) == first.provider_job_id
    result = (await restarted.poll(ACCOUNT, [first.provider_job_id]))[first.provider_job_id]
    assert (result.status, result.output_url) == (ProviderStatus.SUCCEEDED, done.output_url)
    never = _request(OperationType.TEXT_TO_VIDEO, {"prompt": "never"}, key="attempt-2")
    assert await restarted.find_submission(ACCOUNT, never, 0.0) is None
    # A render this process never started was lost with the process that ran it.
    lost = (await restarted.poll(ACCOUNT, ["local-unknown"]))["local-unknown"]
    assert lost.status == ProviderStatus.LOST
    assert (
        lost.error_message
        == "the render was interrupted: the renderer restarted before it finished"
    )

    dest = tmp_path / "copy.mp4"
    await restarted.download(ACCOUNT, result, dest, max_bytes=10**9)
    assert dest.read_bytes() == _path(result).read_bytes()
    with pytest.raises(ProviderError, match="over the limit") as exc:
        await restarted.download(ACCOUNT, result, tmp_path / "small.mp4", max_bytes=100)
    assert exc.value.error_class == ErrorClass.INVALID
    forged = PollResult("x", ProviderStatus.SUCCEEDED, output_url=(tmp_path / "copy.mp4").as_uri())
    with pytest.raises(ProviderError, match="not a local render"):
        await restarted.download(ACCOUNT, forged, tmp_path / "stolen.mp4", max_bytes=10**9)
    assert (await restarted.fetch_balance(ACCOUNT)).credits == {}


async def test_cancel_stops_a_running_render(provider: LocalProvider, settings: Settings) -> None:
    params = {"prompt": "long", "resolution": "360p", "duration": 20, "fps": 30}
    job = await provider.submit(ACCOUNT, _request(OperationType.TEXT_TO_VIDEO, params))
    deadline = time.monotonic() + 30
    while True:
        status = (await provider.poll(ACCOUNT, [job.provider_job_id]))[job.provider_job_id]
        if status.status == ProviderStatus.RUNNING and (status.progress or 0) > 0:
            break
        assert status.status in (ProviderStatus.QUEUED, ProviderStatus.RUNNING)
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await provider.cancel(ACCOUNT, job.provider_job_id)
    result = await _finish(provider, job.provider_job_id)
    assert result.status == ProviderStatus.CANCELLED
    renders = settings.data_dir / "local_renders"
    deadline = time.monotonic() + 10  # the worker stops at its next progress tick
    while any(p.name.endswith(".part") for p in renders.iterdir()):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert not (renders / f"{job.provider_job_id}.mp4").exists()


async def test_killed_render_process_is_lost_and_pool_recovers(tmp_path: Path) -> None:
    local = LocalProvider(Settings(data_dir=tmp_path, local_max_concurrency=1))
    try:
        params = {"prompt": "doomed", "resolution": "360p", "duration": 20, "fps": 30}
        job = await local.submit(ACCOUNT, _request(OperationType.TEXT_TO_VIDEO, params))
        deadline = time.monotonic() + 30
        while not (await local.poll(ACCOUNT, [job.provider_job_id]))[job.provider_job_id].progress:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        assert local._pool is not None
        (worker,) = local._pool._processes  # the one render process we started
        os.kill(worker, signal.SIGKILL)
        result = await _finish(local, job.provider_job_id)
        # Not the job's failure, and not Python's words ("A process in the process pool
        # was terminated abruptly..."): the scheduler submits it again, uncounted.
        assert result.status == ProviderStatus.LOST
        assert result.error_message == (
            "the render was interrupted: its process stopped (killed, or out of memory)"
        )

        again = await local.submit(
            ACCOUNT, _request(OperationType.TEXT_TO_VIDEO, SMALL | {"prompt": "ok"})
        )
        assert (await _finish(local, again.provider_job_id)).status == ProviderStatus.SUCCEEDED
    finally:
        await local.aclose()


async def test_renders_ignore_the_group_s_signals(provider: LocalProvider) -> None:
    """Ctrl-C and SIGTERM to a terminal's process group reach the render processes too:
    the server handles them (it stops its renders itself), so a render runs on."""
    params = {"prompt": "undisturbed", "resolution": "360p", "duration": 10, "fps": 24}
    job = await provider.submit(ACCOUNT, _request(OperationType.TEXT_TO_VIDEO, params))
    deadline = time.monotonic() + 60
    while not (await provider.poll(ACCOUNT, [job.provider_job_id]))[job.provider_job_id].progress:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    assert provider._pool is not None
    for pid in provider._pool._processes:
        os.kill(pid, signal.SIGINT)
        os.kill(pid, signal.SIGTERM)
    assert (await _finish(provider, job.provider_job_id)).status == ProviderStatus.SUCCEEDED


_SERVER = """
import asyncio, sys
from pathlib import Path
from pixsim7.config import Settings
from pixsim7.providers.base import AccountContext, OperationType, SubmitRequest
from pixsim7.providers.local import LocalProvider

async def main():
    local = LocalProvider(Settings(data_dir=Path(sys.argv[1]), local_max_concurrency=1))
    params = {"prompt": "orphan", "resolution": "360p", "duration": 20, "fps": 30}
    request = SubmitRequest(OperationType.TEXT_TO_VIDEO, params, {}, idempotency_key="orphan")
    await local.submit(AccountContext(1, "local", ""), request)
    print(*local._pool._processes, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


def test_render_processes_end_with_a_killed_server(tmp_path: Path) -> None:
    """Killed outright (kill -9, out of memory), a server leaves its render processes
    behind; they exit instead of waiting on their queue forever, even one still starting
    when the server died."""
    with subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(tmp_path)], stdout=subprocess.PIPE
    ) as server:
        assert server.stdout is not None
        renders = [int(pid) for pid in server.stdout.readline().split()]
        server.kill()  # at once: the render process may not even have started yet
    assert renders
    deadline = time.monotonic() + 30
    while [pid for pid in renders if _running(pid)]:
        assert time.monotonic() < deadline, "a render process outlived its server"
        time.sleep(0.1)


def _running(pid: int) -> bool:
    """Whether `pid` runs (an exited process nobody reaped yet does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in "ZX"
