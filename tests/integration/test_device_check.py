"""The tech check's device side (`DeviceCheck`) with the test sources, with no devices at
all, with a real FFmpeg camera (`lavfi`) standing in for a missing chosen one, with real
FFmpeg microphones (ALSA PCMs that read files: speech, silence, one that will not open),
and with a real sound server (JACK's dummy card): the test sound reaches JACK's graph, and
the echo check measures a real echo path (the speaker's JACK port wired back to a capture
port)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamTrack

from outpost.core.device_choice import DeviceChoice
from outpost.core.tech_check import SILENCE_DB, CheckName, CheckResult, Finding, Verdict
from outpost.core.visits import DeviceKind, VideoImage
from outpost.media.camera_list import CaptureInput
from outpost.media.device_check import DeviceCheck, open_track_for
from outpost.media.devices import DeviceList, Resolved
from outpost.media.sound_clip import voice_clip
from outpost.media.sound_devices import JACK, SoundDevice, SoundSystem
from tests.audio_signals import speech
from tests.jack_loopback import JackMicrophone, wire_speaker_to_microphone
from tests.sound_server import RunningJack, running_jack


def _run(scenario: Callable[[], Awaitable[None]], timeout_s: float = 30) -> None:
    asyncio.run(asyncio.wait_for(scenario(), timeout_s))


async def _until(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)  # polling a reading the UI would poll


def _by_name(results: list[CheckResult]) -> dict[CheckName, CheckResult]:
    return {result.name: result for result in results}


def test_the_test_sources_give_a_moving_preview_a_level_and_test_findings() -> None:
    check = DeviceCheck(DeviceChoice.synthetic(), DeviceList)

    async def scenario() -> None:
        results = _by_name(await check.open_devices())
        camera, microphone = results[CheckName.CAMERA], results[CheckName.MICROPHONE]
        assert (camera.finding, camera.verdict) == (Finding.CAMERA_TEST_PATTERN, Verdict.SKIPPED)
        assert microphone.finding is Finding.MICROPHONE_TEST_SOURCE
        assert -40.0 < microphone.figures["level_db"] < -10.0  # the voice at -18 dBFS peaks

        pictures: list[VideoImage] = []

        def newer_picture() -> bool:
            since = pictures[-1].serial if pictures else 0
            image = check.camera_preview(since, 320, 240)
            if image is not None:
                pictures.append(image)
            return len(pictures) >= 3

        await _until(newer_picture, 5, "three new preview pictures")
        assert (pictures[0].width, pictures[0].height) == (320, 240)
        assert len(pictures[0].rgb) == 320 * 240 * 3
        assert pictures[0].rgb != pictures[-1].rgb  # the square moved
        await _until(lambda: check.microphone_level() > -40.0, 3, "the voice on the level bar")

        sound = await check.play_test_sound()
        assert (sound.finding, sound.verdict) == (Finding.SPEAKER_TEST_OUTPUT, Verdict.SKIPPED)
        echo = await check.check_echo()
        assert (echo.finding, echo.verdict) == (Finding.ECHO_NOT_APPLICABLE, Verdict.SKIPPED)

        await check.close_devices()
        await check.close_devices()  # leaving the check twice is harmless
        assert check.microphone_level() == SILENCE_DB
        assert check.camera_preview(0, 320, 240) is None

    _run(scenario)


def test_reopening_replaces_the_devices_and_stops_the_old_ones() -> None:
    opened: list[MediaStreamTrack] = []

    async def counting(resolved: Resolved) -> MediaStreamTrack:
        track = await open_track_for(resolved)
        opened.append(track)
        return track

    check = DeviceCheck(DeviceChoice.synthetic(), DeviceList, open_track=counting)

    async def scenario() -> None:
        await check.open_devices()
        first = check.camera_preview(0, 64, 48)
        await check.open_devices()
        assert len(opened) == 4
        assert [t.readyState for t in opened[:2]] == ["ended", "ended"]
        assert [t.readyState for t in opened[2:]] == ["live", "live"]
        await _until(lambda: check.camera_preview(0, 64, 48) is not None, 3, "a new picture")
        second = check.camera_preview(0, 64, 48)
        assert first is not None
        assert second is not None
        assert second.serial != first.serial  # the new camera's pictures never look old
        await check.close_devices()
        assert all(track.readyState == "ended" for track in opened)

    _run(scenario)


def test_no_devices_at_all() -> None:
    check = DeviceCheck(DeviceChoice(), DeviceList)

    async def scenario() -> None:
        results = _by_name(await check.open_devices())
        assert results[CheckName.CAMERA].finding is Finding.CAMERA_NONE
        assert results[CheckName.MICROPHONE].finding is Finding.MICROPHONE_NONE
        assert {r.verdict for r in results.values()} == {Verdict.FAILED}
        sound = await check.play_test_sound()
        assert (sound.finding, sound.verdict) == (Finding.SPEAKER_NONE, Verdict.FAILED)
        echo = await check.check_echo()
        assert echo.finding is Finding.ECHO_NOT_APPLICABLE
        assert check.camera_preview(0, 320, 240) is None
        assert check.microphone_level() == SILENCE_DB
        await check.close_devices()

    _run(scenario)


def test_a_missing_chosen_camera_falls_back_to_the_one_here() -> None:
    here = CaptureInput("Desk camera", DeviceKind.CAMERA, "lavfi", "testsrc2=size=640x480:rate=30")
    choice = DeviceChoice(camera="Laptop camera", microphone="synthetic", speaker="synthetic")

    def listed() -> DeviceList:
        return DeviceList(cameras=(here,))

    check = DeviceCheck(choice, listed)

    async def scenario() -> None:
        camera = _by_name(await check.open_devices())[CheckName.CAMERA]
        assert (camera.finding, camera.verdict) == (Finding.CAMERA_DEFAULT_INSTEAD, Verdict.WARNING)
        assert camera.subject == "Desk camera"
        image = check.camera_preview(0, 640, 480)
        assert image is not None
        assert (image.width, image.height) == (640, 480)
        await check.close_devices()
        chosen = DeviceCheck(choice.with_device(DeviceKind.CAMERA, "Desk camera"), listed)
        works = _by_name(await chosen.open_devices())[CheckName.CAMERA]
        assert (works.finding, works.verdict) == (Finding.CAMERA_WORKS, Verdict.PASSED)
        await chosen.close_devices()

    _run(scenario)


def test_a_camera_listed_but_gone_is_none() -> None:
    gone = CaptureInput("Unplugged", DeviceKind.CAMERA, "v4l2", "/dev/video-not-here")
    choice = DeviceChoice(camera="Unplugged", microphone="synthetic", speaker="synthetic")
    check = DeviceCheck(choice, lambda: DeviceList(cameras=(gone,)))

    async def scenario() -> None:
        camera = _by_name(await check.open_devices())[CheckName.CAMERA]
        assert (camera.finding, camera.subject) == (Finding.CAMERA_NONE, "Unplugged")
        await check.close_devices()

    _run(scenario)


# -- microphones through FFmpeg's ALSA input ------------------------------------------------

SPOKEN = "Good morning, can you hear me? I am testing my microphone."


@pytest.fixture
def alsa_microphones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DeviceList:
    """ALSA PCMs FFmpeg captures from: "voice" (espeak-ng, the default), "quiet" (digital
    silence: a muted microphone) and "broken" (listed, but ALSA cannot open it). FFmpeg's
    ALSA library reads this configuration instead of the system's."""
    voice = np.tile(speech(SPOKEN) * 0.5, 3)  # about 12 s, peaks near -6 dBFS
    for name, mono in (("voice", voice), ("quiet", np.zeros(10 * 48_000))):
        stereo = np.repeat(np.clip(mono, -32768, 32767).astype("<i2"), 2)  # FFmpeg asks 2
        (tmp_path / f"{name}.raw").write_bytes(stereo.tobytes())
    pcm = "pcm.{0} {{ type file slave.pcm null file /dev/null infile {1} format raw }}"
    config = [pcm.format(name, tmp_path / f"{name}.raw") for name in ("voice", "quiet")]
    (tmp_path / "asound.conf").write_text("pcm.null { type null }\n" + "\n".join(config))
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "asound.conf"))
    microphones = [
        SoundDevice(name, DeviceKind.MICROPHONE, "ALSA", index, name == "voice", 48e3)
        for index, name in enumerate(("voice", "quiet", "broken"))
    ]
    return DeviceList(sound=SoundSystem(tuple(microphones)))


