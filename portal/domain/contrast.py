"""Colour contrast as WCAG 2.2 measures it: relative luminance and the contrast ratio.

Used at start-up to refuse a brand colour that white text cannot be read on (WCAG 1.4.3 asks
4.5:1 for body text), and to derive the darker shade the portal uses for hover states.
"""

from __future__ import annotations

import re

#: What WCAG 2.2 AA asks of normal-sized text against its background.
AA_TEXT = 4.5

_HEX = re.compile(r"#[0-9a-fA-F]{6}")

RGB = tuple[int, int, int]


class ColourError(ValueError):
    """A colour that is not written as #rrggbb."""


def parse_hex(colour: str) -> RGB:
    """(red, green, blue), each 0-255, from "#rrggbb"; anything else raises ColourError."""
    if not isinstance(colour, str) or not _HEX.fullmatch(colour):
        raise ColourError(f"{colour!r} is not a colour written as #rrggbb, such as #0b5c5a")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def to_hex(rgb: RGB) -> str:
    """The colour written as #rrggbb, in lower case."""
    return "#" + "".join(f"{max(0, min(255, channel)):02x}" for channel in rgb)


def _linear(channel: int) -> float:
    """One sRGB channel (0-255) made linear, as WCAG's definition of relative luminance does."""
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: RGB) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""
    r, g, b = (_linear(channel) for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: RGB, second: RGB) -> float:
    """WCAG contrast ratio, from 1 (the same luminance) to 21 (black on white); order does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(rgb: RGB, other: RGB, weight: float) -> RGB:
    """*rgb* moved *weight* (0 to 1) of the way towards *other*, rounded to whole channel values."""
    return tuple(round(a + (b - a) * weight) for a, b in zip(rgb, other, strict=True))  # type: ignore[return-value]


WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)
