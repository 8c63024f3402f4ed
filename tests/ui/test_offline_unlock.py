"""Unlocking while the clinic is offline: after a password sign-in the lock opens with the
same password on this computer when the server is gone, and the work and the open draft
come back exactly as after an online unlock. A wrong password is refused in plain words;
five in a row, or a clinician who signed in through the browser, need the server again,
and the screen says so (and that the draft is safe)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outpost.core.session import AccessState
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_in_browser
from tests.ui.conftest import AppFactory
from tests.ui.test_lock import open_with_draft, stored_texts, visible_text

DRAFT = "Video visit.\n\nSubjective:\nDizzy when standing"
WAIT_MS = 15_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def lock_and_lose_the_server(qtbot: QtBot, app: AppStack, server: RunningServer) -> None:
    """Ctrl+L; the lock screen offers the server's ways of signing in; then the server goes
    away (as when the clinic's link drops while the clinician is out of the room)."""
    form = app.sign_in
    QTest.keyClick(app.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert app.access.state is AccessState.LOCKED
    qtbot.waitUntil(
        lambda: form.password_box.isVisible() and form.password_button.isEnabled(),
        timeout=WAIT_MS,
    )
    server.process.terminate()
    server.process.wait(20)


def wait_until_idle(qtbot: QtBot, app: AppStack) -> None:
    qtbot.waitUntil(app.sign_in.password_button.isEnabled, timeout=WAIT_MS)


def type_password(app: AppStack, password: str) -> None:
    form = app.sign_in
    form.password.setFocus()
    QTest.keyClicks(form.password, password)
    QTest.keyClick(form.password, Qt.Key.Key_Return)


def test_offline_unlock_with_the_password_brings_back_the_work_and_the_draft(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="outpost")
    app = make_app(server.base_url, autosave_ms=10_000)
    patient = open_with_draft(qtbot, app, server)
    window, form = app.window, app.sign_in
    tokens = app.stored_tokens()

    lock_and_lose_the_server(qtbot, app, server)
    qtbot.waitUntil(lambda: stored_texts(app) == [DRAFT])  # saved before the screen went
    assert patient not in visible_text(window)

    # The password grant cannot reach the server: the password is checked here instead.
    type_password(app, "not the password")
    qtbot.waitUntil(lambda: "not accepted" in form.message.text(), timeout=WAIT_MS)
    assert "4 tries left" in form.message.text()
    assert form.offline_note.isVisible()
    assert "Unlock with your password on this computer" in form.offline_note.text()
    assert form.offline_note.accessibleName() == form.offline_note.text()
    assert not form.browser_button.isVisible()
    assert form.user.text() == USER
    assert form.user.isReadOnly()
    assert app.access.state is AccessState.LOCKED
    assert form.password_box.isVisible()
    assert form.password.text() == ""

    type_password(app, server.users[USER])
    qtbot.waitUntil(lambda: app.access.state is AccessState.OPEN, timeout=WAIT_MS)
    assert app.access.identity is not None
    assert app.access.identity.user == USER
    assert window.work.isVisible()
    assert window.header.patient_text == patient
    assert window.editor.text_boxes.text() == DRAFT
    assert QApplication.focusWidget() is window.editor.text_boxes.boxes["subjective"]
    assert app.stored_tokens() == tokens  # sync carries on with them when the link is back
    assert "offline unlock for practitioner" in caplog.text  # ids and outcomes only
    for secret in (server.users[USER], "not the password"):
        assert secret not in caplog.text


def test_five_wrong_passwords_need_the_server_again(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    open_with_draft(qtbot, app, server)
    form = app.sign_in
    lock_and_lose_the_server(qtbot, app, server)
    form.start_over()  # "Try again": the server is asked first, and is gone
    qtbot.waitUntil(form.offline_note.isVisible, timeout=WAIT_MS)
    assert form.password_box.isVisible()
    assert not form.browser_button.isVisible()
    assert form.retry_button.isVisible()  # to ask the server again
    for attempt in range(5):
        type_password(app, f"guess {attempt}")
        wait_until_idle(qtbot, app)
    assert "Too many wrong passwords" in form.message.text()
    assert "draft is saved" in form.message.text()
    assert not form.password_box.isVisible()
    assert app.access.state is AccessState.LOCKED

    form.start_over()  # trying the server again: still gone, and no password check kept
    qtbot.waitUntil(lambda: "Unlocking needs the server" in form.message.text(), timeout=WAIT_MS)
    assert not form.password_box.isVisible()
    assert form.retry_button.isVisible()


def test_a_browser_sign_in_cannot_unlock_offline_and_says_the_server_is_needed(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.browser_button.isVisible(), timeout=WAIT_MS)
    QTest.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(app.browser.opened) == 1, timeout=WAIT_MS)
    sign_in_in_browser(app.browser.opened[0], server.origin, USER, server.users[USER])
    qtbot.waitUntil(lambda: app.access.state is AccessState.OPEN, timeout=WAIT_MS)

    lock_and_lose_the_server(qtbot, app, server)
    QTest.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Unlocking needs the server" in form.message.text(), timeout=WAIT_MS)
    assert "Your notes are safe" in form.message.text()
    assert len(app.browser.opened) == 1  # no browser page for a server that is gone
    assert not form.password_box.isVisible()
    assert not form.offline_note.isVisible()
    assert form.retry_button.isVisible()
    assert app.access.state is AccessState.LOCKED
