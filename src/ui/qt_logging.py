"""Routes Qt's own debug/warning/critical messages into Python logging ("outpost.qt")."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

QtMessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def qt_message_handler(logger: logging.Logger) -> QtMessageHandler:
    """A Qt message handler that writes to `logger` with the matching level."""

    def handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category or "default"
        logger.log(_LEVELS.get(kind, logging.WARNING), "[%s] %s", category, message)

    return handle


def install_qt_message_handler(
    logger: logging.Logger | None = None,
) -> QtMessageHandler | None:
    """Install the handler for the whole process; returns the one it replaced (None for
    Qt's default) so a caller can restore it."""
    handler = qt_message_handler(logger or logging.getLogger("outpost.qt"))
    return qInstallMessageHandler(handler)
