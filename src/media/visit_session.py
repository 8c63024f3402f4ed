"""`VisitSession`: the clinician's `CallSession` with a person deciding when to admit.

`CallSession.wait_for_patient` returns as soon as someone is in the waiting room; in the
app the clinician may take a while to press Admit, and meanwhile the patient may leave,
come back, or the room's socket may reconnect. `until_admitted` keeps handling the room's
events until the clinician admits or hangs up. Leaving before admitting sends no bye, so
the patient keeps waiting.
"""

from __future__ import annotations

import asyncio

from outpost.media.call_session import CallSession, CallState


class VisitSession(CallSession):
    @property
    def patient_waiting(self) -> bool:
        return self.state is CallState.PATIENT_WAITING

    async def until_admitted(self, requested: asyncio.Event) -> bool:
        """Handle room events until `requested` is set (True) or `hang_up()` (False)."""
        while True:
            if self._hang_up.is_set():
                return False
            if requested.is_set():
                return True
            incoming = asyncio.ensure_future(self._signaling.next())
            asked = asyncio.ensure_future(requested.wait())
            hung_up = asyncio.ensure_future(self._hang_up.wait())
            done, _ = await asyncio.wait(
                {incoming, asked, hung_up}, return_when=asyncio.FIRST_COMPLETED
            )
            asked.cancel()
            hung_up.cancel()
            if incoming in done:
                await self._dispatch(incoming.result())
            else:
                incoming.cancel()

    async def leave_waiting_room(self) -> None:
        """Close the room before anyone was admitted, without a bye: the patient stays in
        the waiting room (and sees the clinician come back later)."""
        await self.remote.close()
        await self._signaling.close()
