"""Media toolkit: recognise, probe, read and write video and image files in-process (PyAV, Pillow).

Files are recognised by their first bytes, never by name. Everything written goes to a
temporary name next to the destination and is renamed into place only when complete, so a
reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import av
import numpy as np
from av.video.reformatter import Colorspace, VideoReformatter
from PIL import Image, ImageOps

DEFAULT_MAX_PIXELS = 64_000_000
# x264's "superfast" with the macroblock tree and a short lookahead kept (as "veryfast"
# has them): half the encoding CPU of "veryfast" for files of the same size
# (bench/render.py); High profile, which browsers play.
_X264 = {"preset": "superfast", "x264-params": "mbtree=1:rc-lookahead=10"}
_BT709_TAGS = {"colorspace": 1, "color_primaries": 1, "color_trc": 1, "color_range": 1}


class MediaError(Exception):
    """A file is not media we can read: unknown format, corrupt, truncated or too large."""


@dataclass(frozen=True)
class MediaInfo:
    media_type: str  # "video" | "image"
    mime_type: str
    width: int
    height: int
    duration_sec: float | None = None
    fps: float | None = None
    codec: str | None = None
    has_audio: bool = False
    frame_count: int | None = None


def sniff(path: Path | str) -> tuple[str, str] | None:
    """(media_type, mime_type) from the file's magic numbers, or None if not media we take."""
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "image/gif"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video", "video/quicktime"
        # HEIF/AVIF stills and audio-only MPEG-4 share the box layout; we take neither.
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B "):
            return None
        return "video", "video/mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "video", "video/quicktime"  # older QuickTime files open without an ftyp box
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ("video", "video/webm") if b"webm" in head else ("video", "video/x-matroska")
    return None


