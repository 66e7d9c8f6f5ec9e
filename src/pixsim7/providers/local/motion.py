"""Frames of the picture effects: pan-and-zoom, continuation, cross-fade and compositing.

Every effect is a generator of frames whose motion comes only from its arguments and the
seed, so one seed always gives the same frames. The effects move and mix pictures as the
encoder's own Y, U and V planes (`media.yuv_planes`), converted from RGB once per picture:
a 720p frame is then a few milliseconds of Pillow work and no colour conversion.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pixsim7.media import flatten, yuv_frame, yuv_planes

_ZOOM = 1.18  # how far pan-and-zoom closes in (or opens out)
# Large pictures are first shrunk by a whole factor (a box filter, fast) to within this
# many times the target size, then resampled: a photo is scaled in tens of milliseconds
# instead of hundreds, and looks the same at the end.
_REDUCING_GAP = 3.0


class Planes(NamedTuple):
    """A picture as Y (full size), U and V (half size) planes, BT.709 limited range."""

    y: Image.Image
    u: Image.Image
    v: Image.Image

    @classmethod
    def of(cls, image: Image.Image) -> Planes:
        return cls(*yuv_planes(image))

    def crop(self, box: tuple[int, int, int, int]) -> Planes:
        """A region given in luma pixels, at an even position and of even size."""
        half = (box[0] // 2, box[1] // 2, box[2] // 2, box[3] // 2)
        return Planes(self.y.crop(box), self.u.crop(half), self.v.crop(half))

    def frame(self) -> av.VideoFrame:
        return yuv_frame(*self)


def ken_burns_frames(
    image: Image.Image, width: int, height: int, n_frames: int, seed: int
) -> Iterator[av.VideoFrame]:
    """Pan and zoom over `image`; the seed picks zoom in or out and the direction of pan."""
    rng = np.random.default_rng(seed)
    zoom_in = bool(rng.integers(0, 2))
    angle = rng.uniform(0, 2 * math.pi)
    z0, z1 = (1.0, _ZOOM) if zoom_in else (_ZOOM, 1.0)
    # Pan to the far edge the closer view allows, along the seed's direction.
    reach = (1 - 1 / _ZOOM) / 2 * 0.9
    start = (0.5 - math.cos(angle) * reach, 0.5 - math.sin(angle) * reach)
    end = (0.5 + math.cos(angle) * reach, 0.5 + math.sin(angle) * reach)
    moving = pan_zoom_planes(image, width, height, n_frames, (z0, z1), (start, end))
    return (planes.frame() for planes in moving)


def extend_frames(
    last: Image.Image, width: int, height: int, n_frames: int, seed: int
) -> Iterator[av.VideoFrame]:
    """Carry on from a video's last frame: a slow push in, drifting the seed's way.

    The first frame is the last frame itself, so the join is seamless.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * math.pi)
    zoom = 1.12
    reach = (1 - 1 / zoom) / 2 * 0.8
    end = (0.5 + math.cos(angle) * reach, 0.5 + math.sin(angle) * reach)
    moving = pan_zoom_planes(last, width, height, n_frames, (1.0, zoom), ((0.5, 0.5), end))
    return (planes.frame() for planes in moving)


