"""Video on screen: a widget that paints the newest picture, and the feed that pulls it.

`VideoFeed` asks its source for a picture newer than the one shown, fitted to the widget,
at most ~30 times a second (a `QTimer`); nothing queues, so a slow screen only ever skips
pictures. When pictures stop coming, the last one stays, dimmed, under a caption that says
so; before the first one, the caption says what is awaited.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from outpost.core.visits import VideoImage

FRAME_MS = 33
STALE_S = 2.0
Pull = Callable[[int, int, int], VideoImage | None]  # (since, max width, max height)


class VideoWidget(QWidget):
    """Paints one picture, fitted and centred on black, with an optional caption."""

    def __init__(
        self, placeholder: str, parent: QWidget | None = None, *, border: bool = False
    ) -> None:
        super().__init__(parent)
        self._border = border  # a frame that sets a picture-in-picture apart
        self._placeholder = placeholder
        self._caption = ""
        self._image: QImage | None = None
        self._pixels: bytes = b""  # the QImage borrows these bytes
        self._dimmed = False
        self.serial = 0
        self.pictures = 0  # pictures shown so far (tests and support)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_image(self, image: VideoImage) -> None:
        self._pixels = image.rgb
        self._image = QImage(
            self._pixels, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888
        )
        self.serial = image.serial
        self.pictures += 1
        self._dimmed = False
        self.update()

    def clear(self) -> None:
        self._image, self._pixels, self.serial, self._dimmed = None, b"", 0, False
        self.update()

    def set_caption(self, text: str, *, dim: bool = False) -> None:
        """Words over the picture (empty: none); `dim` darkens a picture that is stale."""
        if (text, dim) == (self._caption, self._dimmed):
            return
        self._caption, self._dimmed = text, dim
        self.setAccessibleDescription(text)
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    @property
    def has_image(self) -> bool:
        return self._image is not None

    @property
    def caption(self) -> str:
        return self._caption if self._image is not None else self._placeholder

    def image(self) -> QImage | None:
        return None if self._image is None else self._image.copy()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(18, 18, 18))
        image = self._image
        if image is not None:
            size = image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            painter.drawImage(target, image)
            if self._dimmed:
                painter.fillRect(target, QColor(0, 0, 0, 140))
        text = self._caption if image is not None else self._placeholder
        if text:
            painter.setPen(QColor(240, 240, 240))
            margin = self.rect().adjusted(12, 12, -12, -12)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(margin, int(flags), text)
        if self._border:
            painter.setPen(QPen(QColor(250, 250, 250), 2))
            painter.drawRect(self.rect().adjusted(1, 1, -1, -1))
        painter.end()


class VideoFeed(QObject):
    """Pulls the newest picture into a `VideoWidget` while running."""

    def __init__(
        self,
        widget: VideoWidget,
        pull: Pull,
        *,
        stale_caption: Callable[[], str] = lambda: "",
        interval_ms: int = FRAME_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._widget = widget
        self._pull = pull
        self._stale_caption = stale_caption
        self._clock = clock
        self._last_new = clock()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last_new = self._clock()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _on_timer_timeout(self) -> None:
        widget = self._widget
        if not widget.isVisible():
            return
        ratio = widget.devicePixelRatioF()
        image = self._pull(widget.serial, int(widget.width() * ratio), int(widget.height() * ratio))
        now = self._clock()
        if image is not None:
            self._last_new = now
            widget.set_image(image)
            widget.set_caption("")
        elif widget.has_image and now - self._last_new > STALE_S:
            widget.set_caption(self._stale_caption(), dim=True)
