"""The scenes `scripts/screenshots.py` photographs, played on the real app against a real
reference server: sign-in, a SOAP note signed and amended with its history, a draft being
written, a conflict side by side in the sync panel, and the lock screen.

Each step waits for something a person would see, then acts; nothing sleeps.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from outpost.app import access_screens, tech_checks, visit_calls
from outpost.core.device_choice import SYNTHETIC
from outpost.core.ports import ClinicStore, SessionPort, SyncPort, SyncReviewPort
from outpost.core.runtime import Runtime
from outpost.core.session import AccessState
from outpost.core.settings import Profile, Settings
from outpost.core.worker import StoreWorker
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.review import SyncReview
from outpost.store.store import Store
from outpost.sync.scheduler import SchedulePolicy, SyncScheduler
from outpost.sync.service import SyncService
from outpost.sync.session import SessionService
from outpost.sync.tokens import TokenStore, read_profile_id
from outpost.ui.amend_dialog import AMEND_DIALOG, AmendDialog
from outpost.ui.bridge import Bridge
from outpost.ui.garbage import MainThreadGarbageCollector
from outpost.ui.main_window import MainWindow
from outpost.ui.sync_controller import SyncController
from outpost.ui.sync_panel import SyncPanelDialog

SIZE = (1280, 800)
USER, COLLEAGUE = "dr.rivera", "dr.okafor"
Step = tuple[Callable[[], bool], Callable[[], None]]


@dataclass(frozen=True)
class Server:
    base_url: str
    users: dict[str, str]

    @property
    def origin(self) -> str:
        return self.base_url.removesuffix("/fhir")


def _services(store: ClinicStore, profile: Profile) -> tuple[SyncPort, SyncReviewPort, SessionPort]:
    assert isinstance(store, Store)
    tokens = TokenStore(SystemKeychain(), read_profile_id(profile.data_dir))
    quick = SyncScheduler(SchedulePolicy(interval_s=300, after_signed_note_s=0, startup_delay_s=0))
    return (
        SyncService(store, profile, tokens, scheduler=quick),
        SyncReview(store),
        SessionService(tokens),
    )


def colleague_edits(server: Server, note_id: str, text: str) -> None:
    """Another clinician's Outpost changes the draft on the server (as its own author)."""
    token = requests.post(
        f"{server.origin}/oauth/token",
        data={
            "grant_type": "password",
            "username": COLLEAGUE,
            "password": server.users[COLLEAGUE],
            "client_id": "outpost-desktop",
            "scope": "openid fhirUser offline_access user/*.*",
        },
        timeout=10,
    ).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{server.base_url}/DocumentReference/{note_id}"
    current = requests.get(url, headers=headers, timeout=10).json()
    current["content"][0]["attachment"]["data"] = base64.b64encode(text.encode()).decode()
    current["author"] = [{"reference": f"Practitioner/{token['practitioner']}"}]
    version = current["meta"]["versionId"]
    answer = requests.put(
        url,
        json=current,
        headers={**headers, "If-Match": f'W/"{version}"', "Content-Type": "application/fhir+json"},
        timeout=10,
    )
    answer.raise_for_status()


