"""`outpost selftest`: is this workstation able to run Outpost? A table and an exit code.

IT runs it after a silent install; it writes nothing but a keychain probe entry and
reads no patient data (the profile's store is only opened and counted).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from outpost.core.device_choice import DeviceChoice
from outpost.core.errors import OutpostError
from outpost.core.settings import Settings
from outpost.core.visits import DeviceKind
from outpost.media.codecs import CodecCheck, check_opus, check_vp8
from outpost.media.devices import Resolution, list_devices, resolve
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _python() -> Check:
    import PySide6

    version = sys.version.split()[0]
    qt = PySide6.__version__
    if sys.version_info < (3, 12) and tuple(int(p) for p in qt.split(".")[:2]) >= (6, 12):
        return Check("Python", False, f"PySide6 {qt} is unstable on Python 3.11; use < 6.12")
    return Check("Python", True, f"Python {version}, PySide6 {qt}")


def _qt() -> Check:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(["outpost-selftest", "-platform", "offscreen"])
    label = QLabel("Outpost")
    label.resize(120, 30)
    image = label.grab().toImage()
    families = QFontDatabase.families()
    platform = QApplication.platformName()
    del app
    if image.isNull():
        return Check("Qt", False, f"cannot render widgets on the {platform} platform")
    if not families:
        return Check("Qt", False, "no fonts found; install fontconfig and a font package")
    return Check("Qt", True, f"{platform} platform, {len(families)} font families")


def _codec(check: Callable[[], CodecCheck]) -> Callable[[], Check]:
    def run() -> Check:
        result = check()
        return Check(result.codec, result.ok, result.detail)

    return run


def _keychain() -> Check:
    keychain = SystemKeychain()
    probe = secrets.token_hex(8)
    keychain.set("selftest-probe", probe)
    if keychain.get("selftest-probe") != probe:
        return Check("Keychain", False, "a secret written to the keychain did not read back")
    return Check("Keychain", True, "secrets can be stored and read back")


def _cipher() -> Check:
    from sqlcipher3 import dbapi2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "probe.db"
        connection = dbapi2.connect(str(path))
        try:
            connection.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
            version = connection.execute("PRAGMA cipher_version").fetchone()
            connection.execute("CREATE TABLE probe (value TEXT)")
            connection.execute("INSERT INTO probe VALUES ('ok')")
            connection.commit()
        finally:
            connection.close()
        raw = path.read_bytes()
    if not version or raw.startswith(b"SQLite format 3"):
        return Check("Encryption", False, "SQLCipher is not active; the store would be plaintext")
    return Check("Encryption", True, f"SQLCipher {version[0]}")


def _devices(settings: Settings) -> Callable[[], Check]:
    """Every camera, microphone and speaker found; the one video visits use is marked
    "(in use)". Missing hardware is not a failure (a kiosk may have none); a missing
    sound library is."""

    def run() -> Check:
        devices = list_devices()
        choice = DeviceChoice.from_settings(settings)
        parts = []
        for kind, label in (
            (DeviceKind.CAMERA, "cameras"),
            (DeviceKind.MICROPHONE, "microphones"),
            (DeviceKind.SPEAKER, "speakers"),
        ):
            resolved = resolve(devices, choice, kind)
            names = [
                f"{name} (in use)" if name == resolved.name else name
                for name in devices.names(kind)
            ]
            if resolved.resolution is Resolution.SYNTHETIC:
                names.append("test source (in use)")
            text = f"{label}: {', '.join(names) or 'none'}"
            if resolved.resolution is Resolution.CHOSEN_MISSING:
                text += f' ("{resolved.chosen}" is chosen but not connected)'
            parts.append(text)
        problem = devices.sound.problem
        return Check("Devices", problem is None, "; ".join(parts + ([problem] if problem else [])))

    return run


def _store(settings: Settings) -> Callable[[], Check]:
    def run() -> Check:
        database = settings.profile.database
        if not database.exists():
            return Check("Local store", True, f"none yet at {database} (made on first use)")
        store = open_store(settings.profile, SystemKeychain())
        try:
            status = store.outbox_status()
        finally:
            store.close()
        return Check(
            "Local store", True, f"opens; {status.pending} changes waiting to sync ({database})"
        )

    return run


def run_checks(settings: Settings) -> list[Check]:
    checks: list[tuple[str, Callable[[], Check]]] = [
        ("Python", _python),
        ("Qt", _qt),
        ("VP8", _codec(check_vp8)),
        ("Opus", _codec(check_opus)),
        ("Devices", _devices(settings)),
        ("Keychain", _keychain),
        ("Encryption", _cipher),
        ("Local store", _store(settings)),
    ]
    results = []
    for name, check in checks:
        try:
            results.append(check())
        except OutpostError as exc:
            results.append(Check(name, False, str(exc)))
        except Exception as exc:  # noqa: BLE001 - a selftest reports every failure as a row
            results.append(Check(name, False, f"{type(exc).__name__}: {exc}"))
    return results


def run_selftest(settings: Settings, *, as_json: bool) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results = run_checks(settings)
    healthy = all(check.ok for check in results)
    if as_json:
        print(json.dumps({"healthy": healthy, "checks": [asdict(c) for c in results]}, indent=2))
    else:
        width = max(len(check.name) for check in results)
        for check in results:
            mark = "ok  " if check.ok else "FAIL"
            print(f"{mark}  {check.name:<{width}}  {check.detail}")
        print("Healthy." if healthy else "Not healthy: see the FAIL rows above.")
    return 0 if healthy else 1
