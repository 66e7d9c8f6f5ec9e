"""Frames of the picture effects: pan-and-zoom, continuation, cross-fade and compositing.

Every effect is a generator of RGB arrays whose motion comes only from its arguments and
the seed, so one seed always gives the same frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from pixsim7.media import flatten

_ZOOM = 1.18  # how far pan-and-zoom closes in (or opens out)


def ken_burns_frames(
    image: Image.Image, width: int, height: int, n_frames: int, seed: int
) -> Iterator[np.ndarray]:
    """Pan and zoom over `image`; the seed picks zoom in or out and the direction of pan."""
    rng = np.random.default_rng(seed)
    zoom_in = bool(rng.integers(0, 2))
    angle = rng.uniform(0, 2 * math.pi)
    z0, z1 = (1.0, _ZOOM) if zoom_in else (_ZOOM, 1.0)
    # Pan to the far edge the closer view allows, along the seed's direction.
    reach = (1 - 1 / _ZOOM) / 2 * 0.9
    start = (0.5 - math.cos(angle) * reach, 0.5 - math.sin(angle) * reach)
    end = (0.5 + math.cos(angle) * reach, 0.5 + math.sin(angle) * reach)
    return pan_zoom_frames(image, width, height, n_frames, (z0, z1), (start, end))


def extend_frames(
    last: Image.Image, width: int, height: int, n_frames: int, seed: int
) -> Iterator[np.ndarray]:
    """Carry on from a video's last frame: a slow push in, drifting the seed's way.

    The first frame is the last frame itself, so the join is seamless.
    """
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * math.pi)
    zoom = 1.12
    reach = (1 - 1 / zoom) / 2 * 0.8
    end = (0.5 + math.cos(angle) * reach, 0.5 + math.sin(angle) * reach)
    return pan_zoom_frames(last, width, height, n_frames, (1.0, zoom), ((0.5, 0.5), end))


def pan_zoom_frames(
    image: Image.Image,
    width: int,
    height: int,
    n_frames: int,
    zooms: tuple[float, float],
    centres: tuple[tuple[float, float], tuple[float, float]],
) -> Iterator[np.ndarray]:
    """Move a view of the output's shape over `image` from one (zoom, centre) to another.

    Zoom 1 is the largest view of that shape that fits in the image; centres are shares of
    the image's width and height, kept so the view never leaves the image.
    """
    image = flatten(image)
    # Scale a large source down once: each frame then resizes a much smaller crop.
    cover = max(width / image.width, height / image.height) * max(zooms)
    if cover < 1:
        image = image.resize(
            (max(1, round(image.width * cover)), max(1, round(image.height * cover))),
            Image.Resampling.LANCZOS,
        )
    view_w0, view_h0 = _fit_view(image.width, image.height, width / height)
    for i in range(n_frames):
        k = _ease(i / max(1, n_frames - 1))
        z = zooms[0] + (zooms[1] - zooms[0]) * k
        cx = centres[0][0] + (centres[1][0] - centres[0][0]) * k
        cy = centres[0][1] + (centres[1][1] - centres[0][1]) * k
        vw, vh = view_w0 / z, view_h0 / z
        x0 = min(max(cx * image.width - vw / 2, 0.0), image.width - vw)
        y0 = min(max(cy * image.height - vh / 2, 0.0), image.height - vh)
        box = (x0, y0, x0 + vw, y0 + vh)
        yield np.asarray(image.resize((width, height), Image.Resampling.BILINEAR, box=box))


def transition_frames(
    images: Sequence[Image.Image],
    durations: Sequence[float],
    width: int,
    height: int,
    fps: int,
    seed: int,
) -> Iterator[np.ndarray]:
    """Cross-fade from each image to the next, segment i lasting durations[i] seconds.

    Each segment holds its first and last image briefly so both are seen clearly; every
    picture drifts slowly in the seed's direction.
    """
    rng = np.random.default_rng(seed)
    margin = 0.06
    pad_w, pad_h = round(width * margin), round(height * margin)
    stills = [_cover(im, width + pad_w, height + pad_h) for im in images]
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
        dx = round((0.5 + 0.5 * math.cos(angle) * (2 * drift - 1)) * pad_w)
        dy = round((0.5 + 0.5 * math.sin(angle) * (2 * drift - 1)) * pad_h)
        a = stills[seg][dy : dy + height, dx : dx + width]
        b = stills[seg + 1][dy : dy + height, dx : dx + width]
        if mix <= 0.0:
            yield a
        elif mix >= 1.0:
            yield b
        else:
            blended = a.astype(np.float32) * (1 - mix) + b.astype(np.float32) * mix
            yield blended.astype(np.uint8)


def fusion_frames(
    subject: Image.Image,
    background: Image.Image,
    width: int,
    height: int,
    n_frames: int,
    seed: int,
) -> Iterator[np.ndarray]:
    """The subject, scaled and centred, floating gently over a slowly zooming background.

    A subject with transparency keeps its own outline; an opaque one is shown as a card
    with rounded corners, and both cast a soft shadow.
    """
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * math.pi)
    sway = rng.choice([-1.0, 1.0])
    cutout, mask = _subject_layer(subject, width, height)
    shadow = _shadow(mask, max(2, height // 60))
    offset = max(2, height // 80)
    bg = pan_zoom_frames(background, width, height, n_frames, (1.0, 1.08), ((0.5, 0.5),) * 2)
    for i, backdrop in enumerate(bg):
        t = i / max(1, n_frames - 1)
        frame = Image.fromarray(backdrop)
        x = (width - cutout.width) // 2 + round(sway * width * 0.03 * (t - 0.5) * 2)
        y = (height - cutout.height) // 2 + round(math.sin(phase + 2 * math.pi * t) * height * 0.02)
        frame.paste((0, 0, 0), (x + offset, y + offset), shadow)
        frame.paste(cutout, (x, y), mask)
        yield np.asarray(frame)


def _subject_layer(
    subject: Image.Image, width: int, height: int
) -> tuple[Image.Image, Image.Image]:
    scale = min(width * 0.7 / subject.width, height * 0.7 / subject.height)
    size = (max(2, round(subject.width * scale)), max(2, round(subject.height * scale)))
    rgba = subject.convert("RGBA").resize(size, Image.Resampling.LANCZOS)
    alpha = rgba.getchannel("A")
    if alpha.getextrema() == (255, 255):
        alpha = Image.new("L", size)
        radius = max(2, min(size) // 12)
        ImageDraw.Draw(alpha).rounded_rectangle((0, 0, size[0] - 1, size[1] - 1), radius, 255)
    return rgba.convert("RGB"), alpha


def _shadow(mask: Image.Image, blur: int) -> Image.Image:
    return mask.filter(ImageFilter.GaussianBlur(blur)).point(lambda v: v * 3 // 5)


def _cover(image: Image.Image, width: int, height: int) -> np.ndarray:
    """`image` scaled and centre-cropped to fill width x height."""
    image = flatten(image)
    view_w, view_h = _fit_view(image.width, image.height, width / height)
    x0, y0 = (image.width - view_w) / 2, (image.height - view_h) / 2
    box = (x0, y0, x0 + view_w, y0 + view_h)
    return np.asarray(image.resize((width, height), Image.Resampling.LANCZOS, box=box))


def _fit_view(img_w: int, img_h: int, aspect: float) -> tuple[float, float]:
    """The largest width x height of the given aspect that fits in the image."""
    if img_w / img_h > aspect:
        return img_h * aspect, float(img_h)
    return float(img_w), img_w / aspect


def _ease(u: float) -> float:
    return u * u * (3 - 2 * u)
