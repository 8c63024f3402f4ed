"""The main window as a clinician sees it: the day's schedule, its states, day navigation,
the appointment header and the sync summary in the status bar."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from outpost.ui.main_window import MainWindow
from outpost.ui.schedule_model import ScheduleColumn
from outpost.ui.schedule_panel import SchedulePanelWidget
from tests.ui.conftest import DAY, Session, StoreFaults, WindowFactory, seed


def column(window: MainWindow, col: ScheduleColumn) -> list[str]:
    model = window.schedule.model
    return [str(model.index(row, col).data()) for row in range(model.rowCount())]


def wait_table(qtbot: QtBot, window: MainWindow, rows: int) -> None:
    qtbot.waitUntil(
        lambda: (
            window.schedule.page == SchedulePanelWidget.PAGE_TABLE
            and window.schedule.model.rowCount() == rows
        )
    )


def test_schedule_shows_the_days_appointments_in_time_order(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session, days=(DAY - timedelta(days=1), DAY, DAY + timedelta(days=1)))
    window = make_window(session)
    assert window.windowTitle() == "Outpost"
    wait_table(qtbot, window, 4)
    assert column(window, ScheduleColumn.TIME) == ["09:00", "09:45", "11:00", "14:30"]
    assert column(window, ScheduleColumn.PATIENT) == [
        "Amara Okafor",
        "Tomás Reyes",
        "Mei Lin Chen",
        "Yusuf Haddad",
    ]
    assert column(window, ScheduleColumn.STATUS) == ["Booked", "Arrived", "Checked in", "Booked"]
    assert column(window, ScheduleColumn.VISIT_TYPE) == ["Video", "In person", "In person", "Video"]
    assert column(window, ScheduleColumn.REASON)[0] == "Blood pressure follow-up"
    assert window.schedule._date_label.text().startswith("Today, ")


def test_an_empty_day_says_so(qtbot: QtBot, session: Session, make_window: WindowFactory) -> None:
    window = make_window(session)  # nothing seeded
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_EMPTY)
    assert window.schedule._empty.text() == "No appointments on this day."
    assert window.schedule._empty.isVisible()
    assert window.header.patient_text == "No appointment selected"


def test_the_schedule_shows_loading_until_the_store_answers(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    import threading

    release = threading.Event()
    session.worker.submit(lambda _store: release.wait(5), timeout=10)  # a busy store
    window = make_window(session)
    assert window.schedule.page == SchedulePanelWidget.PAGE_LOADING
    assert window.schedule._loading.isVisible()
    release.set()
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_EMPTY)


def test_a_refresh_after_a_sync_keeps_the_table_and_the_focus(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    import threading

    seed(session)
    window = make_window(session)
    wait_table(qtbot, window, 4)
    window.schedule.table.setFocus()
    release = threading.Event()
    session.worker.submit(lambda _store: release.wait(5), timeout=10)  # a busy store
    window.schedule.reload()  # as after a sync: the same day again
    assert window.schedule.page == SchedulePanelWidget.PAGE_TABLE
    assert window.schedule.table.hasFocus()
    window.schedule.next_day()  # another day: its schedule is not on screen yet
    assert window.schedule.page == SchedulePanelWidget.PAGE_LOADING
    release.set()
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_EMPTY)


def test_a_schedule_that_cannot_be_read_says_what_to_do_and_retries(
    qtbot: QtBot, session: Session, faults: StoreFaults, make_window: WindowFactory
) -> None:
    seed(session)
    faults.set_unreadable(True)
    window = make_window(session)
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_ERROR)
    text = window.schedule.error_text
    assert text.startswith("The schedule could not be loaded.")
    assert "Restart Outpost" in text
    assert text.endswith("Then press Try again.")
    faults.set_unreadable(False)
    QTest.mouseClick(window.schedule._retry, Qt.MouseButton.LeftButton)
    wait_table(qtbot, window, 4)


def test_day_navigation_with_buttons_and_keys(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session, days=(DAY, DAY + timedelta(days=1)))
    window = make_window(session)
    wait_table(qtbot, window, 4)
    window.activateWindow()
    qtbot.waitActive(window)

    QTest.mouseClick(window.schedule._next, Qt.MouseButton.LeftButton)
    assert window.schedule.day == DAY + timedelta(days=1)
    wait_table(qtbot, window, 4)
    assert window.schedule.model.item(0).appointment.start.date() == DAY + timedelta(days=1)
    assert not window.schedule._date_label.text().startswith("Today")

    QTest.keyClick(window.schedule.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.schedule.day == DAY + timedelta(days=2)
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_EMPTY)

    QTest.keyClick(window.schedule.table, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.schedule.day == DAY
    wait_table(qtbot, window, 4)

    QTest.keyClick(window.schedule.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.schedule.day == DAY - timedelta(days=1)
    qtbot.waitUntil(lambda: window.schedule.page == SchedulePanelWidget.PAGE_EMPTY)

    QTest.mouseClick(window.schedule._today_button, Qt.MouseButton.LeftButton)
    assert window.schedule.day == DAY
    wait_table(qtbot, window, 4)


def test_selecting_an_appointment_shows_its_header_and_changing_day_clears_it(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    wait_table(qtbot, window, 4)
    window.schedule.select_row(2)
    assert window.header.patient_text == "Mei Lin Chen"
    assert window.header.details_text.startswith("11:00\u201311:30 · In person · Checked in")
    assert window.editor.appointment_id == "a-1100-2026-05-12"
    window.schedule.next_day()
    assert window.header.patient_text == "No appointment selected"
    assert window.editor.appointment_id is None


def test_status_bar_counts_changes_waiting_to_sync(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, profile_label="Dr. Example")
    qtbot.waitUntil(lambda: window.sync_summary == "Nothing waiting to sync")
    wait_table(qtbot, window, 4)
    for row in (0, 1):
        window.schedule.select_row(row)
        qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
        QTest.keyClicks(window.editor.editor, "Seen today.")
        qtbot.waitUntil(lambda: window.editor._save_label.text().startswith("Saved "))
    qtbot.waitUntil(lambda: window.sync_summary == "2 changes waiting to sync")
    status = session.call(lambda store: store.outbox_status())
    assert status.pending == 2
    profile = window.findChild(QLabel, "profileLabel")
    assert profile is not None
    assert profile.text() == "Profile: Dr. Example"


def test_errors_nobody_handled_appear_in_the_status_bar(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    from outpost.core.errors import JobTimeoutError

    window = make_window(session)

    def slow(_store: object) -> None:
        raise JobTimeoutError("took too long")

    session.bridge.store_op(slow).run()
    qtbot.waitUntil(lambda: "took too long to respond" in window.statusBar().currentMessage())
