"""The whole app as `outpost.app.run_app` composes it, for UI tests: a real store, the sync
service, review and session services on the store worker, the access screens and the main
window, signed in to a real `outpost server` through the real sign-in screens.

Two things are injected: the idle clock (`FakeClock`, so the idle lock is driven without
sleeping) and the browser (`BrowserRecorder`: the app's "open this address" calls are
recorded; a test follows the address with a real HTTP client, as a person's browser would).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import requests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from outpost.app import access_screens, remember_first_run
from outpost.core.ports import ClinicStore, SessionPort, SyncPort, SyncReviewPort
from outpost.core.session import AccessState
from outpost.core.settings import Profile, Settings
from outpost.core.tech_check import TechCheckPort
from outpost.core.visits import CallPort
from outpost.store.keychain import SystemKeychain
from outpost.store.review import SyncReview
from outpost.store.store import Store
from outpost.sync.backoff import Backoff, BackoffPolicy
from outpost.sync.scheduler import SchedulePolicy, SyncScheduler
from outpost.sync.service import SyncService
from outpost.sync.session import SessionService
from outpost.sync.tokens import SessionTokens, TokenStore, read_profile_id
from outpost.ui.access_controller import AccessController
from outpost.ui.main_window import MainWindow
from outpost.ui.sign_in_widget import SignInWidget
from outpost.ui.sync_controller import SyncController

if TYPE_CHECKING:
    from tests.ui.conftest import Session

IMMEDIATE = SchedulePolicy(interval_s=300, after_signed_note_s=0, startup_delay_s=0)
HTTP_TIMEOUT = 10.0


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class BrowserRecorder:
    """Stands in for the system browser: remembers each address the app opens."""

    opened: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bool:
        self.opened.append(url)
        return True


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        if tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")


def sign_in_in_browser(url: str, origin: str, user: str, password: str) -> requests.Response:
    """What a person does in the browser: open the address, fill in the server's form and
    submit it; the server's redirect is followed to the app's loopback listener."""
    page = requests.get(url, timeout=HTTP_TIMEOUT)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    answer = requests.post(
        origin + form.action,
        data={**form.fields, "username": user, "password": password},
        timeout=HTTP_TIMEOUT,
    )
    return answer


@dataclass
class AppStack:
    window: MainWindow
    session: Session
    sync: SyncController
    access: AccessController
    sign_in: SignInWidget
    review: SyncReviewPort
    tokens: TokenStore
    clock: FakeClock
    browser: BrowserRecorder
    _port: SyncPort

    def stored_tokens(self) -> SessionTokens | None:
        return self.tokens.load()

    def close(self) -> None:
        self.sync.stop()
        self.window.close()
        port = self._port
        self.session.call(lambda _store: port.close())


def _services(store: ClinicStore, profile: Profile) -> tuple[SyncPort, SyncReviewPort, SessionPort]:
    assert isinstance(store, Store)
    tokens = TokenStore(SystemKeychain(), read_profile_id(profile.data_dir))
    scheduler = SyncScheduler(IMMEDIATE, Backoff(BackoffPolicy(base_s=30), draw=lambda: 1.0))
    sync = SyncService(store, profile, tokens, scheduler=scheduler)
    return sync, SyncReview(store), SessionService(tokens)


def build_app(
    qtbot: QtBot,
    session: Session,
    profile: Profile,
    server_url: str,
    *,
    idle_lock_minutes: int = 10,
    autosave_ms: int = 200,
    today: Callable[[], date] = date.today,
    calls: CallPort | None = None,
    tech_check: TechCheckPort | None = None,
    offer_first_run: bool = False,
) -> AppStack:
    sync_port, review, session_port = session.call(lambda store: _services(store, profile))
    settings = Settings(profile=profile, server_url=server_url, idle_lock_minutes=idle_lock_minutes)
    clock = FakeClock()
    browser = BrowserRecorder()
    sync = SyncController(session.bridge, sync_port)
    access, page = access_screens(
        session.bridge, session_port, settings, open_url=browser, clock=clock
    )
    window = MainWindow(
        session.bridge,
        autosave_ms=autosave_ms,
        today=today,
        sync=sync,
        review=review,
        access=access,
        access_page=page,
        calls=calls,
        tech_check=tech_check,
        offer_first_run=offer_first_run,
    )
    remember_first_run(window, settings, session.worker)
    window.resize(1200, 760)
    window.show()
    qtbot.waitExposed(window)
    access.start()
    sync.start()
    tokens = TokenStore(SystemKeychain(), read_profile_id(profile.data_dir))
    return AppStack(
        window, session, sync, access, page.sign_in, review, tokens, clock, browser, sync_port
    )


def sign_in_with_password(qtbot: QtBot, app: AppStack, user: str, password: str) -> None:
    """Type into the sign-in screen as a person would, and wait until the work shows."""
    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    if not form.user.isReadOnly():
        form.user.setFocus()
        form.user.clear()
        QTest.keyClicks(form.user, user)
    form.password.setFocus()
    QTest.keyClicks(form.password, password)
    QTest.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.access.state is AccessState.OPEN, timeout=15_000)
