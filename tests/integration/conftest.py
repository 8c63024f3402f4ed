"""Fixtures of the integration tests: a seeded store on a real encrypted file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from outpost.core.settings import Profile
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from tests.integration.store_helpers import StepClock, raw_connection, seed


@pytest.fixture
def store(profile: Profile) -> Iterator[Store]:
    opened = open_store(profile, SystemKeychain(), clock=StepClock())
    seed(opened)
    yield opened
    opened.close()


@pytest.fixture
def raw(profile: Profile, store: Store) -> Iterator[Connection]:
    conn = raw_connection(profile)
    yield conn
    conn.close()
