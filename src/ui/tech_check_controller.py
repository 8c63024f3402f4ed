"""Runs the tech check through the runtime bridge, one check at a time, and keeps the
results: camera and microphone first (so the preview and the level bar come alive at
once), then the network, the relay servers and the echo check. The speaker test runs only
when the clinician asks, and their answer ("I heard it" or not) becomes its verdict.

Nothing here waits: each check is an `async_op` whose result arrives as a signal; closing
cancels what is pending and releases the devices.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, Signal

from outpost.core.tech_check import CheckName, CheckResult, Finding, TechCheckPort, Verdict
from outpost.ui.bridge import Bridge, Job

logger = logging.getLogger(__name__)

DEVICES_TIMEOUT_S = 20.0
CHECK_TIMEOUT_S = 30.0
_AUTOMATIC = (CheckName.NETWORK, CheckName.TURN, CheckName.ECHO)


class TechCheckController(QObject):
    sig_running = Signal(object)  # CheckName: started
    sig_results = Signal(object)  # CheckName: its results changed (see `results`)
    sig_finished = Signal()  # the automatic checks are done (the speaker waits for a click)

    def __init__(self, bridge: Bridge, port: TechCheckPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self._results: dict[CheckName, list[CheckResult]] = {}
        self._queue: list[CheckName] = []
        self._job: Job | None = None
        self._running: CheckName | None = None
        self._devices_open = False

    @property
    def port(self) -> TechCheckPort:
        return self._port

    @property
    def running(self) -> CheckName | None:
        return self._running

    @property
    def busy(self) -> bool:
        return self._running is not None

    @property
    def awaiting_answer(self) -> bool:
        """The test sound played; the clinician has not said whether they heard it."""
        return any(_awaits_answer(r) for r in self._results.get(CheckName.SPEAKER, []))

    def results(self, name: CheckName) -> list[CheckResult]:
        return list(self._results.get(name, []))

    def verdict(self, name: CheckName) -> Verdict | None:
        """The worst verdict among a check's results (None: not run yet)."""
        found = self._results.get(name)
        if not found:
            return None
        order = (Verdict.FAILED, Verdict.WARNING, Verdict.PASSED, Verdict.SKIPPED)
        return min((result.verdict for result in found), key=order.index)

    # --- actions ---------------------------------------------------------------------

    def run_all(self) -> None:
        """Open the devices, then run the automatic checks in order (again if done)."""
        if self.busy:
            return
        for name in (CheckName.CAMERA, CheckName.MICROPHONE, *_AUTOMATIC):
            self._results.pop(name, None)
            self.sig_results.emit(name)
        self._queue = list(_AUTOMATIC)
        self._start(CheckName.CAMERA, self._port.open_devices, DEVICES_TIMEOUT_S)

    def play_test_sound(self) -> bool:
        if self.busy:
            return False
        self._queue = []
        port = self._port

        async def play() -> list[CheckResult]:
            return [await port.play_test_sound()]

        self._start(CheckName.SPEAKER, play, CHECK_TIMEOUT_S)
        return True

    def answer_heard(self, heard: bool) -> None:
        """The clinician's answer to the test sound decides the speaker's verdict."""
        played = [r for r in self._results.get(CheckName.SPEAKER, []) if _awaits_answer(r)]
        if not played:
            return
        verdict = Verdict.PASSED if heard else Verdict.FAILED
        figures = {**played[0].figures, "heard": 1.0 if heard else 0.0}
        self._results[CheckName.SPEAKER] = [
            dataclasses.replace(played[0], verdict=verdict, figures=figures)
        ]
        self.sig_results.emit(CheckName.SPEAKER)

    def close(self) -> None:
        """Stop what runs and release the camera and microphone."""
        self._queue = []
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._running = None
        if self._devices_open:
            self._devices_open = False
            port = self._port
            self._bridge.async_op(port.close_devices, timeout=DEVICES_TIMEOUT_S).run()

    # --- the sequence ----------------------------------------------------------------

    def _start(
        self,
        name: CheckName,
        job: Callable[[], Awaitable[list[CheckResult]]],
        timeout: float,
    ) -> None:
        self._running = name
        self.sig_running.emit(name)
        if name is CheckName.CAMERA:
            self._devices_open = True
            self.sig_running.emit(CheckName.MICROPHONE)
        self._job = (
            self._bridge.async_op(job, timeout=timeout)
            .success(lambda results: self._on_done(name, results))
            .failure(lambda error: self._on_failed(name, error))
            .run()
        )

    def _on_done(self, name: CheckName, results: list[CheckResult]) -> None:
        self._job, self._running = None, None
        names = {result.name for result in results} or {name}
        for done in names:
            self._results[done] = [result for result in results if result.name is done]
            self.sig_results.emit(done)
        self._next()

    def _on_failed(self, name: CheckName, error: Exception) -> None:
        logger.info("tech check %s stopped: %s", name.value, type(error).__name__)
        self._job, self._running = None, None
        names = (CheckName.CAMERA, CheckName.MICROPHONE) if name is CheckName.CAMERA else (name,)
        for stopped in names:
            self._results[stopped] = [
                CheckResult(stopped, Verdict.FAILED, Finding.CHECK_INCOMPLETE)
            ]
            self.sig_results.emit(stopped)
        self._next()

    def _next(self) -> None:
        if not self._queue:
            self.sig_finished.emit()
            return
        name = self._queue.pop(0)
        port = self._port
        if name is CheckName.NETWORK:

            async def network() -> list[CheckResult]:
                return [await port.check_network()]

            self._start(name, network, CHECK_TIMEOUT_S)
        elif name is CheckName.TURN:
            self._start(name, port.check_turn, CHECK_TIMEOUT_S)
        else:

            async def echo() -> list[CheckResult]:
                return [await port.check_echo()]

            self._start(name, echo, CHECK_TIMEOUT_S)


def _awaits_answer(result: CheckResult) -> bool:
    return result.finding is Finding.SPEAKER_PLAYED and "heard" not in result.figures