@pytest.mark.parametrize(
    ("chosen", "finding", "verdict"),
    [
        ("voice", Finding.MICROPHONE_WORKS, Verdict.PASSED),
        ("Headset microphone", Finding.MICROPHONE_DEFAULT_INSTEAD, Verdict.WARNING),
        ("quiet", Finding.MICROPHONE_SILENT, Verdict.WARNING),
        ("broken", Finding.MICROPHONE_BUSY, Verdict.FAILED),
    ],
)
def test_a_real_microphone_is_heard_or_said_to_be_silent_missing_or_refused(
    alsa_microphones: DeviceList, chosen: str, finding: Finding, verdict: Verdict
) -> None:
    choice = DeviceChoice(camera="synthetic", microphone=chosen, speaker="synthetic")
    check = DeviceCheck(choice, lambda: alsa_microphones)

    async def scenario() -> None:
        microphone = _by_name(await check.open_devices())[CheckName.MICROPHONE]
        assert (microphone.finding, microphone.verdict) == (finding, verdict)
        if finding is Finding.MICROPHONE_BUSY:
            assert check.microphone_level() == SILENCE_DB
        elif finding is Finding.MICROPHONE_SILENT:
            assert microphone.figures["level_db"] == SILENCE_DB
        else:
            assert microphone.subject == "voice"
            assert -30.0 < microphone.figures["level_db"] < -3.0  # the speech's loudest
            await _until(lambda: check.microphone_level() > -40.0, 3, "speech on the bar")
        await check.close_devices()
        assert check.microphone_level() == SILENCE_DB

    _run(scenario)