def probe(path: Path | str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> MediaInfo:
    """Read a file's dimensions and timing; raise MediaError for anything unreadable."""
    kind = sniff(path)
    if kind is None:
        raise MediaError("not a supported image or video format")
    media_type, mime = kind
    if media_type == "image":
        with _open_image_lazily(path, max_pixels) as im:
            return MediaInfo("image", mime, im.width, im.height)
    return _probe_video(Path(path), mime, max_pixels)


def open_image(path: Path | str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode an image to RGB (alpha kept as RGBA), upright per its EXIF orientation."""
    with _open_image_lazily(path, max_pixels) as im:
        try:
            upright = ImageOps.exif_transpose(im)
            has_alpha = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
            return upright.convert("RGBA" if has_alpha else "RGB")
        except (OSError, ValueError) as exc:
            raise MediaError(f"image is corrupt: {exc}") from exc


def flatten(image: Image.Image, background: tuple[int, int, int] = (0, 0, 0)) -> Image.Image:
    """RGB of `image`, with any transparent parts laid over `background`."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    base = Image.new("RGB", image.size, background)
    base.paste(image, mask=image.getchannel("A"))
    return base


@contextmanager
def _open_image_lazily(path: Path | str, max_pixels: int) -> Iterator[Image.Image]:
    # Image.open reads only the header; size is checked here before any pixel is decoded.
    # Pillow's own bomb check (a warning, then an error at twice its limit) fires inside
    # open(); its warning is silenced because `max_pixels` is the limit that applies.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise MediaError(f"image is too large: {exc}") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise MediaError(f"image is unreadable: {exc}") from exc
    with im:
        if im.width * im.height > max_pixels:
            raise MediaError(
                f"image is {im.width}x{im.height}, more than the limit of {max_pixels} pixels"
            )
        yield im


def _probe_video(path: Path, mime: str, max_pixels: int) -> MediaInfo:
    try:
        with av.open(str(path)) as container:
            stream, info = _header(container, mime, max_pixels)
            if _check_tail(container, stream, info.duration_sec) % 2:
                return _turned(info)  # shot in portrait, stored on its side
            return info
    except av.FFmpegError as exc:
        raise MediaError(f"video is corrupt or truncated: {exc}") from exc


def _header(container: Any, mime: str, max_pixels: int) -> tuple[Any, MediaInfo]:
    """The first video stream and what its headers say (no frame decoded), limits checked."""
    if not container.streams.video:
        raise MediaError("file has no video stream")
    stream = container.streams.video[0]
    width, height = stream.codec_context.width, stream.codec_context.height
    if width <= 0 or height <= 0:
        raise MediaError("video has no frame size")
    if width * height > max_pixels:
        raise MediaError(f"video is {width}x{height}, more than {max_pixels} pixels")
    rate = stream.average_rate or stream.guessed_rate
    fps = float(rate) if rate else None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    else:
        duration = None
    frames = stream.frames or (round(duration * fps) if duration and fps else None)
    return stream, MediaInfo(
        media_type="video",
        mime_type=mime,
        width=width,
        height=height,
        duration_sec=duration,
        fps=fps,
        codec=stream.codec_context.name,
        has_audio=bool(container.streams.audio),
        frame_count=frames,
    )


def _turned(info: MediaInfo) -> MediaInfo:
    return dataclasses.replace(info, width=info.height, height=info.width)


def _check_tail(container: Any, stream: Any, duration: float | None) -> int:
    """Decode the last second; return the quarter turns that display its frames upright."""
    # The index of a fast-start MP4 sits before the data, so a cut-off file still opens and
    # claims its full length. Decoding the last second is what finds the missing bytes.
    if duration and stream.time_base:
        target = max(0.0, duration - 1.0)
        container.seek(int(target / stream.time_base), stream=stream, backward=True)
    last = None
    for packet in container.demux(stream):
        for frame in packet.decode():
            last = frame
    if last is None:
        raise MediaError("video is truncated: no frame could be decoded")
    return _quarter_turns(last)


def _quarter_turns(frame: av.VideoFrame) -> int:
    # Phones store portrait video landscape with a display rotation (counter-clockwise).
    return round(frame.rotation / 90) % 4


def _upright(frame: av.VideoFrame) -> np.ndarray:
    rgb = frame.to_ndarray(format="rgb24")
    turns = _quarter_turns(frame)
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb


def iter_frames(path: Path | str, *, start_sec: float = 0.0) -> Iterator[tuple[float, np.ndarray]]:
    """Decoded frames as (time in seconds, upright RGB array), from about `start_sec` on."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            tb = stream.time_base
            if start_sec > 0 and tb:
                container.seek(int(start_sec / tb), stream=stream, backward=True)
            for frame in container.decode(stream):
                t = float(frame.pts * tb) if frame.pts is not None and tb else 0.0
                if t + 1e-6 >= start_sec or start_sec == 0:
                    yield t, _upright(frame)
    except av.FFmpegError as exc:
        raise MediaError(f"video is corrupt or truncated: {exc}") from exc


def last_frame(path: Path | str) -> np.ndarray:
    """The final frame of a video as an RGB array (one decode of its last second)."""
    kind = sniff(path)
    if kind is None or kind[0] != "video":
        raise MediaError("not a supported video format")
    try:
        with av.open(str(path)) as container:
            stream, info = _header(container, kind[1], DEFAULT_MAX_PIXELS)
            stream.thread_type = "AUTO"
            if info.duration_sec and stream.time_base:
                target = max(0.0, info.duration_sec - 1.0)
                container.seek(int(target / stream.time_base), stream=stream, backward=True)
            last = None
            for frame in container.decode(stream):
                last = frame
    except av.FFmpegError as exc:
        raise MediaError(f"video is corrupt or truncated: {exc}") from exc
    if last is None:
        raise MediaError("video has no frames")
    return _upright(last)


def even_size(width: float, height: float) -> tuple[int, int]:
    """Round to the even sizes H.264 in 4:2:0 needs, at least 2x2."""
    return max(2, round(width / 2) * 2), max(2, round(height / 2) * 2)


def fit_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Even size no larger than `max_side` on either side, keeping the aspect ratio."""
    scale = min(1.0, max_side / max(width, height))
    return even_size(width * scale, height * scale)


class VideoWriter:
    """Write RGB frames to an H.264 (yuv420p) MP4 that browsers play, atomically.

    Use as a context manager; the file appears at `dest` only if the block completes.
    """

    def __init__(
        self, dest: Path | str, width: int, height: int, fps: int, *, crf: int = 21
    ) -> None:
        if width % 2 or height % 2 or width <= 0 or height <= 0:
            raise ValueError(f"H.264 needs even positive dimensions, got {width}x{height}")
        self.dest = Path(dest)
        self.width, self.height, self.fps = width, height, fps
        self.frames = 0
        self._tmp = self.dest.with_name(f".{self.dest.name}.{secrets.token_hex(4)}.part")
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(
            str(self._tmp), "w", format="mp4", options={"movflags": "+faststart"}
        )
        self._stream = self._container.add_stream(
            "libx264", rate=fps, options={"crf": str(crf), **_X264}
        )
        self._stream.width, self._stream.height = width, height
        self._stream.pix_fmt = "yuv420p"
        # Tagged BT.709 so players do not guess the colours (untagged HD drifts in browsers).
        for name, value in _BT709_TAGS.items():
            setattr(self._stream.codec_context, name, value)
        self._stream.codec_context.time_base = Fraction(1, fps)
        self._reformat = VideoReformatter()

    def write(self, image: np.ndarray | Image.Image | av.VideoFrame) -> None:
        self.write_frame(to_yuv(self._reformat, image, self.width, self.height))

    def write_frame(self, frame: av.VideoFrame) -> None:
        """Encode a frame already converted by `to_yuv` (possibly in another thread)."""
        frame.pts = self.frames
        self._container.mux(self._stream.encode(frame))
        self.frames += 1

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._container.mux(self._stream.encode(None))
            self._container.close()
            if exc_type is None:
                os.replace(self._tmp, self.dest)
        finally:
            self._tmp.unlink(missing_ok=True)


def to_yuv(
    scaler: VideoReformatter,
    image: np.ndarray | Image.Image | av.VideoFrame,
    width: int,
    height: int,
) -> av.VideoFrame:
    """An RGB picture as the writer's BT.709 yuv420p frame. `scaler` is kept for a whole
    clip (a new one per frame sets swscale up each time, which cost more than the
    conversion) and used by one thread at a time."""
    if isinstance(image, av.VideoFrame):  # drawn as planes already (`yuv_frame`)
        if (image.width, image.height) != (width, height):
            raise ValueError(
                f"frame is {image.width}x{image.height}, writer wants {width}x{height}"
            )
        return image
    rgb = np.asarray(image.convert("RGB")) if isinstance(image, Image.Image) else image
    if rgb.shape != (height, width, 3):
        raise ValueError(f"frame is {rgb.shape}, writer wants {height}x{width}x3")
    frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
    return scaler.reformat(
        frame,
        format="yuv420p",
        dst_colorspace=Colorspace.ITU709,
        dst_color_range="MPEG",
        dst_color_trc=1,
        dst_color_primaries=1,
    )


def yuv_planes(image: Image.Image) -> tuple[Image.Image, Image.Image, Image.Image]:
    """An RGB picture as the writer's BT.709 limited-range planes: Y at full size, U and V
    at half (4:2:0), each an 8-bit Pillow image. Effects that move or mix pictures work on
    these and hand `yuv_frame` to the writer: no colour conversion per frame."""
    rgb = np.asarray(flatten(image))
    h, w = rgb.shape[:2]
    even = (w + w % 2, h + h % 2)
    frame = VideoReformatter().reformat(
        av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24"),
        width=even[0],
        height=even[1],
        format="yuv420p",
        dst_colorspace=Colorspace.ITU709,
        dst_color_range="MPEG",
    )
    y, u, v = (
        np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)[
            :, : plane.width
        ]
        for plane in frame.planes
    )
    return Image.fromarray(y), Image.fromarray(u), Image.fromarray(v)


def yuv_frame(y: Image.Image, u: Image.Image, v: Image.Image) -> av.VideoFrame:
    """A yuv420p frame of planes as `yuv_planes` gives them (Y of even size)."""
    frame = av.VideoFrame(*y.size, "yuv420p")
    for plane, image in zip(frame.planes, (y, u, v), strict=True):
        pixels = np.asarray(image)
        if plane.line_size != plane.width:  # rows padded for alignment
            padded = np.zeros((plane.height, plane.line_size), np.uint8)
            padded[:, : plane.width] = pixels
            pixels = padded
        plane.update(pixels.tobytes())
    return frame


def write_video(
    frames: Iterator[np.ndarray] | list[np.ndarray],
    dest: Path | str,
    width: int,
    height: int,
    fps: int,
) -> Path:
    """Encode RGB frames (height x width x 3, uint8) to `dest`; returns `dest`."""
    with VideoWriter(dest, width, height, fps) as writer:
        for rgb in frames:
            writer.write(rgb)
    return Path(dest)


def make_thumbnail(src: Path | str, dest_jpg: Path | str, *, max_side: int = 480) -> Path:
    """A JPEG poster: the image itself, or the most detailed of a few frames of a video."""
    kind = sniff(src)
    if kind is None:
        raise MediaError("not a supported image or video format")
    if kind[0] == "video":
        scan_video(src, poster=dest_jpg, poster_side=max_side)
        return Path(dest_jpg)
    _save_poster(flatten(open_image(src), (255, 255, 255)), Path(dest_jpg), max_side)
    return Path(dest_jpg)


def make_preview(
    video: Path | str,
    dest_mp4: Path | str,
    *,
    max_side: int = 320,
    max_seconds: float = 3.0,
    fps: int = 12,
) -> Path:
    """A short, small, silent H.264 clip of the video's opening, for hover in the gallery."""
    kind = sniff(video)
    if kind is None or kind[0] != "video":
        raise MediaError("a preview needs a video")
    scan_video(
        video, preview=dest_mp4, preview_side=max_side, preview_seconds=max_seconds, preview_fps=fps
    )
    return Path(dest_mp4)


POSTER_AT = (0.1, 0.25, 0.5)  # shares of a video's length where poster frames are sampled


def scan_video(
    path: Path | str,
    *,
    poster: Path | str | None = None,
    preview: Path | str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    poster_side: int = 480,
    preview_side: int = 320,
    preview_seconds: float = 3.0,
    preview_fps: int = 12,
) -> MediaInfo:
    """Probe a video and make its poster (JPEG) and hover preview (MP4) in one pass.

    Frames are decoded only as far as the poster and preview need (half the video, its
    first `preview_seconds`); the rest is read packet by packet, which finds a cut-off file
    (packets missing, or a partial one) without decoding it. Nothing is written unless the
    whole file checks out. Raises MediaError like `probe`."""
    kind = sniff(path)
    if kind is None or kind[0] != "video":
        raise MediaError("not a supported video format")
    try:
        with av.open(str(path)) as container, contextlib.ExitStack() as stack:
            stream, info = _header(container, kind[1], max_pixels)
            stream.thread_type = "AUTO"  # frame and slice threads: the decode is most of it
            scan = _Scan(info, poster is not None, preview_seconds, preview_fps)
            for packet in container.demux(stream):
                if packet.is_corrupt:
                    raise MediaError("video is truncated: a packet is cut off")
                scan.count(packet, stream.time_base)
                if not scan.decoding:
                    continue
                for frame in packet.decode():
                    if scan.first is None and preview is not None:
                        size = fit_size(*_shown(info, frame), preview_side)
                        scan.writer = stack.enter_context(
                            VideoWriter(preview, *size, preview_fps, crf=28)
                        )
                    scan.take(frame)
            scan.check(stream.frames)
        if poster is not None:
            _save_poster(Image.fromarray(scan.poster()), Path(poster), poster_side)
        return _turned(info) if scan.turns % 2 else info
    except av.FFmpegError as exc:
        raise MediaError(f"video is corrupt or truncated: {exc}") from exc


class _Scan:
    """What one pass over a video's packets keeps: the first frame, poster candidates, the
    preview's frames (into `writer`), and how far the packets reach."""

    def __init__(self, info: MediaInfo, poster: bool, seconds: float, fps: int) -> None:
        self.duration = info.duration_sec or 0.0
        self.fps, self.src_fps = fps, info.fps or fps
        self.wanted = max(1, round(min(info.duration_sec or seconds, seconds) * fps))
        self.targets = [self.duration * share for share in POSTER_AT] if poster else []
        self.candidates: list[np.ndarray] = []
        self.writer: VideoWriter | None = None
        self.first: av.VideoFrame | None = None
        self.turns = 0
        self.packets, self.end = 0, 0.0
        self.scaler = VideoReformatter()  # kept: setting swscale up per frame costs more

    @property
    def decoding(self) -> bool:
        preview = self.writer is not None and self.writer.frames < self.wanted
        return self.first is None or bool(self.targets) or preview

    def count(self, packet: av.Packet, time_base: Fraction | None) -> None:
        if packet.size and packet.pts is not None and time_base:
            self.packets += 1
            self.end = max(self.end, float((packet.pts + (packet.duration or 0)) * time_base))
        elif packet.size:
            self.packets += 1

    def take(self, frame: av.VideoFrame) -> None:
        t = float(frame.pts * frame.time_base) if frame.pts is not None and frame.time_base else 0.0
        if self.first is None:
            self.first, self.turns = frame, _quarter_turns(frame)
        while self.targets and t + 1e-6 >= self.targets[0]:
            self.targets.pop(0)
            self.candidates.append(_upright(frame))
        writer = self.writer
        if writer is None:
            return
        small = None
        # Keep the source frame that is current at each preview tick.
        while writer.frames < self.wanted and t + 0.5 / self.src_fps >= writer.frames / self.fps:
            if small is None:
                small = _small(self.scaler, frame, writer.width, writer.height)
            writer.write(small)

    def check(self, indexed: int | None) -> None:
        if self.first is None:
            raise MediaError("video is truncated: no frame could be decoded")
        # The index of a fast-start MP4 sits before the data, so a cut-off file still opens
        # and claims its full length: its packets are what is missing.
        if indexed and self.packets < indexed:
            raise MediaError(f"video is truncated: {self.packets} of {indexed} frames present")
        if self.duration and self.end and self.end < self.duration - 1.0:
            raise MediaError(
                f"video is truncated: it ends at {self.end:.1f} s of {self.duration:.1f}"
            )

    def poster(self) -> np.ndarray:
        """Many clips open on black (fades, title cards): of the sampled frames, the one
        with the most luma variance, passing over near-black ones (the first frame of a
        video too short to have one at 10%)."""
        best, best_score = None, -1.0
        for rgb in self.candidates:
            luma = rgb[::2, ::2] @ np.array([0.299, 0.587, 0.114], np.float32)
            score = float(luma.std()) + (0.0 if luma.mean() > 16 else -1000.0)
            if score > best_score:
                best, best_score = rgb, score
        if best is None:
            assert self.first is not None
            best = _upright(self.first)
        return best


def _shown(info: MediaInfo, frame: av.VideoFrame) -> tuple[int, int]:
    """A frame's size as displayed (turned upright)."""
    turns = _quarter_turns(frame)
    return (info.height, info.width) if turns % 2 else (info.width, info.height)


def _small(scaler: VideoReformatter, frame: av.VideoFrame, width: int, height: int) -> np.ndarray:
    """A frame upright at `width` x `height`, scaled while converting (one swscale pass)."""
    turns = _quarter_turns(frame)
    w, h = (height, width) if turns % 2 else (width, height)
    rgb = scaler.reformat(
        frame, width=w, height=h, format="rgb24", interpolation="BILINEAR"
    ).to_ndarray()
    return np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb


def _save_poster(picture: Image.Image, dest: Path, max_side: int) -> None:
    picture.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    with _atomic(dest) as tmp:
        picture.save(tmp, format="JPEG", quality=85)


@contextmanager
def _atomic(dest: Path) -> Iterator[Path]:
    """A temporary path next to `dest`, renamed onto it if the block succeeds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
