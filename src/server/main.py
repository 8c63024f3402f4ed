"""`outpost server`: start the reference backend, print where it listens, stop cleanly on
SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from outpost.core.errors import ConfigError, OutpostError
from outpost.core.ice_servers import IceServer, parse_ice_server
from outpost.server import (
    idempotency,
    instants,
    join_links,
    rehearsals,
    seed,
    tokens,
    validation,
)
from outpost.server.app import create_app
from outpost.server.database import Database

logger = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_S = 10.0
_WILDCARDS = ("", "0.0.0.0", "::")  # noqa: S104 (recognised, not bound)


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8080
    seed: str | None = None
    access_ttl: int = tokens.DEFAULT_ACCESS_TTL_S
    ice_servers: tuple[dict[str, object], ...] = ()
    rehearsal_ttl: int = rehearsals.DEFAULT_TTL_S


def ice_servers(
    urls: list[str], username: str | None, credential: str | None
) -> tuple[dict[str, object], ...]:
    """RTCIceServer dictionaries for `--ice-server` entries (the `ice_servers` setting's
    syntax): TURN ones without credentials of their own get `--turn-user` /
    `--turn-password`."""
    if (username is None) != (credential is None):
        raise ConfigError("--turn-user and --turn-password go together.")
    found: list[dict[str, object]] = []
    for url in urls:
        try:
            server = parse_ice_server(url)
        except ValueError as exc:
            raise ConfigError(f"--ice-server {exc}.") from exc
        if server.is_turn and server.username is None:
            if username is None:
                raise ConfigError(
                    f"--ice-server {server.url} needs --turn-user and --turn-password."
                )
            server = IceServer(server.url, username, credential)
        found.append(server.browser_shape())
    return tuple(found)


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    ttl = int(getattr(args, "token_ttl", tokens.DEFAULT_ACCESS_TTL_S))
    if ttl < 0:
        raise ConfigError("--token-ttl must be 0 or more seconds.")
    rehearsal_ttl = int(getattr(args, "rehearsal_ttl", rehearsals.DEFAULT_TTL_S))
    if rehearsal_ttl < 1:
        raise ConfigError("--rehearsal-ttl must be 1 or more seconds.")
    if not 0 <= args.port <= 65535:
        raise ConfigError("--port must be between 0 and 65535.")
    servers = ice_servers(
        list(getattr(args, "ice_server", None) or []),
        getattr(args, "turn_user", None),
        getattr(args, "turn_password", None),
    )
    return ServerConfig(
        data_dir=Path(args.data),
        host=args.host,
        port=args.port,
        seed=args.seed,
        access_ttl=ttl,
        ice_servers=servers,
        rehearsal_ttl=rehearsal_ttl,
    )


def run_server(args: argparse.Namespace) -> int:
    return asyncio.run(serve(config_from_args(args)))


def _origin(host: str, addresses: list[object]) -> str:
    port = 0
    for address in addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            port = int(address[1])
            break
    shown = "127.0.0.1" if host in _WILDCARDS else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _say(line: str) -> None:
    print(line, flush=True)


def _startup_housekeeping(db: Database, with_seed: bool, origin: str) -> list[tuple[str, str]]:
    def job(conn: sqlite3.Connection) -> list[tuple[str, str]]:
        now = instants.now_us()
        idempotency.prune(conn, now)
        tokens.prune(conn, now)
        join_links.prune(conn, now)
        if not with_seed:
            return []
        if seed.seed_demo(conn, origin, instants.now_us):
            logger.info("demo clinic seeded")
        return seed.demo_accounts(conn)

    return db.run_sync(job)


def _install_signal_handlers(stop: asyncio.Event) -> Callable[[], None]:
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))

    def remove() -> None:
        for signum in installed:
            loop.remove_signal_handler(signum)

    return remove


async def serve(config: ServerConfig, *, say: Callable[[str], None] = _say) -> int:
    """Run until SIGTERM/SIGINT. Prints the FHIR base URL (and the demo accounts) once the
    server accepts connections and the demo data is in place."""
    stop = asyncio.Event()
    remove_handlers = _install_signal_handlers(stop)  # first: a signal during start-up counts
    loop = asyncio.get_running_loop()
    runner: web.AppRunner | None = None
    db: Database | None = None
    try:
        db = Database.open(config.data_dir)
        await loop.run_in_executor(None, validation.warm_up)
        app = create_app(
            db,
            access_ttl=config.access_ttl,
            ice_servers=config.ice_servers,
            rehearsal_ttl_s=config.rehearsal_ttl,
        )
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_S
        )
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port)
        try:
            await site.start()
        except OSError as exc:
            raise OutpostError(
                f"Cannot listen on {config.host}:{config.port}: {exc.strerror or exc}."
            ) from exc
        origin = _origin(config.host, list(runner.addresses))
        demo = await loop.run_in_executor(
            None, _startup_housekeeping, db, config.seed == "demo", origin
        )
        port = origin.rsplit(":", 1)[1]
        logger.info(
            "server listening: port=%s demo_accounts=%d ice_servers=%d",
            port,
            len(demo),
            len(config.ice_servers),
        )
        say(f"Outpost reference server: {origin}/fhir")
        for username, password in demo:
            say(f"Demo account: {username} / {password}")
        say("Ready. Stop with Ctrl+C.")
        await stop.wait()
        logger.info("server stopping")
        sys.stdout.flush()
    finally:
        remove_handlers()
        if runner is not None:
            await runner.cleanup()
        if db is not None:
            db.close()
    logger.info("server stopped")
    return 0