class Scenes:
    def __init__(
        self, home: Path, out: Path, server: Server, *, profile_name: str = "profile"
    ) -> None:
        existing = QApplication.instance()  # a second set of scenes runs in the same one
        if isinstance(existing, QApplication):
            self.app = existing
        else:
            self.app = QApplication([sys.argv[0], "-platform", "xcb"])
            self.app.setApplicationName("Outpost")
        self.out = out
        self.server = server
        self.collector = MainThreadGarbageCollector()
        profile = Profile.at(home / profile_name)
        keychain = SystemKeychain()
        self.worker: StoreWorker[ClinicStore] = StoreWorker(
            lambda: open_store(profile, keychain), lambda store: store.close()
        )
        sync_port, review, session = self.worker.submit(
            lambda store: _services(store, profile), timeout=30
        ).result()
        self.sync_port = sync_port
        self.runtime = Runtime()
        self.runtime.start()
        self.bridge = Bridge(self.worker, self.runtime)
        settings = Settings(
            profile=profile,
            server_url=server.base_url,
            idle_lock_minutes=10,
            camera=SYNTHETIC,  # a screen without a camera or sound card: the test sources
            microphone=SYNTHETIC,
            speaker=SYNTHETIC,
        )
        self.sync = SyncController(self.bridge, sync_port)
        self.calls = visit_calls(settings, keychain, self.worker)  # as the app has it
        self.access, page = access_screens(
            self.bridge, session, settings, open_url=lambda _url: True
        )
        self.sign_in = page.sign_in
        self.window = MainWindow(
            self.bridge,
            autosave_ms=1000,
            profile_label="Demo clinic",
            sync=self.sync,
            review=review,
            access=self.access,
            access_page=page,
            calls=self.calls,
            tech_check=tech_checks(settings, keychain, self.worker),
        )
        self.window.resize(*SIZE)
        self.failed: list[str] = []
        self.steps: list[Step] = []
        self.written: list[str] = []

    # --- running ---------------------------------------------------------------------

    def run(self) -> int:
        self.window.show()
        self.access.start()
        self.sync.start()
        self._plan()
        QTimer.singleShot(0, self._next)
        QTimer.singleShot(90_000, self._give_up)
        self.app.exec()
        self.sync.stop()
        self.runtime.submit(self.calls.close, timeout=15).result(20)
        self.window.close()
        self.worker.submit(lambda _store: self.sync_port.close(), timeout=30)
        self.bridge.shutdown()
        self.runtime.shutdown()
        self.worker.close()
        self.collector.stop()
        if self.failed:
            print("screenshots: failed:", ", ".join(self.failed), file=sys.stderr)
            return 1
        print("screenshots: wrote", ", ".join(self.written))
        return 0

    def _next(self) -> None:
        if not self.steps:
            self.app.quit()
            return
        ready, action = self.steps[0]
        if ready():
            self.steps.pop(0)
            action()
        QTimer.singleShot(20, self._next)

    def _give_up(self) -> None:
        self.failed.append(f"timed out with {len(self.steps)} steps to go")
        self.app.quit()

    def grab(
        self, name: str, widget: QWidget | Callable[[], QWidget] | None = None
    ) -> Callable[[], None]:
        """A step that saves a picture of `widget` (or one found when the step runs)."""

        def save() -> None:
            self.out.mkdir(parents=True, exist_ok=True)
            target = self.out / name
            shown = widget() if callable(widget) else widget
            if (shown or self.window).grab().save(str(target)):
                self.written.append(str(target))
            else:
                self.failed.append(str(target))

        return save

    # --- the scenes ------------------------------------------------------------------

    def _plan(self) -> None:
        w, form, editor = self.window, self.sign_in, self.window.editor
        step = self.steps.append
        # Without a window manager the window gets the keyboard only when asked to; with no
        # focus, text boxes never hear they lost it and all keep drawing a cursor.
        step((w.isVisible, w.activateWindow))
        step((w.isActiveWindow, lambda: None))
        step((form.password_box.isVisible, self._fill_sign_in))
        step((lambda: True, self.grab("sign-in.png")))
        step((lambda: True, lambda: QTest.keyClick(form.password, Qt.Key.Key_Return)))
        step((lambda: w.schedule.model.rowCount() > 2 and "Synced" in w.connection_summary,
              lambda: w.schedule.select_row(0)))  # fmt: skip
        step((lambda: editor._new_button.isEnabled(), self._write_soap))
        step((lambda: editor._save_label.text().startswith("Saved "), editor.request_sign))
        step((self._sign_box_open, self._confirm_sign))
        step((lambda: editor._amend_button.isVisible(), self._amend))
        step((lambda: editor.history.count() == 2, self.grab("soap-note.png")))
        step((lambda: True, w.activateWindow))  # the dialogs took the keyboard: take it back
        step((w.isActiveWindow, lambda: w.schedule.select_row(2)))
        step((lambda: editor._new_button.isEnabled(), self._write_draft))
        step((lambda: "waiting" in w.sync_summary, self.grab("main-window.png")))
        step((lambda: True, self.sync.sync_now))
        step((lambda: w.sync_summary == "All changes synced", self._colleague_and_me))
        step((lambda: editor._save_label.text().startswith("Saved "), self.sync.sync_now))
        step((lambda: "attention" in w.connection_summary, w.open_sync_panel))
        step((self._conflict_shown, self._grab_panel))
        step((lambda: True, self.access.lock))
        step((lambda: self.access.state is AccessState.LOCKED and form.password_box.isVisible(),
              self.grab("lock.png")))  # fmt: skip

    def _fill_sign_in(self) -> None:
        self.sign_in.user.setText(USER)
        self.sign_in.password.setText(self.server.users[USER])

    def _type(self, part: str, text: str) -> None:
        box = self.window.editor.text_boxes.boxes[part]
        box.setFocus()
        QTest.keyClicks(box, text)

    def _write_soap(self) -> None:
        self.window.editor.new_note()
        self._type("free_text", "Video visit; daughter present to help with the camera.")
        self._type("subjective", "Dizzy when standing up for 3 days. No falls, no chest pain.")
        self._type("objective", "BP 104/62 sitting, 92/58 standing. Alert, speaking clearly.")
        self._type("assessment", "Orthostatic hypotension, likely from the new amlodipine.")
        self._type("plan", "Hold amlodipine. Drink more fluids. Phone review in 1 week.")
        self.window.editor.flush()

    def _sign_box_open(self) -> bool:
        return isinstance(QApplication.activeModalWidget(), QMessageBox) or any(
            box.isVisible() for box in self.window.findChildren(QMessageBox)
        )

    def _confirm_sign(self) -> None:
        box = next(b for b in self.window.findChildren(QMessageBox) if b.isVisible())
        sign = next(b for b in box.buttons() if b.text() == "Sign note")
        QTest.mouseClick(sign, Qt.MouseButton.LeftButton)

    def _amend(self) -> None:
        self.window.editor.request_amend()
        dialog = self.window.findChild(AmendDialog, AMEND_DIALOG)
        assert dialog is not None
        dialog.reason.setText("Plan named the wrong drug; corrected")
        plan = dialog.text_editor.boxes["plan"]
        plan.setPlainText(plan.toPlainText().replace("Phone review in 1 week", "Review in 5 days"))
        QTest.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    def _write_draft(self) -> None:
        self.window.editor.new_note()
        self._type("free_text", "Phone follow-up after the medication change.")
        self._type("subjective", "Mild ankle swelling since the renewal; no breathlessness.")
        self._type("plan", "Leg elevation; recheck in 2 weeks.")

    def _colleague_and_me(self) -> None:
        note_id = self.window.editor._controller.note_id
        assert note_id is not None
        colleague_edits(
            self.server,
            note_id,
            "Phone follow-up after the medication change.\n\nSubjective:\nAnkle swelling "
            "reported by the pharmacist; patient not reached.",
        )
        self._type("assessment", "Likely amlodipine oedema.")
        self.window.editor.flush()

    def _conflict_shown(self) -> bool:
        dialog = self.window.findChild(SyncPanelDialog)
        return dialog is not None and dialog.panel.conflict_view.isVisible()

    def _grab_panel(self) -> None:
        dialog = self.window.findChild(SyncPanelDialog)
        assert dialog is not None
        self.grab("sync-conflict.png", dialog)()
