"""A real TURN server for tests: Debian's coturn (`turnserver`) on 127.0.0.1 with one
long-term user, listening on UDP and TCP, and on TLS with a throw-away certificate.

    with running_turn(tmp_path) as turn:
        turn.url("udp"), turn.url("tcp"), turn.url("tls"), turn.username, turn.password
"""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

REALM = "outpost.test"
START_TIMEOUT_S = 10.0


class TurnStartError(RuntimeError):
    pass


@dataclass(frozen=True)
class RunningTurn:
    port: int
    tls_port: int
    username: str
    password: str
    log: Path
    certificate: Path  # trust it (e.g. SSL_CERT_FILE) to use TURN over TLS

    def url(self, transport: str = "udp") -> str:
        """`turn:127.0.0.1:P?transport=udp|tcp`, or `turns:127.0.0.1:T?transport=tcp`."""
        if transport == "tls":
            return f"turns:127.0.0.1:{self.tls_port}?transport=tcp"
        return f"turn:127.0.0.1:{self.port}?transport={transport}"

    def relayed_allocations(self) -> int:
        """Allocations coturn has logged so far: proof that media went through it."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text.count("ALLOCATE processed, success")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "turn-cert.pem", folder / "turn-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _wait_listening(process: subprocess.Popen[bytes], ports: list[int], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    pending = list(ports)
    while pending:
        if process.poll() is not None:
            raise TurnStartError(f"turnserver exited with {process.returncode}: {log}")
        if time.monotonic() > deadline:
            raise TurnStartError(f"turnserver did not listen on {pending} in time: {log}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", pending[0])) == 0:
                pending.pop(0)
                continue
        time.sleep(0.05)  # a port that is not open yet: poll again shortly


@contextmanager
def running_turn(folder: Path, extra_args: Sequence[str] = ()) -> Iterator[RunningTurn]:
    """coturn on 127.0.0.1; `extra_args` are added to its command line (e.g.
    `--denied-peer-ip=127.0.0.1`: it allocates relays but relays nothing)."""
    binary = shutil.which("turnserver")
    if binary is None:
        raise TurnStartError("turnserver is missing: run scripts/bootstrap.sh as root (coturn)")
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = _self_signed(folder)
    port, tls_port = _free_port(), _free_port()
    username, password = "outpost", secrets.token_urlsafe(12)
    log = folder / "turnserver.log"
    args = [
        binary,
        "-n",  # no configuration file
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        f"--listening-port={port}",
        f"--tls-listening-port={tls_port}",
        "--allow-loopback-peers",
        "--lt-cred-mech",
        f"--user={username}:{password}",
        f"--realm={REALM}",
        f"--cert={cert}",
        f"--pkey={key}",
        "--no-dtls",
        "--no-cli",
        "--no-multicast-peers",
        "--fingerprint",
        "--verbose",
        f"--log-file={log}",
        "--simple-log",
        "--no-stdout-log",
        f"--pidfile={folder / 'turnserver.pid'}",
        "--min-port=49160",
        "--max-port=49999",
        *extra_args,
    ]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_listening(process, [port, tls_port], log)
        yield RunningTurn(port, tls_port, username, password, log, cert)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
