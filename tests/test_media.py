"""Media toolkit on real files: sniffing, probing, writing, thumbnails and previews."""

from __future__ import annotations

import struct
import time
import zlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from pixsim7 import media
from pixsim7.media import MediaError


def _pattern(width: int, height: int, i: int) -> np.ndarray:
    ys, xs = np.mgrid[0:height, 0:width]
    r = (xs * 255 // width + i * 8) % 256
    g = ys * 255 // height
    b = ((xs // 16 + ys // 16) % 2) * 200
    return np.stack([r, g, b], -1).astype(np.uint8)


def _video(path: Path, frames: list[np.ndarray], fps: int = 8) -> Path:
    height, width = frames[0].shape[:2]
    return media.write_video(frames, path, width, height, fps)


def _video_with_audio(path: Path, width: int = 160, height: int = 90, seconds: int = 1) -> Path:
    fps = 8
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=48000)
        for i in range(seconds * fps):
            frame = av.VideoFrame.from_ndarray(_pattern(width, height, i), format="rgb24")
            frame.pts = i
            out.mux(video.encode(frame))
        samples = np.zeros((1, 1024), np.float32)
        for i in range(seconds * 48000 // 1024):
            chunk = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts, chunk.time_base = 48000, i * 1024, Fraction(1, 48000)
            out.mux(audio.encode(chunk))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    return path


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size but holds a few bytes of pixel data: only its header is sound."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(bytes(64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
def test_sniff_images_by_content_not_name(tmp_path: Path, fmt: str, mime: str) -> None:
    path = tmp_path / "picture.mp4"  # the name lies; the bytes decide
    Image.fromarray(_pattern(32, 16, 0)).save(path, format=fmt)
    assert media.sniff(path) == ("image", mime)


def test_sniff_videos_and_refusals(tmp_path: Path) -> None:
    mp4 = _video(tmp_path / "clip.bin", [_pattern(64, 36, i) for i in range(4)])
    assert media.sniff(mp4) == ("video", "video/mp4")
    webm = tmp_path / "a.webm"
    webm.write_bytes(b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm" + bytes(32))
    assert media.sniff(webm) == ("video", "video/webm")
    old_mov = tmp_path / "old.mov"
    old_mov.write_bytes(b"\x00\x00\x00\x08wide" + bytes(32))
    assert media.sniff(old_mov) == ("video", "video/quicktime")
    text = tmp_path / "notes.mp4"
    text.write_text("this is not a video, whatever its name says\n")
    assert media.sniff(text) is None
    with pytest.raises(MediaError, match="not a supported"):
        media.probe(text)
    heic = tmp_path / "photo.mp4"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic" + bytes(32))
    assert media.sniff(heic) is None


def test_probe_video(tmp_path: Path) -> None:
    path = _video(tmp_path / "v.mp4", [_pattern(320, 180, i) for i in range(16)], fps=8)
    info = media.probe(path)
    assert (info.media_type, info.mime_type, info.codec) == ("video", "video/mp4", "h264")
    assert (info.width, info.height, info.fps, info.frame_count) == (320, 180, 8.0, 16)
    assert info.duration_sec == pytest.approx(2.0, abs=1 / 8)
    assert info.has_audio is False
    assert media.probe(_video_with_audio(tmp_path / "a.mp4")).has_audio is True


def test_portrait_phone_video_is_upright(tmp_path: Path) -> None:
    path = tmp_path / "phone.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        stream.set_display_rotation(-90)  # stored landscape, shown turned clockwise
        for i in range(8):
            rgb = np.zeros((90, 160, 3), np.uint8)
            rgb[:, :80] = 255  # left half white
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    info = media.probe(path)
    assert (info.width, info.height) == (90, 160)
    upright = media.last_frame(path)
    assert upright.shape == (160, 90, 3)
    assert upright[:80].mean() > 200 and upright[80:].mean() < 50  # the left side is now on top
    preview = media.make_preview(path, tmp_path / "p.mp4", max_side=80)
    assert (media.probe(preview).width, media.probe(preview).height) == (44, 80)


def test_probe_image_reads_header_only(tmp_path: Path) -> None:
    path = tmp_path / "p.png"
    Image.fromarray(_pattern(200, 100, 0)).save(path)
    info = media.probe(path)
    assert (info.media_type, info.mime_type, info.width, info.height) == (
        "image",
        "image/png",
        200,
        100,
    )
    with pytest.raises(MediaError, match="limit of 10000 pixels"):
        media.probe(path, max_pixels=10_000)
    with pytest.raises(MediaError, match="limit of 10000 pixels"):
        media.open_image(path, max_pixels=10_000)
    # 10000 x 10000 is past our limit but inside Pillow's: our check must refuse it.
    large = tmp_path / "large.png"
    large.write_bytes(_png_header(10_000, 10_000))
    with pytest.raises(MediaError, match="10000x10000"):
        media.probe(large, max_pixels=50_000_000)
    # 100000 x 100000 with no pixel data: only a header read can answer, and fast.
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))
    started = time.perf_counter()
    with pytest.raises(MediaError, match="too large"):
        media.probe(bomb)
    with pytest.raises(MediaError):
        media.open_image(bomb)
    assert time.perf_counter() - started < 1.0


def test_truncated_and_corrupt_video(tmp_path: Path) -> None:
    whole = _video(tmp_path / "w.mp4", [_pattern(320, 180, i) for i in range(16)]).read_bytes()
    for share in (0.5, 0.9):
        cut = tmp_path / f"cut{share}.mp4"
        cut.write_bytes(whole[: int(len(whole) * share)])
        with pytest.raises(MediaError, match="truncated"):
            media.probe(cut)
    head_only = tmp_path / "head.mp4"
    head_only.write_bytes(whole[:64])
    with pytest.raises(MediaError):
        media.probe(head_only)
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(whole[:32] + np.random.default_rng(1).bytes(4000))
    with pytest.raises(MediaError):
        media.probe(garbage)


def test_writer_output_is_browser_ready_and_atomic(tmp_path: Path) -> None:
    frames = [_pattern(160, 90, i) for i in range(8)]
    path = _video(tmp_path / "out.mp4", frames)
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable while loading
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.codec_context.profile in ("High", "Main", "Constrained Baseline")
    decoded = [rgb for _, rgb in media.iter_frames(path)]
    assert len(decoded) == 8
    assert np.abs(decoded[3].astype(int) - frames[3]).mean() < 6
    assert np.abs(media.last_frame(path).astype(int) - frames[-1]).mean() < 6

    with pytest.raises(ValueError, match="even"):
        media.VideoWriter(tmp_path / "odd.mp4", 161, 90, 8)
    failed = tmp_path / "failed.mp4"
    with pytest.raises(RuntimeError), media.VideoWriter(failed, 160, 90, 8) as writer:
        writer.write(frames[0])
        raise RuntimeError("render broke")
    assert not failed.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]  # no temp left behind


def test_thumbnail_skips_black_opening(tmp_path: Path) -> None:
    black = [np.zeros((90, 160, 3), np.uint8)] * 8
    video = _video(tmp_path / "fade.mp4", black + [_pattern(160, 90, i) for i in range(8)])
    assert next(media.iter_frames(video))[1].mean() < 2  # it really opens on black
    thumb = media.make_thumbnail(video, tmp_path / "t.jpg", max_side=120)
    assert media.sniff(thumb) == ("image", "image/jpeg")
    with Image.open(thumb) as im:
        assert im.size == (120, 68)
        luma = np.asarray(im.convert("L"), np.float32)
    assert luma.mean() > 40 and luma.std() > 20


def test_thumbnail_of_single_frame_video(tmp_path: Path) -> None:
    video = _video(tmp_path / "one.mp4", [_pattern(160, 90, 0)])
    with Image.open(media.make_thumbnail(video, tmp_path / "t.jpg")) as im:
        assert im.size == (160, 90)


def test_thumbnail_of_image(tmp_path: Path) -> None:
    src = tmp_path / "big.png"
    Image.fromarray(_pattern(1000, 500, 0)).save(src)
    thumb = media.make_thumbnail(src, tmp_path / "t.jpg", max_side=480)
    with Image.open(thumb) as im:
        assert (im.format, im.size) == ("JPEG", (480, 240))
    # Transparent parts show as white, not whatever colour hides under alpha 0.
    clear = tmp_path / "clear.png"
    Image.new("RGBA", (64, 64), (255, 0, 0, 0)).save(clear)
    with Image.open(media.make_thumbnail(clear, tmp_path / "c.jpg")) as im:
        assert np.asarray(im.convert("RGB")).min() > 240


def test_preview_is_short_small_and_silent(tmp_path: Path) -> None:
    source = _video_with_audio(tmp_path / "src.mp4", width=320, height=180, seconds=2)
    preview = media.make_preview(source, tmp_path / "p.mp4", max_side=160, max_seconds=1, fps=12)
    info = media.probe(preview)
    assert (info.width, info.height, info.fps, info.has_audio) == (160, 90, 12.0, False)
    assert info.frame_count == 12
    assert info.duration_sec == pytest.approx(1.0, abs=1 / 12)
    still = tmp_path / "still.png"
    Image.fromarray(_pattern(32, 16, 0)).save(still)
    with pytest.raises(MediaError, match="needs a video"):
        media.make_preview(still, tmp_path / "x.mp4")


def test_scan_probes_and_makes_poster_and_preview_in_one_pass(tmp_path: Path) -> None:
    black = [np.zeros((90, 160, 3), np.uint8)] * 8
    video = _video(tmp_path / "v.mp4", black + [_pattern(160, 90, i) for i in range(40)])
    poster, preview = tmp_path / "t.jpg", tmp_path / "p.mp4"
    info = media.scan_video(video, poster=poster, preview=preview, poster_side=120)
    assert info == media.probe(video)
    with Image.open(poster) as im:
        assert (im.format, im.size) == ("JPEG", (120, 68))
        assert np.asarray(im.convert("L"), np.float32).mean() > 40  # not the black opening
    small = media.probe(preview)
    assert (small.width, small.height, small.fps, small.frame_count) == (160, 90, 12.0, 36)
    # Without outputs it is a probe that decodes only the first frame.
    assert media.scan_video(video) == info


def test_scan_finds_a_cut_off_video_past_what_it_decodes(tmp_path: Path) -> None:
    """6 s: the poster and preview need the first 3 s; the cut is found from the packets."""
    frames = [_pattern(160, 90, i) for i in range(48)]
    whole = _video(tmp_path / "w.mp4", frames).read_bytes()
    for share in (0.5, 0.9, 0.99):
        cut = tmp_path / f"cut{share}.mp4"
        cut.write_bytes(whole[: int(len(whole) * share)])
        poster, preview = tmp_path / f"t{share}.jpg", tmp_path / f"p{share}.mp4"
        with pytest.raises(MediaError, match="truncated"):
            media.scan_video(cut, poster=poster, preview=preview)
        assert not poster.exists() and not preview.exists()
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(whole[:32] + np.random.default_rng(1).bytes(4000))
    with pytest.raises(MediaError):
        media.scan_video(garbage, poster=tmp_path / "g.jpg")
    still = tmp_path / "still.png"
    Image.fromarray(_pattern(32, 16, 0)).save(still)
    with pytest.raises(MediaError):
        media.scan_video(still)