def pan_zoom_planes(
    image: Image.Image,
    width: int,
    height: int,
    n_frames: int,
    zooms: tuple[float, float],
    centres: tuple[tuple[float, float], tuple[float, float]],
) -> Iterator[Planes]:
    """Move a view of the output's shape over `image` from one (zoom, centre) to another.

    Zoom 1 is the largest view of that shape that fits in the image; centres are shares of
    the image's width and height, kept so the view never leaves the image. Each plane is
    resampled from the exact (fractional) view, so slow motion stays smooth.
    """
    image = flatten(image)
    # Scale a large source down once: each frame then resizes a much smaller crop.
    cover = max(width / image.width, height / image.height) * max(zooms)
    if cover < 1:
        image = image.resize(
            (max(1, round(image.width * cover)), max(1, round(image.height * cover))),
            Image.Resampling.LANCZOS,
            reducing_gap=_REDUCING_GAP,
        )
    src = Planes.of(image)
    img_w, img_h = src.y.size
    view_w0, view_h0 = _fit_view(img_w, img_h, width / height)
    for i in range(n_frames):
        k = _ease(i / max(1, n_frames - 1))
        z = zooms[0] + (zooms[1] - zooms[0]) * k
        cx = centres[0][0] + (centres[1][0] - centres[0][0]) * k
        cy = centres[0][1] + (centres[1][1] - centres[0][1]) * k
        vw, vh = view_w0 / z, view_h0 / z
        x0 = min(max(cx * img_w - vw / 2, 0.0), img_w - vw)
        y0 = min(max(cy * img_h - vh / 2, 0.0), img_h - vh)
        box = (x0, y0, x0 + vw, y0 + vh)
        half = (x0 / 2, y0 / 2, (x0 + vw) / 2, (y0 + vh) / 2)
        yield Planes(
            src.y.resize((width, height), Image.Resampling.BILINEAR, box=box),
            src.u.resize((width // 2, height // 2), Image.Resampling.BILINEAR, box=half),
            src.v.resize((width // 2, height // 2), Image.Resampling.BILINEAR, box=half),
        )


def transition_frames(
    images: Sequence[Image.Image],
    durations: Sequence[float],
    width: int,
    height: int,
    fps: int,
    seed: int,
) -> Iterator[av.VideoFrame]:
    """Cross-fade from each image to the next, segment i lasting durations[i] seconds.

    Each segment holds its first and last image briefly so both are seen clearly; every
    picture drifts slowly in the seed's direction.
    """
    rng = np.random.default_rng(seed)
    margin = 0.06
    pad_w, pad_h = 2 * round(width * margin / 2), 2 * round(height * margin / 2)
    covers: dict[int, Planes] = {}  # the same picture (object) is scaled once
    for im in images:
        if id(im) not in covers:
            covers[id(im)] = Planes.of(_cover(im, width + pad_w, height + pad_h))
    stills = [covers[id(im)] for im in images]
    angle = rng.uniform(0, 2 * math.pi)
    ends = np.cumsum(durations)
    n_frames = max(1, round(float(ends[-1]) * fps))
    for i in range(n_frames):
        t = i / fps
        seg = min(int(np.searchsorted(ends, t, side="right")), len(durations) - 1)
        start = ends[seg] - durations[seg]
        u = (t - start) / durations[seg]
        mix = _ease(min(1.0, max(0.0, (u - 0.2) / 0.6)))
        drift = _ease(i / max(1, n_frames - 1))
        # Even offsets: the half-size colour planes move with the picture.
        dx = 2 * round((0.5 + 0.5 * math.cos(angle) * (2 * drift - 1)) * pad_w / 2)
        dy = 2 * round((0.5 + 0.5 * math.sin(angle) * (2 * drift - 1)) * pad_h / 2)
        box = (dx, dy, dx + width, dy + height)
        if mix <= 0.0:
            yield stills[seg].crop(box).frame()
        elif mix >= 1.0:
            yield stills[seg + 1].crop(box).frame()
        else:
            a, b = stills[seg].crop(box), stills[seg + 1].crop(box)
            yield Planes(*(Image.blend(p, q, mix) for p, q in zip(a, b, strict=True))).frame()


def fusion_frames(
    subject: Image.Image,
    background: Image.Image,
    width: int,
    height: int,
    n_frames: int,
    seed: int,
) -> Iterator[av.VideoFrame]:
    """The subject, scaled and centred, floating gently over a slowly zooming background.

    A subject with transparency keeps its own outline; an opaque one is shown as a card
    with rounded corners, and both cast a soft shadow.
    """
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * math.pi)
    sway = rng.choice([-1.0, 1.0])
    cutout, mask = _subject_layer(subject, width, height)
    layer = Planes.of(cutout)
    shadow = _shadow(mask, max(2, height // 60))
    halves = [m.resize((m.width // 2, m.height // 2), Image.Resampling.BOX) for m in (mask, shadow)]
    offset = 2 * max(1, height // 160)
    bg = pan_zoom_planes(background, width, height, n_frames, (1.0, 1.08), ((0.5, 0.5),) * 2)
    for i, (y, u, v) in enumerate(bg):
        t = i / max(1, n_frames - 1)
        # Even positions: the half-size colour planes are pasted at half of them.
        x = 2 * (((width - cutout.width) // 2 + round(sway * width * 0.03 * (t - 0.5) * 2)) // 2)
        top = (height - cutout.height) // 2 + round(
            math.sin(phase + 2 * math.pi * t) * height * 0.02
        )
        top = 2 * (top // 2)
        y.paste(16, (x + offset, top + offset), shadow)  # black: Y 16, U and V 128
        y.paste(layer.y, (x, top), mask)
        at, shadow_at = (x // 2, top // 2), ((x + offset) // 2, (top + offset) // 2)
        for plane, colour in ((u, layer.u), (v, layer.v)):
            plane.paste(128, shadow_at, halves[1])
            plane.paste(colour, at, halves[0])
        yield Planes(y, u, v).frame()


def _subject_layer(
    subject: Image.Image, width: int, height: int
) -> tuple[Image.Image, Image.Image]:
    scale = min(width * 0.7 / subject.width, height * 0.7 / subject.height)
    # Even: its colour planes are half its size.
    size = (
        2 * max(1, round(subject.width * scale / 2)),
        2 * max(1, round(subject.height * scale / 2)),
    )
    rgba = subject.convert("RGBA").resize(
        size, Image.Resampling.LANCZOS, reducing_gap=_REDUCING_GAP
    )
    alpha = rgba.getchannel("A")
    if alpha.getextrema() == (255, 255):
        alpha = Image.new("L", size)
        radius = max(2, min(size) // 12)
        ImageDraw.Draw(alpha).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius, 255)
    return rgba.convert("RGB"), alpha


def _shadow(mask: Image.Image, blur: int) -> Image.Image:
    return mask.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * 3 // 5)


def _cover(image: Image.Image, width: int, height: int) -> Image.Image:
    """`image` scaled and centre-cropped to fill width x height."""
    image = flatten(image)
    view_w, view_h = _fit_view(image.width, image.height, width / height)
    x0, y0 = (image.width - view_w) / 2, (image.height - view_h) / 2
    box = (x0, y0, x0 + view_w, y0 + view_h)
    return image.resize(
        (width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=_REDUCING_GAP
    )


def _fit_view(img_w: int, img_h: int, aspect: float) -> tuple[float, float]:
    """The largest width x height of the given aspect that fits in the image."""
    if img_w / img_h > aspect:
        return img_h * aspect, float(img_h)
    return float(img_w), img_w / aspect


def _ease(u: float) -> float:
    return u * u * (3 - 2 * u)
