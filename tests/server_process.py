"""Run the reference backend (`outpost server`) as a real child process for a test.

    with running_server(tmp_path, seed="demo", token_ttl=60) as server:
        token = server.token("dr.rivera")
        response = server.client("dr.rivera").get("Patient", _count=5)

The server listens on a free port of 127.0.0.1; its profile (logs) and data folders are
`<tmp_path>/<name>/home` and `<tmp_path>/<name>/data`, so entering `running_server` again
with the same `tmp_path` and `name` restarts it on the same data. On leaving, the server
gets SIGTERM and must exit with status 0 within `stop_timeout`; it is killed otherwise.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

HTTP_TIMEOUT = 10.0
READY_PREFIX = "Ready."
URL_PREFIX = "Outpost reference server: "
ACCOUNT_PREFIX = "Demo account: "
FHIR_JSON = "application/fhir+json"


class ServerStartError(AssertionError):
    """The server exited or stayed silent before it said it was ready."""


@dataclass
class FhirClient:
    """Minimal FHIR JSON client with a bearer token and explicit timeouts."""

    base_url: str
    token: str
    timeout: float = HTTP_TIMEOUT

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        return f"{self.base_url}/{path.lstrip('/')}" if path.strip("/") else self.base_url

    def request(
        self,
        method: str,
        path: str,
        resource: object = None,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
    ) -> requests.Response:
        sent = {"Authorization": f"Bearer {self.token}", "Accept": FHIR_JSON}
        data = None
        if resource is not None:
            data = json.dumps(resource).encode()
            sent["Content-Type"] = FHIR_JSON
        sent.update(headers or {})
        return requests.request(
            method, self.url(path), data=data, headers=sent, params=params, timeout=self.timeout
        )

    def get(self, path: str, **params: str) -> requests.Response:
        return self.request("GET", path, params=params or None)

    def put(
        self, path: str, resource: object, headers: Mapping[str, str] | None = None
    ) -> requests.Response:
        return self.request("PUT", path, resource, headers=headers)

    def post(
        self, path: str, resource: object, headers: Mapping[str, str] | None = None
    ) -> requests.Response:
        return self.request("POST", path, resource, headers=headers)


@dataclass
class RunningServer:
    process: subprocess.Popen[str]
    base_url: str  # the FHIR base, e.g. http://127.0.0.1:41234/fhir
    origin: str  # http://127.0.0.1:41234
    users: dict[str, str]  # demo user name -> password
    home: Path
    data_dir: Path
    output: list[str] = field(default_factory=list)  # stdout lines so far

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "outpost.log"

    def token_response(self, user: str, password: str | None = None) -> dict[str, Any]:
        """Sign in with the password grant; the whole token response."""
        response = requests.post(
            f"{self.origin}/oauth/token",
            data={
                "grant_type": "password",
                "username": user,
                "password": password if password is not None else self.users[user],
                "client_id": "outpost-desktop",
            },
            timeout=HTTP_TIMEOUT,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def token(self, user: str, password: str | None = None) -> str:
        return str(self.token_response(user, password)["access_token"])

    def client(self, user: str, password: str | None = None) -> FhirClient:
        return FhirClient(self.base_url, self.token(user, password))

    def add_clinician(self, username: str, password: str, clinic: str) -> str:
        """A user in `clinic` (created if new, with its Organization) with a Practitioner;
        written straight into the running server's database. Returns the Practitioner id."""
        return add_clinician(self.data_dir, username, password, clinic)


