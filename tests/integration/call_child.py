"""The clinician's side of a visit as a child process (e.g. inside a network namespace):
the full pipeline with a grainy synthetic camera (as hard to compress as a real one, so
the encoder works at the ladder's ceilings), admitting the waiting patient, until SIGINT
or SIGTERM; then it hangs up and writes the call's record as JSON.

    python -m tests.integration.call_child SERVER_URL APPOINTMENT RECORD.json
    (the access token in OUTPOST_TEST_TOKEN, never on the command line)
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

from outpost.media import pipeline
from outpost.media.call_session import CallConfig, CallSession
from outpost.media.signaling_client import SignalingClient, clinician_endpoint
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack

TOKEN_VARIABLE = "OUTPOST_TEST_TOKEN"


async def visit(server_url: str, appointment: str, record_path: Path) -> None:
    token = os.environ[TOKEN_VARIABLE]

    async def access_token() -> str:
        return token

    media = pipeline.build(
        SyntheticAudioTrack(AudioKind.SPEECH), SyntheticVideoTrack(grain=True), read_markers=True
    )
    session = CallSession(
        SignalingClient(clinician_endpoint(server_url, appointment, access_token)),
        media.local,
        media.remote,
        CallConfig(),
        appointment=appointment,
        steps=media.steps,
    )
    loop = asyncio.get_running_loop()
    for stop in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop, session.hang_up)
    await session.connect()
    await session.wait_for_patient(timeout_s=60)
    await session.admit()
    print("admitted", flush=True)
    record = await session.run()
    guard = media.steps.guard
    if guard is not None:
        print(
            f"video sender: {guard.resent} resent, {guard.refused} refused, "
            f"{guard.keyframes} key frames, {guard.keyframes_delayed} delayed",
            flush=True,
        )
    record_path.write_text(json.dumps(record.to_json(), indent=1))


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    server_url, appointment, record_path = sys.argv[1:4]
    asyncio.run(visit(server_url, appointment, Path(record_path)))


if __name__ == "__main__":
    main()
