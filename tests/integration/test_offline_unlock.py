"""The offline unlock verifier in the real OS keychain (gnome-keyring in the test session):
the right password unlocks as the stored clinician, wrong ones are counted and the fifth in
a row drops the verifier, another clinician is refused, sign-out drops it, and neither the
password nor the hash nor the salt reaches a log line or a repr."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.errors import OfflineUnlockError, OfflineUnlockErrorKind, OtherClinicianError
from outpost.core.session import Identity
from outpost.store.keychain import SystemKeychain
from outpost.sync.offline_unlock import (
    MAX_FAILURES,
    SALT_BYTES,
    SCRYPT_N,
    OfflineUnlock,
    Verifier,
    verifier_key_name,
)
from outpost.sync.session import SessionService
from outpost.sync.tokens import TokenStore, read_profile_id
from tests.integration.cli_helpers import run_outpost

SERVER = "http://127.0.0.1:9/fhir"  # never contacted
ANA = Identity(SERVER, "ana", "pr-ana")
BEN = Identity(SERVER, "ben", "pr-ben")
PASSWORD = "correct horse battery"


@pytest.fixture
def profile_id() -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex}"
    yield name
    SystemKeychain().delete(verifier_key_name(name))


@pytest.fixture
def unlock(profile_id: str) -> OfflineUnlock:
    return OfflineUnlock(SystemKeychain(), profile_id)


def stored(profile_id: str) -> dict[str, object] | None:
    text = SystemKeychain().get(verifier_key_name(profile_id))
    return None if text is None else dict(json.loads(text))


def test_the_right_password_unlocks_as_the_stored_clinician(
    unlock: OfflineUnlock, profile_id: str
) -> None:
    assert not unlock.available(ANA)
    unlock.remember(ANA, PASSWORD)
    assert unlock.available(ANA)
    assert unlock.available(None)
    entry = stored(profile_id)
    assert entry is not None
    assert PASSWORD not in json.dumps(entry)  # only the salt and the scrypt hash
    assert len(base64.b64decode(str(entry["salt"]))) == SALT_BYTES
    assert (entry["n"], entry["r"], entry["p"]) == (SCRYPT_N, 8, 1)
    # The same person as the app knew them (the user name may differ in case).
    assert unlock.verify("ANA", PASSWORD, same_person_as=ANA) == ANA


def test_a_wrong_password_is_refused_and_counted_then_a_right_one_resets_the_count(
    unlock: OfflineUnlock, profile_id: str
) -> None:
    unlock.remember(ANA, PASSWORD)
    with pytest.raises(OfflineUnlockError) as refused:
        unlock.verify("ana", PASSWORD + "!", same_person_as=ANA)
    assert refused.value.kind is OfflineUnlockErrorKind.WRONG_PASSWORD
    assert refused.value.attempts_left == MAX_FAILURES - 1
    assert (stored(profile_id) or {})["failures"] == 1
    assert unlock.verify("ana", PASSWORD, same_person_as=ANA) == ANA
    assert (stored(profile_id) or {})["failures"] == 0


def test_five_wrong_passwords_in_a_row_drop_the_verifier(
    unlock: OfflineUnlock, profile_id: str
) -> None:
    unlock.remember(ANA, PASSWORD)
    kinds = []
    for attempt in range(MAX_FAILURES):
        with pytest.raises(OfflineUnlockError) as refused:
            unlock.verify("ana", f"guess {attempt}", same_person_as=ANA)
        kinds.append(refused.value.kind)
    assert kinds == [OfflineUnlockErrorKind.WRONG_PASSWORD] * 4 + [
        OfflineUnlockErrorKind.LOCKED_OUT
    ]
    assert stored(profile_id) is None
    assert not unlock.available(ANA)
    with pytest.raises(OfflineUnlockError) as after:  # even the right password: online only
        unlock.verify("ana", PASSWORD, same_person_as=ANA)
    assert after.value.kind is OfflineUnlockErrorKind.UNAVAILABLE


def test_another_clinician_is_refused_and_counts_nothing(
    unlock: OfflineUnlock, profile_id: str
) -> None:
    unlock.remember(ANA, PASSWORD)
    assert not unlock.available(BEN)
    with pytest.raises(OfflineUnlockError) as locked_for_ben:
        unlock.verify("ben", PASSWORD, same_person_as=BEN)
    assert locked_for_ben.value.kind is OfflineUnlockErrorKind.UNAVAILABLE
    with pytest.raises(OtherClinicianError):  # Ana's lock, Ben's name typed in
        unlock.verify("ben", PASSWORD, same_person_as=ANA)
    assert (stored(profile_id) or {})["failures"] == 0
    assert unlock.verify("ana", PASSWORD, same_person_as=ANA) == ANA


def test_sign_out_drops_the_verifier(unlock: OfflineUnlock, profile_id: str) -> None:
    unlock.remember(ANA, PASSWORD)
    service = SessionService(TokenStore(SystemKeychain(), profile_id))
    assert service.offline_unlock_available(ANA)
    service.sign_out()  # nobody's tokens: no network, the verifier still goes
    assert not service.offline_unlock_available(ANA)
    with pytest.raises(OfflineUnlockError):
        service.unlock_offline("ana", PASSWORD, same_person_as=ANA)


def test_outpost_logout_drops_the_verifier_too(tmp_path: Path) -> None:
    home = tmp_path / "profile"
    assert run_outpost(home, "status").returncode == 0  # creates the profile and its id
    unlock = OfflineUnlock(SystemKeychain(), read_profile_id(home))
    unlock.remember(ANA, PASSWORD)
    out = run_outpost(home, "logout")
    assert out.returncode == 0, out.stderr
    assert not unlock.available(ANA)


def test_nothing_secret_in_logs_or_repr(
    unlock: OfflineUnlock, profile_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    unlock.remember(ANA, PASSWORD)
    unlock.verify("ana", PASSWORD, same_person_as=ANA)
    with pytest.raises(OfflineUnlockError):
        unlock.verify("ana", "hunter2", same_person_as=ANA)
    entry = stored(profile_id)
    assert entry is not None
    verifier = Verifier.from_json(json.dumps(entry))
    secrets = [PASSWORD, "hunter2", str(entry["salt"]), str(entry["hash"])]
    assert caplog.records  # outcomes are logged
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in repr(verifier)
    assert repr(verifier.salt) not in repr(verifier)
