"""The tech check's TURN test (`TechCheckPort.check_turn`): whether each TURN server in
the settings gives this computer a relay address, and how long that took.

Each server is tried alone, relay-only, by aiortc's own ICE gatherer (the way a visit
would use it), all of them at once, each within `BOUND_S`: a server that does not answer,
refuses our credentials or is not there gives no relay candidate. STUN servers are not
TURN servers and are left out. The result's subject is the server's URL, which never
holds the user name or credential.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from aiortc import RTCIceGatherer, RTCIceServer
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.rtcicetransport import RTCIceTransport

from outpost.core.ice_servers import IceServer
from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict

logger = logging.getLogger(__name__)

BOUND_S = 8.0  # aioice itself gives up on a silent server after 5 s
CLOSE_WAIT_S = 1.0


async def check_turn(ice_servers: tuple[IceServer, ...], relay_only: bool) -> list[CheckResult]:
    """One TURN result per TURN server, in the settings' order; TURN_NOT_SET when there
    is none (FAILED when visits are relay-only, SKIPPED otherwise)."""
    servers = [server for server in ice_servers if server.is_turn]
    if not servers:
        found = Verdict.FAILED if relay_only else Verdict.SKIPPED
        return [CheckResult(CheckName.TURN, found, Finding.TURN_NOT_SET)]
    return list(await asyncio.gather(*(_check_one(server) for server in servers)))


async def _check_one(server: IceServer) -> CheckResult:
    started = time.monotonic()
    reached = await _relay_gathered(server)
    elapsed_ms = (time.monotonic() - started) * 1000
    logger.info(
        "TURN check: %s %s in %.0f ms",
        server.url,
        "reached" if reached else "unreachable",
        elapsed_ms,
    )
    if reached:
        return CheckResult(
            CheckName.TURN, Verdict.PASSED, Finding.TURN_REACHED, server.url, {"ms": elapsed_ms}
        )
    return CheckResult(CheckName.TURN, Verdict.FAILED, Finding.TURN_UNREACHABLE, server.url)


async def _relay_gathered(server: IceServer) -> bool:
    """Whether gathering with only `server`, relay-only, gave a relay candidate."""
    gatherer = RTCIceGatherer(
        iceServers=[
            RTCIceServer(urls=[server.url], username=server.username, credential=server.credential)
        ],
        iceTransportPolicy=RTCIceTransportPolicy.RELAY,
    )
    try:
        await asyncio.wait_for(gatherer.gather(), BOUND_S)
        return any(candidate.type == "relay" for candidate in gatherer.getLocalCandidates())
    except TimeoutError:
        return False
    except (OSError, ValueError) as exc:  # e.g. a host name that does not resolve
        logger.info("TURN check: %s failed: %s", server.url, type(exc).__name__)
        return False
    finally:  # releases the allocation on the server too
        with contextlib.suppress(Exception):
            await asyncio.wait_for(RTCIceTransport(gatherer).stop(), CLOSE_WAIT_S)
