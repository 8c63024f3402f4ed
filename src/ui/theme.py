"""Colours that follow the OS light or dark theme. The app draws with the system palette;
the few words it colours itself (errors, warnings, a check that passed) take a shade that
stays readable on the palette's window colour: dark reds and greens on a light theme,
light ones on a dark theme (at least 4.5:1 contrast, WCAG AA, on Qt's default palettes)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class StatusColors:
    error: str
    warning: str
    ok: str


LIGHT = StatusColors(error="#b3261e", warning="#8a4f00", ok="#1e7a3a")
DARK = StatusColors(error="#ffb4ab", warning="#ffc27a", ok="#8fdca5")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colors(palette: QPalette) -> StatusColors:
    return DARK if is_dark(palette) else LIGHT


def error_style(palette: QPalette) -> str:
    """A style sheet for a label that says something went wrong."""
    return f"color: {status_colors(palette).error};"


def error_color(palette: QPalette) -> QColor:
    return QColor(status_colors(palette).error)