def add_clinician(data_dir: Path, username: str, password: str, clinic: str) -> str:
    import sqlite3
    import uuid

    from outpost.server import accounts, instants, search, storage
    from outpost.server.database import Database

    practitioner = str(uuid.uuid4())

    def save(conn: sqlite3.Connection, resource: dict[str, Any]) -> None:
        rows = search.index_rows(resource["resourceType"], resource)
        storage.save(conn, clinic, resource, rows, method="PUT", clock=instants.now_us)

    def job(conn: sqlite3.Connection) -> None:
        if conn.execute("SELECT 1 FROM clinics WHERE id = ?", (clinic,)).fetchone() is None:
            organization = str(uuid.uuid4())
            accounts.create_clinic(conn, clinic, clinic, organization)
            save(conn, {"resourceType": "Organization", "id": organization, "name": clinic})
        accounts.create_user(conn, username, password, clinic, practitioner)
        save(conn, {"resourceType": "Practitioner", "id": practitioner, "active": True})

    db = Database.open(data_dir)
    try:
        db.run_sync(job)
    finally:
        db.close()
    return practitioner


def _environment(tmp: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OUTPOST_")}
    env["OUTPOST_POLICY_FILE"] = str(tmp / "no-policy.toml")  # keep the machine's policy out
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)


@contextmanager
def running_server(
    tmp_path: Path,
    *,
    seed: str | None = "demo",
    token_ttl: int | None = None,
    name: str = "server",
    start_timeout: float = 60.0,
    stop_timeout: float = 20.0,
    extra_args: Sequence[str] = (),
) -> Iterator[RunningServer]:
    """`extra_args` are more `outpost server` options, e.g. `("--ice-server", URL)`."""
    root = tmp_path / name
    home, data = root / "home", root / "data"
    command = [sys.executable, "-m", "outpost", "--home", str(home), "server"]
    command += ["--host", "127.0.0.1", "--port", "0", "--data", str(data)]
    if seed is not None:
        command += ["--seed", seed]
    if token_ttl is not None:
        command += ["--token-ttl", str(token_ttl)]
    command += list(extra_args)
    root.mkdir(parents=True, exist_ok=True)
    stderr_path = root / "stderr.txt"
    with stderr_path.open("a") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=_environment(root)
        )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True)
    reader.start()
    output: list[str] = []
    server: RunningServer | None = None
    try:
        server = _wait_until_ready(process, lines, output, start_timeout, stderr_path, home, data)
        yield server
        code = _stop(process, stop_timeout)
        assert code == 0, f"outpost server exited with {code}: {stderr_path.read_text()}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(stop_timeout)
        reader.join(stop_timeout)
        if process.stdout is not None:
            process.stdout.close()
        if server is not None:
            server.output[:] = output + _drain(lines)


def _drain(lines: queue.Queue[str | None]) -> list[str]:
    drained: list[str] = []
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return drained
        if line is not None:
            drained.append(line)


def _wait_until_ready(
    process: subprocess.Popen[str],
    lines: queue.Queue[str | None],
    output: list[str],
    timeout: float,
    stderr_path: Path,
    home: Path,
    data: Path,
) -> RunningServer:
    base_url, users = "", {}
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise ServerStartError(
                f"outpost server said nothing for {timeout:g} s; output so far: {output}"
            ) from None
        if line is None:
            code = process.wait(timeout)
            raise ServerStartError(
                f"outpost server exited with {code} before it was ready.\n"
                f"stdout: {output}\nstderr: {stderr_path.read_text()}"
            )
        output.append(line)
        if line.startswith(URL_PREFIX):
            base_url = line.removeprefix(URL_PREFIX).strip()
        elif line.startswith(ACCOUNT_PREFIX):
            user, _, password = line.removeprefix(ACCOUNT_PREFIX).partition(" / ")
            users[user.strip()] = password.strip()
        elif line.startswith(READY_PREFIX):
            break
    assert base_url.endswith("/fhir"), f"no base URL line in {output}"
    return RunningServer(
        process=process,
        base_url=base_url,
        origin=base_url.removesuffix("/fhir"),
        users=users,
        home=home,
        data_dir=data,
        output=output,
    )


def _stop(process: subprocess.Popen[str], timeout: float) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)
        raise AssertionError(
            f"outpost server did not stop within {timeout:g} s of SIGTERM"
        ) from None