def test_a_camera_that_will_not_open_is_busy() -> None:
    odd = CaptureInput("Capture card", DeviceKind.CAMERA, "v4l2", "/dev/null")  # not video
    choice = DeviceChoice(camera="Capture card", microphone="synthetic", speaker="synthetic")
    check = DeviceCheck(choice, lambda: DeviceList(cameras=(odd,)))

    async def scenario() -> None:
        camera = _by_name(await check.open_devices())[CheckName.CAMERA]
        assert (camera.finding, camera.verdict) == (Finding.CAMERA_BUSY, Verdict.FAILED)
        assert check.camera_preview(0, 320, 240) is None
        await check.close_devices()

    _run(scenario)


# -- a real sound server ---------------------------------------------------------------------


def _jack_devices(jack: RunningJack) -> DeviceList:
    """JACK's card as speaker and microphone (the microphone: `JackMicrophone`)."""
    microphone = SoundDevice("system", DeviceKind.MICROPHONE, JACK, jack.speaker.index, True, 48e3)
    return DeviceList(sound=SoundSystem((jack.speaker, microphone)))


def _jack_opener(jack: RunningJack) -> Callable[[Resolved], Awaitable[MediaStreamTrack]]:
    async def open_track(resolved: Resolved) -> MediaStreamTrack:
        if resolved.kind is DeviceKind.MICROPHONE:
            return await JackMicrophone.open(jack.speaker.index)
        return await open_track_for(resolved)

    return open_track


def _loudest_db(samples: np.ndarray) -> float:
    """The loudest 100 ms (in 10 ms steps), dB relative to full scale."""
    power = np.convolve(samples.astype(np.float64) ** 2, np.ones(4800) / 4800, "valid")
    return float(10 * np.log10(power[::480].max() / 32768**2))


def test_the_test_sound_reaches_the_sound_server_on_the_default_speaker() -> None:
    with running_jack() as jack:
        choice = DeviceChoice(camera="synthetic", microphone="synthetic", speaker="USB headset")
        check = DeviceCheck(choice, lambda: _jack_devices(jack))

        async def scenario() -> None:
            listener = await JackMicrophone.open(jack.speaker.index)
            heard: list[np.ndarray] = []

            async def listen() -> None:
                while True:
                    heard.append((await listener.recv()).to_ndarray().reshape(-1))

            listening = asyncio.ensure_future(listen())
            wiring = asyncio.ensure_future(wire_speaker_to_microphone())
            try:
                result = await check.play_test_sound()
                await wiring
            finally:
                listening.cancel()
                listener.stop()
            assert (result.finding, result.verdict) == (Finding.SPEAKER_PLAYED, Verdict.PASSED)
            assert result.subject == "system"  # the default, the headset being away
            assert result.figures["played_s"] == 2.0
            # The voice came back through JACK's graph as loud as it was played.
            came_back = _loudest_db(np.concatenate(heard))
            assert abs(came_back - _loudest_db(voice_clip(2.0))) < 1.0, came_back

        _run(scenario)


def test_the_echo_check_measures_a_real_echo_path_through_the_sound_server() -> None:
    with running_jack() as jack:
        choice = DeviceChoice(camera="synthetic", microphone="", speaker="")
        check = DeviceCheck(choice, lambda: _jack_devices(jack), open_track=_jack_opener(jack))

        async def scenario() -> None:
            results = _by_name(await check.open_devices())
            microphone = results[CheckName.MICROPHONE]
            # JACK's dummy card captures digital silence: a muted microphone.
            assert microphone.finding is Finding.MICROPHONE_SILENT
            assert microphone.figures["level_db"] == SILENCE_DB
            wiring = asyncio.ensure_future(wire_speaker_to_microphone())
            echo = await check.check_echo()
            await wiring
            await check.close_devices()
            figures = echo.figures  # measured: echo 0.0 dB, ERLE 45-50 dB, delay 4-7 ms
            assert (echo.finding, echo.verdict) == (Finding.ECHO_CANCELLED, Verdict.PASSED), figures
            assert -3.0 < figures["echo_db"] < 1.0, figures  # the loop gives it back whole
            assert figures["erle_db"] >= 25.0, figures
            assert 0 <= figures["delay_ms"] < 300, figures

            # Asked without the devices open, it opens the microphone for itself.
            wiring = asyncio.ensure_future(wire_speaker_to_microphone())
            again = await check.check_echo()
            await wiring
            assert again.finding is Finding.ECHO_CANCELLED, again.figures
            assert check.microphone_level() == SILENCE_DB  # and closed it again

        _run(scenario)
