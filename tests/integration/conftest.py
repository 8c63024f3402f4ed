"""Fixtures of the integration tests: a seeded store on a real encrypted file; for call
tests, a demo `outpost server` and a coturn TURN server, one each per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.settings import Profile
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from tests.integration.store_helpers import StepClock, raw_connection, seed
from tests.server_process import RunningServer, running_server
from tests.turn_server import RunningTurn, running_turn


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


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(Path(tmp_path_factory.mktemp("server")), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def turn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTurn]:
    with running_turn(Path(tmp_path_factory.mktemp("turn"))) as running:
        yield running
