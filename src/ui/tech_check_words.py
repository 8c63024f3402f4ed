"""The tech check in plain words: each check's name and each finding as one sentence that
says what was found and, when something is wrong, what to do. The only place the tech
check's codes become text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict


def check_title(name: CheckName) -> str:
    titles = {
        CheckName.CAMERA: QCoreApplication.translate("TechCheckWords", "Camera"),
        CheckName.MICROPHONE: QCoreApplication.translate("TechCheckWords", "Microphone"),
        CheckName.SPEAKER: QCoreApplication.translate("TechCheckWords", "Speaker"),
        CheckName.NETWORK: QCoreApplication.translate("TechCheckWords", "Network"),
        CheckName.TURN: QCoreApplication.translate("TechCheckWords", "Relay server (TURN)"),
        CheckName.ECHO: QCoreApplication.translate("TechCheckWords", "Echo"),
    }
    return titles[name]


def verdict_text(verdict: Verdict | None) -> str:
    """The short mark before a check's sentence (None: not run yet)."""
    if verdict is None:
        return QCoreApplication.translate("TechCheckWords", "Not checked")
    marks = {
        Verdict.PASSED: QCoreApplication.translate("TechCheckWords", "OK"),
        Verdict.WARNING: QCoreApplication.translate("TechCheckWords", "Works, with a limit"),
        Verdict.FAILED: QCoreApplication.translate("TechCheckWords", "Needs attention"),
        Verdict.SKIPPED: QCoreApplication.translate("TechCheckWords", "Not needed here"),
    }
    return marks[verdict]


def running_text(name: CheckName) -> str:
    words = {
        CheckName.CAMERA: QCoreApplication.translate("TechCheckWords", "Opening the camera…"),
        CheckName.MICROPHONE: QCoreApplication.translate(
            "TechCheckWords", "Opening the microphone…"
        ),
        CheckName.SPEAKER: QCoreApplication.translate("TechCheckWords", "Playing a test sound…"),
        CheckName.NETWORK: QCoreApplication.translate(
            "TechCheckWords", "Measuring the connection to the server…"
        ),
        CheckName.TURN: QCoreApplication.translate("TechCheckWords", "Reaching the relay servers…"),
        CheckName.ECHO: QCoreApplication.translate(
            "TechCheckWords", "Playing speech and listening for echo (keep quiet a moment)…"
        ),
    }
    return words[name]


def _number(figures: dict[str, float], key: str) -> str:
    return f"{figures.get(key, 0.0):.0f}"


def _rate(figures: dict[str, float], key: str) -> str:
    kbps = figures.get(key, 0.0)
    if kbps >= 1000:
        mbps = kbps / 1000
        return QCoreApplication.translate("TechCheckWords", "{value} Mbit/s").format(
            value=f"{mbps:.1f}" if mbps < 100 else f"{mbps:.0f}"
        )
    return QCoreApplication.translate("TechCheckWords", "{value} kbit/s").format(
        value=f"{kbps:.0f}"
    )


