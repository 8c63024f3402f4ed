"""`TechCheck`: the tech check for the app (`outpost.core.tech_check.TechCheckPort`).

It puts together the device checks (`device_check.DeviceCheck`: camera preview, microphone
level, test sound, echo), the network check to the configured server (`network_check`)
and the TURN relays of the settings (`turn_check`). Runs on the runtime thread; the
preview and the level are read from any thread.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp

from outpost.core.device_choice import DeviceChoice
from outpost.core.errors import OutpostError
from outpost.core.ice_servers import IceServer
from outpost.core.tech_check import CheckResult
from outpost.core.visits import CredentialSource, VideoImage
from outpost.media import network_check, turn_check
from outpost.media.device_check import DeviceCheck

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15, connect=5)


class TechCheck:
    def __init__(
        self,
        devices: DeviceCheck,
        credentials: CredentialSource,
        server_url: str,
        *,
        ice_servers: tuple[IceServer, ...] = (),
        relay_only: bool = False,
        choice: Callable[[], DeviceChoice] | None = None,
    ) -> None:
        """`choice` gives the devices visits use now (a clinician may have picked others
        in the visit room since the start); each check follows it."""
        self._devices = devices
        self._choice = choice
        self._credentials = credentials
        self._server_url = server_url
        self._ice_servers = ice_servers
        self._relay_only = relay_only

    async def open_devices(self) -> list[CheckResult]:
        self._follow_choice()
        return await self._devices.open_devices()

    async def close_devices(self) -> None:
        await self._devices.close_devices()

    async def play_test_sound(self) -> CheckResult:
        self._follow_choice()
        return await self._devices.play_test_sound()

    async def check_echo(self) -> CheckResult:
        self._follow_choice()
        return await self._devices.check_echo()

    async def check_network(self) -> CheckResult:
        try:
            token: str | None = (await self._credentials()).access_token
        except OutpostError:
            token = None  # not signed in (or offline): the round trip alone
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
            return await network_check.check_network(http, self._server_url, token)

    async def check_turn(self) -> list[CheckResult]:
        return await turn_check.check_turn(self._ice_servers, self._relay_only)

    def _follow_choice(self) -> None:
        if self._choice is not None:
            self._devices.set_choice(self._choice())

    def camera_preview(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        return self._devices.camera_preview(since, max_width, max_height)

    def microphone_level(self) -> float:
        return self._devices.microphone_level()
