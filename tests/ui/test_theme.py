"""The OS theme and font size: the words the app colours itself (errors, warnings, a check
that passed) stay readable, at WCAG AA contrast (4.5:1), on Qt's light and dark palettes;
with the font doubled, the main window's buttons still show their whole labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QPushButton, QStyleFactory
from pytestqt.qtbot import QtBot

from outpost.ui.amend_dialog import AmendDialog
from outpost.ui.theme import DARK, LIGHT, StatusColors, status_colors
from tests.ui.conftest import Session, WindowFactory, seed


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    """What a dark desktop theme hands Qt: light text on a dark window."""
    palette = QPalette(QColor("#2b2b2b"), QColor("#353535"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#f0f0f0"))
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    return palette


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    assert style is not None
    return style.standardPalette()


@pytest.fixture
def dark_theme(qapp: QApplication) -> Iterator[QPalette]:
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield qapp.palette()
    qapp.setPalette(before)


@pytest.mark.parametrize(
    ("palette", "expected"),
    [(light_palette(), LIGHT), (dark_palette(), DARK)],
    ids=["light", "dark"],
)
def test_status_colours_are_readable_on_the_theme(
    palette: QPalette, expected: StatusColors
) -> None:
    colors = status_colors(palette)
    assert colors == expected
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        background = palette.color(role)
        for shade in (colors.error, colors.warning, colors.ok):
            assert contrast(QColor(shade), background) >= 4.5, (shade, background.name())


def test_an_error_in_a_dialog_uses_the_dark_themes_shade(
    qtbot: QtBot, dark_theme: QPalette
) -> None:
    dialog = AmendDialog("Signed text.")
    qtbot.addWidget(dialog)
    assert DARK.error in dialog._problem.styleSheet()
    assert contrast(QColor(DARK.error), dark_theme.color(QPalette.ColorRole.Window)) >= 4.5


@pytest.fixture
def large_font(qapp: QApplication) -> Iterator[QFont]:
    """The user's font size doubled, as a desktop's accessibility setting does; yields
    the usual font."""
    before = qapp.font()
    bigger = QFont(before)
    bigger.setPointSizeF(before.pointSizeF() * 2)
    qapp.setFont(bigger)
    yield before
    qapp.setFont(before)


def test_with_a_doubled_font_every_button_shows_its_whole_label(
    qtbot: QtBot, session: Session, make_window: WindowFactory, large_font: QFont
) -> None:
    seed(session)
    window = make_window(session)
    window.resize(1800, 1000)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: window.editor._new_button.isEnabled())
    clipped = [
        button.text()
        for button in window.findChildren(QPushButton)
        if button.isVisible()
        and button.width() < button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
    ]
    assert clipped == []
    usual = QFontMetrics(large_font).height()
    assert window.editor._new_button.fontMetrics().height() >= 1.6 * usual  # it took the size