def finding_text(result: CheckResult) -> str:
    """One sentence for a result; figures and the subject are filled in."""
    f = result.figures
    device = result.subject
    words = {
        Finding.CAMERA_WORKS: QCoreApplication.translate(
            "TechCheckWords", "{device} works: you should see yourself."
        ),
        Finding.CAMERA_TEST_PATTERN: QCoreApplication.translate(
            "TechCheckWords", "The test picture is chosen instead of a camera (settings)."
        ),
        Finding.CAMERA_DEFAULT_INSTEAD: QCoreApplication.translate(
            "TechCheckWords",
            "Your chosen camera is not connected; {device} is used instead.",
        ),
        Finding.CAMERA_NONE: QCoreApplication.translate(
            "TechCheckWords",
            "No camera found. Connect one, or hold visits with audio only.",
        ),
        Finding.CAMERA_BUSY: QCoreApplication.translate(
            "TechCheckWords",
            "{device} is in use by another program or blocked. Close that program, or allow"
            " camera access in the system's privacy settings.",
        ),
        Finding.CAMERA_NO_PICTURE: QCoreApplication.translate(
            "TechCheckWords",
            "{device} opened but sends no picture. Check its cover or cable, or choose"
            " another camera.",
        ),
        Finding.MICROPHONE_WORKS: QCoreApplication.translate(
            "TechCheckWords", "{device} hears you (loudest {level} dB). Watch the bar move."
        ),
        Finding.MICROPHONE_TEST_SOURCE: QCoreApplication.translate(
            "TechCheckWords", "The test voice is chosen instead of a microphone (settings)."
        ),
        Finding.MICROPHONE_DEFAULT_INSTEAD: QCoreApplication.translate(
            "TechCheckWords",
            "Your chosen microphone is not connected; {device} is used instead.",
        ),
        Finding.MICROPHONE_NONE: QCoreApplication.translate(
            "TechCheckWords",
            "No microphone found. Connect a headset: the patient cannot hear you without one.",
        ),
        Finding.MICROPHONE_BUSY: QCoreApplication.translate(
            "TechCheckWords",
            "{device} is in use by another program or blocked. Close that program, or allow"
            " microphone access in the system's privacy settings.",
        ),
        Finding.MICROPHONE_SILENT: QCoreApplication.translate(
            "TechCheckWords",
            "{device} hears nothing yet. Say a few words; if the bar stays still, check the"
            " mute switch on your headset.",
        ),
        Finding.SPEAKER_PLAYED: QCoreApplication.translate(
            "TechCheckWords", "A test sound played on {device}. Did you hear it?"
        ),
        Finding.SPEAKER_TEST_OUTPUT: QCoreApplication.translate(
            "TechCheckWords", "Sound goes to the silent test output (settings); nothing plays."
        ),
        Finding.SPEAKER_NONE: QCoreApplication.translate(
            "TechCheckWords",
            "No speaker or headset found. Connect one to hear the patient.",
        ),
        Finding.SPEAKER_FAILED: QCoreApplication.translate(
            "TechCheckWords",
            "The test sound could not play on {device}. Choose another speaker or reconnect it.",
        ),
        Finding.NETWORK_GOOD: QCoreApplication.translate(
            "TechCheckWords",
            "Good for video: {rtt} ms round trip, {down} down, {up} up.",
        ),
        Finding.NETWORK_SLOW: QCoreApplication.translate(
            "TechCheckWords",
            "Slow ({rtt} ms round trip, {down} down, {up} up): video will be less sharp"
            " or pause, the sound stays clear.",
        ),
        Finding.NETWORK_TOO_SLOW: QCoreApplication.translate(
            "TechCheckWords",
            "Too slow for visits ({rtt} ms round trip, {down} down, {up} up). Move closer"
            " to the router or ask IT; notes still work offline.",
        ),
        Finding.NETWORK_UNREACHABLE: QCoreApplication.translate(
            "TechCheckWords",
            "The server cannot be reached. Check the network; notes still work offline and"
            " sync later.",
        ),
        Finding.NETWORK_NOT_SIGNED_IN: QCoreApplication.translate(
            "TechCheckWords",
            "{rtt} ms round trip to the server. Sign in to measure the speed as well.",
        ),
        Finding.TURN_REACHED: QCoreApplication.translate(
            "TechCheckWords", "{device} answered in {ms} ms."
        ),
        Finding.TURN_UNREACHABLE: QCoreApplication.translate(
            "TechCheckWords",
            "{device} did not answer. Visits may fail on locked-down networks: tell IT.",
        ),
        Finding.TURN_NOT_SET: QCoreApplication.translate(
            "TechCheckWords",
            "No relay server is set. Visits on open networks do not need one; on a"
            " locked-down network ask IT to set one.",
        ),
        Finding.ECHO_CANCELLED: QCoreApplication.translate(
            "TechCheckWords",
            "Your speaker's sound reaches the microphone, and the echo canceller removes"
            " it ({erle} dB quieter): the patient will not hear themselves.",
        ),
        Finding.ECHO_NONE_HEARD: QCoreApplication.translate(
            "TechCheckWords", "No echo reaches the microphone (a headset, or a quiet speaker)."
        ),
        Finding.ECHO_RESIDUAL: QCoreApplication.translate(
            "TechCheckWords",
            "Some echo remains ({erle} dB removed): the patient may hear themselves. Use a"
            " headset or turn the speaker down.",
        ),
        Finding.ECHO_NOT_APPLICABLE: QCoreApplication.translate(
            "TechCheckWords", "Not checked: it needs both a real speaker and a microphone."
        ),
        Finding.CHECK_INCOMPLETE: QCoreApplication.translate(
            "TechCheckWords", "This check could not finish. Choose Check again in a moment."
        ),
    }
    if result.finding is Finding.TURN_NOT_SET and result.verdict is Verdict.FAILED:
        return QCoreApplication.translate(
            "TechCheckWords",
            "Relay-only calls are set but no relay server is: visits cannot connect. Ask IT.",
        )
    return words[result.finding].format(
        device=device or QCoreApplication.translate("TechCheckWords", "The device"),
        level=_number(f, "level_db"),
        rtt=_number(f, "rtt_ms") if f.get("rtt_ms", 0.0) >= 1 else "<1",
        down=_rate(f, "down_kbps"),
        up=_rate(f, "up_kbps"),
        ms=_number(f, "ms"),
        erle=_number(f, "erle_db"),
    )
