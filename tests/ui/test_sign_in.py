"""Signing in and out of a real `outpost server` from the app's own screens: the password
form (only where the server offers it), the system browser with PKCE and a loopback
redirect, and a sign-out that keeps unsent work and says so."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from outpost.core.domain import VisitNote
from outpost.core.ports import ClinicStore
from outpost.core.session import AccessState, SignInOptions
from outpost.ui.access_controller import unsent_changes
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import sign_in_in_browser, sign_in_with_password
from tests.ui.conftest import AppFactory


def create(appointment_id: str, text: str, store: ClinicStore) -> VisitNote:
    return store.create_note(appointment_id, text)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def test_password_sign_in_opens_the_schedule_and_keeps_tokens_in_the_keychain_only(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(server.base_url)
    qtbot.waitUntil(lambda: app.access.state is AccessState.SIGNED_OUT)
    assert not app.window.work.isVisible()  # nothing of the clinic shows before sign-in
    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    assert form.browser_button.isVisible()  # the browser is offered too
    assert app.stored_tokens() is None

    sign_in_with_password(qtbot, app, USER, server.users[USER])

    assert app.window.work.isVisible()
    assert app.window.menuBar().isVisible()
    tokens = app.stored_tokens()
    assert tokens is not None
    assert tokens.user == USER
    assert app.access.identity is not None
    assert app.access.identity.user == USER
    # Signing in syncs at once: the schedule arrives from the server.
    qtbot.waitUntil(lambda: app.window.connection_summary.startswith("Synced at"), timeout=20_000)
    # The password is nowhere on disk: not in the profile, not in the logs.
    password = server.users[USER].encode()
    for path in tmp_path.rglob("*"):
        if path.is_file() and "server" not in path.parts[-3:]:
            assert password not in path.read_bytes(), path


def test_a_wrong_password_is_refused_in_plain_words(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    QTest.keyClicks(form.user, USER)
    QTest.keyClicks(form.password, "not the password")
    QTest.mouseClick(form.password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "not accepted" in form.message.text(), timeout=15_000)
    assert app.access.state is AccessState.SIGNED_OUT
    assert form.password.text() == ""
    assert app.stored_tokens() is None


def test_browser_sign_in_with_pkce_and_a_loopback_redirect(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.browser_button.isVisible(), timeout=15_000)
    QTest.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(app.browser.opened) == 1, timeout=15_000)
    url = app.browser.opened[0]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{server.origin}/oauth/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    qtbot.waitUntil(form.waiting.isVisible)
    assert form.address.text() == url  # for when no browser opens

    answer = sign_in_in_browser(url, server.origin, USER, server.users[USER])
    assert answer.status_code == 200
    assert "return to Outpost" in answer.text  # the loopback listener's page

    qtbot.waitUntil(lambda: app.access.state is AccessState.OPEN, timeout=15_000)
    tokens = app.stored_tokens()
    assert tokens is not None
    assert tokens.refresh_token
    qtbot.waitUntil(lambda: app.window.connection_summary.startswith("Synced at"), timeout=20_000)


def test_cancelling_the_browser_sign_in_closes_the_loopback_listener(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.browser_button.isVisible(), timeout=15_000)
    QTest.mouseClick(form.browser_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(form.waiting.isVisible, timeout=15_000)
    cancel = form.findChild(type(form.browser_button), "cancelBrowserButton")
    assert cancel is not None
    QTest.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert form.message.text() == "Signing in was cancelled."
    assert form.browser_button.isVisible()
    assert form.browser_button.isEnabled()

    def refused() -> bool:  # the browser finishing now reaches nobody
        try:
            sign_in_in_browser(app.browser.opened[0], server.origin, USER, server.users[USER])
        except OSError:
            return True
        return False

    qtbot.waitUntil(refused, timeout=10_000)
    assert app.access.state is AccessState.SIGNED_OUT
    assert app.stored_tokens() is None


def test_the_password_form_shows_only_where_the_server_offers_the_password_grant(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    controller = form._controller
    controller.sig_options_loaded.emit(SignInOptions(server.base_url, browser=True, password=False))
    assert form.browser_button.isVisible()
    assert not form.password_box.isVisible()
    controller.sig_options_loaded.emit(
        SignInOptions(server.base_url, browser=False, password=False)
    )
    assert "no way of signing in" in form.message.text()
    assert form.retry_button.isVisible()


def test_sign_out_keeps_unsent_work_and_says_so(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window = app.window
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 0, timeout=20_000)
    app.sync.stop()  # keep the changes below on this computer
    first = window.schedule.model.item(0).appointment.id
    for text in ("first", "second", "third"):
        app.session.call(partial(create, first, text))

    window.action_sign_out.trigger()
    qtbot.waitUntil(lambda: app.access.state is AccessState.SIGNED_OUT, timeout=15_000)
    page = window.access_page
    assert page is not None
    assert window.pages.currentWidget() is page
    assert not window.work.isVisible()
    qtbot.waitUntil(lambda: page.kept.text() != "")
    assert page.kept.text() == (
        "Signed out. 3 changes are kept on this computer and will be sent after you sign in again."
    )
    assert app.stored_tokens() is None
    status = app.session.call(lambda store: store.outbox_status())
    assert unsent_changes(status) == 3
    assert not window.action_sign_out.isEnabled()  # shortcuts sleep with the work hidden

    sign_in_with_password(qtbot, app, USER, server.users[USER])
    qtbot.waitUntil(
        lambda: app.session.call(lambda store: store.outbox_status()).pending == 0,
        timeout=20_000,
    )
