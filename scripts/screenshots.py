#!/usr/bin/env python3
"""Screenshot of the main window on a real X server, for the README and for review by eye.

Starts a private Xvfb display, opens a throwaway profile seeded with the demo schedule,
marks a few visits done, signs a note on one, types a draft into another through the real
editor, and saves what the window shows to docs/screenshots/main-window.png.

    .venv/bin/python scripts/screenshots.py [--out DIR]

Needs Debian's `xvfb`; without a keychain session it re-runs itself through
scripts/keyring-session.sh.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1280, 800)


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private display; its number is read back from Xvfb itself (-displayfd)."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],  # noqa: S607
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise SystemExit("screenshots: Xvfb did not start (apt-get install xvfb)")
    return xvfb, f":{number}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # the child: a display and a keychain are set up
        with tempfile.TemporaryDirectory(prefix="outpost-shot-") as home:
            return capture(Path(home), args.out)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        script = str(ROOT / "scripts" / "keyring-session.sh")
        os.execv(script, [script, sys.executable, *sys.argv])  # noqa: S606
    xvfb, display = start_xvfb()
    try:
        # Qt runs in a child so that the display goes away even if the child aborts.
        child = subprocess.run(
            [sys.executable, __file__, "--inside", "--out", str(args.out)],
            env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
            timeout=120,
            check=False,
        )
        return child.returncode
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def capture(home: Path, out: Path) -> int:
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from outpost.core.domain import AppointmentStatus
    from outpost.core.ports import ClinicStore
    from outpost.core.runtime import Runtime
    from outpost.core.settings import Profile
    from outpost.core.worker import StoreWorker
    from outpost.demo import seed
    from outpost.store.database import open_store
    from outpost.store.keychain import SystemKeychain
    from outpost.ui.bridge import Bridge
    from outpost.ui.garbage import MainThreadGarbageCollector
    from outpost.ui.main_window import MainWindow
    from outpost.ui.schedule_panel import local_day_bounds

    today = date.today()
    app = QApplication([sys.argv[0], "-platform", "xcb"])
    app.setApplicationName("Outpost")
    collector = MainThreadGarbageCollector()
    profile = Profile.at(home)
    keychain = SystemKeychain()
    worker: StoreWorker[ClinicStore] = StoreWorker(
        lambda: open_store(profile, keychain), lambda store: store.close()
    )

    def prepare(store: ClinicStore) -> None:
        seed(store, today)
        day = [i.appointment for i in store.schedule(*local_day_bounds(today))]
        for appointment in day[:2]:
            store.set_appointment_status(appointment.id, AppointmentStatus.ARRIVED)
            store.set_appointment_status(appointment.id, AppointmentStatus.FULFILLED)
        store.set_appointment_status(day[2].id, AppointmentStatus.CHECKED_IN)
        store.create_note(
            day[0].id,
            "Blood pressure 128/82 on home readings. Continue lisinopril 10 mg.",
            sign=True,
        )
        store.create_note(
            day[2].id,
            "Medication review by video. Amlodipine 5 mg once daily renewed for 90 days. "
            "Home blood pressure readings within target.",
            sign=True,
        )

    worker.submit(prepare, timeout=60).result()
    runtime = Runtime()
    runtime.start()
    bridge = Bridge(worker, runtime)
    window = MainWindow(bridge, autosave_ms=1000, today=lambda: today, profile_label="Demo clinic")
    window.resize(*SIZE)
    window.show()
    main_shot = out / "main-window.png"
    signed_shot = out / "signed-note.png"
    steps: list[tuple[Callable[[], bool], Callable[[], None]]] = []
    failed: list[str] = []

    def run_next() -> None:
        if not steps:
            app.quit()
            return
        ready, action = steps[0]
        if ready():
            steps.pop(0)
            action()
        QTimer.singleShot(20, run_next)

    def select_third() -> None:
        window.schedule.select_row(2)

    def type_draft() -> None:
        editor = window.editor.editor
        editor.setFocus()
        QTest.keyClicks(editor, "Phone follow-up: mild ankle swelling since the renewal.")
        QTest.keyClick(editor, Qt.Key.Key_Return)
        QTest.keyClicks(editor, "No breathlessness, weight stable.")
        QTest.keyClick(editor, Qt.Key.Key_Return)
        QTest.keyClicks(
            editor, "Plan: leg elevation, recheck in 2 weeks; switch agent if no better."
        )

    def grab(target: Path) -> Callable[[], None]:
        def save() -> None:
            out.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(target)):
                failed.append(str(target))

        return save

    def open_signed() -> None:
        window.editor._notes_list.setCurrentRow(0)

    def give_up() -> None:
        failed.append(f"timed out with {len(steps)} steps to go")
        app.quit()

    schedule_loaded = lambda: window.schedule.model.rowCount() > 0  # noqa: E731
    steps.append((schedule_loaded, select_third))
    steps.append((window.editor._new_button.isEnabled, window.editor.new_note))
    steps.append((lambda: True, type_draft))
    steps.append(
        (lambda: window.editor._save_label.text().startswith("Saved "), window.editor.flush)
    )
    steps.append((lambda: window.editor._notes_list.count() == 2, lambda: None))
    steps.append((lambda: "waiting" in window.sync_summary, grab(main_shot)))
    steps.append((lambda: True, open_signed))
    steps.append(
        (lambda: window.editor._state_label.text() == "Signed — read only", grab(signed_shot))
    )
    QTimer.singleShot(0, run_next)
    QTimer.singleShot(30_000, give_up)
    app.exec()
    window.close()
    bridge.shutdown()
    runtime.shutdown()
    worker.close()
    collector.stop()
    if failed:
        print("screenshots: failed:", ", ".join(failed), file=sys.stderr)
        return 1
    print(f"screenshots: wrote {main_shot} and {signed_shot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
