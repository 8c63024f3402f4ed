"""Qt's own warnings end up in Python logging, at the matching level."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType

from outpost.ui.qt_logging import qt_message_handler


def test_qt_messages_become_log_records(caplog: pytest.LogCaptureFixture) -> None:
    handler = qt_message_handler(logging.getLogger("outpost.qt"))
    with caplog.at_level(logging.DEBUG, logger="outpost.qt"):
        handler(QtMsgType.QtWarningMsg, QMessageLogContext(), "QFont: bad size")
        handler(QtMsgType.QtCriticalMsg, QMessageLogContext(), "broken")
        handler(QtMsgType.QtDebugMsg, QMessageLogContext(), "chatter")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "[default] QFont: bad size"),
        (logging.ERROR, "[default] broken"),
        (logging.DEBUG, "[default] chatter"),
    ]
