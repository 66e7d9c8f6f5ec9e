"""Frames of an animated text card: the prompt, wrapped, over a drifting colour field.

The seed picks the colours and the direction of drift, so one seed always gives the same
frames. The expensive parts (background, text layer) are drawn once; each frame is a crop,
a tint and a paste, which keeps a 720p frame to a few milliseconds.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

_FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
_DRIFT = 0.12  # background canvas margin, as a share of the frame, for the drift
_FADE_S = 0.6


def text_card_frames(
    prompt: str, width: int, height: int, n_frames: int, fps: int, seed: int
) -> Iterator[np.ndarray]:
    rng = np.random.default_rng(seed)
    margin_x, margin_y = int(width * _DRIFT), int(height * _DRIFT)
    background = _background(width + margin_x, height + margin_y, rng)
    angle = rng.uniform(0, 2 * math.pi)
    phase = rng.uniform(0, 2 * math.pi)
    text_rgb, text_mask, (tx, ty) = _text_layer(prompt.strip() or " ", width, height)
    for i in range(n_frames):
        t = i / fps
        u = i / max(1, n_frames - 1)
        # Drift from one side of the margin to the other along the seed's direction.
        dx = round((0.5 + 0.5 * math.cos(angle) * (2 * u - 1)) * margin_x)
        dy = round((0.5 + 0.5 * math.sin(angle) * (2 * u - 1)) * margin_y)
        frame = background.crop((dx, dy, dx + width, dy + height))
        # A slow per-channel tint, applied as a lookup table (C speed on uint8).
        gains = [1.0 + 0.08 * math.sin(phase + 2 * math.pi * t / 4 + c * 2.1) for c in range(3)]
        frame = frame.point([min(255, int(v * g)) for g in gains for v in range(256)])
        bob = round(math.sin(phase + 2 * math.pi * t / 3) * height * 0.01)
        fade = min(1.0, t / _FADE_S) if n_frames > 1 else 1.0
        mask = text_mask if fade >= 1.0 else text_mask.point(lambda v, f=fade: int(v * f))
        frame.paste(text_rgb, (tx, ty + bob), mask)
        yield np.asarray(frame)


def _background(width: int, height: int, rng: np.random.Generator) -> Image.Image:
    """A diagonal two-colour gradient with a few soft light blobs."""
    hue = rng.uniform(0, 1)
    c0 = np.array(_hsv(hue, 0.65, 0.45), np.float32)
    c1 = np.array(_hsv((hue + rng.uniform(0.15, 0.4)) % 1, 0.7, 0.25), np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    k = ((xs / width + ys / height) / 2)[..., None]
    field = c0 * (1 - k) + c1 * k
    # Blobs are drawn small and scaled up: blurring a full 1080p canvas costs seconds.
    small = Image.new("L", (max(1, width // 8), max(1, height // 8)))
    draw = ImageDraw.Draw(small)
    for _ in range(5):
        r = rng.uniform(0.05, 0.18) * small.width
        x, y = rng.uniform(0, small.width), rng.uniform(0, small.height)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.uniform(40, 90)))
    small = small.filter(ImageFilter.GaussianBlur(max(1, small.width // 30)))
    glow = np.asarray(small.resize((width, height), Image.Resampling.BILINEAR), np.float32)[
        ..., None
    ]
    return Image.fromarray(np.clip(field + glow * 0.6, 0, 255).astype(np.uint8))


def _text_layer(prompt: str, width: int, height: int) -> tuple[Image.Image, Image.Image, tuple]:
    """White text with a soft shadow: (rgb, mask, top-left) placed centred in the frame."""
    max_w, max_h = width * 0.84, height * 0.78
    size = max(10, height // 9)
    while True:
        font = _font(size)
        lines = _wrap(prompt, font, max_w)
        line_h = int(size * 1.25)
        if len(lines) * line_h <= max_h or size <= 10:
            break
        size = max(10, int(size * 0.85))
    keep = max(1, int(max_h // line_h))
    if len(lines) > keep:
        lines = [*lines[: keep - 1], lines[keep - 1].rstrip() + " …"]
    block_w = int(max(font.getlength(line) for line in lines)) + 2
    block_h = len(lines) * line_h
    pad = max(2, size // 6)
    text = Image.new("L", (block_w + 2 * pad, block_h + 2 * pad))
    draw = ImageDraw.Draw(text)
    for n, line in enumerate(lines):
        x = (block_w - font.getlength(line)) / 2 + pad
        draw.text((x, pad + n * line_h), line, font=font, fill=255)
    shadow = text.filter(ImageFilter.GaussianBlur(pad / 2))
    # One RGB layer: black where only the shadow is, white where the text is.
    mask = Image.fromarray(np.maximum(np.asarray(text), np.asarray(shadow) * 0.55).astype(np.uint8))
    rgb = Image.merge("RGB", [text] * 3)
    left = (width - text.width) // 2
    top = (height - text.height) // 2
    return rgb, mask, (left, top)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_w: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            while font.getlength(word) > max_w and len(word) > 1:  # break over-long words
                cut = max(1, int(len(word) * max_w / font.getlength(word)) - 1)
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= max_w:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines or [""]


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path in _FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)  # type: ignore[return-value]


def _hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    r, g, b = colorsys.hsv_to_rgb(h, s, v)
    return r * 255, g * 255, b * 255
