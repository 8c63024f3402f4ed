"""One endpoint of a bare aiortc call for bench/call.py: a plain `RTCPeerConnection`
with aiortc's defaults (VP8, Opus, its own bitrate control), the same synthetic camera
(640x480@30 test pattern with frame numbers) and voice as Outpost's, every remote track
drained. No Outpost call code: no ladder, no echo canceller, no bounded encoders.

The offer and the answer travel as JSON lines over stdin/stdout (aiortc gathers every
candidate before `setLocalDescription` returns, so one of each is enough):

    python bench/call_bare.py --role offer --trace T --duration 60   # {"ready"}, go, {"sdp"}
    python bench/call_bare.py --role answer --trace T --duration 60  # {"ready"}, offer, answer

It then prints `{"first_video_ms": ...}` (from starting the offer, or receiving it, to the
first decoded remote frame) and runs until the duration is over.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path

import av
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcconfiguration import RTCIceTransportPolicy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.call_probe import Grain, ProbeLog
from outpost.media import frame_marker
from outpost.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack


def _say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def _line() -> dict[str, object]:
    text = await asyncio.to_thread(sys.stdin.readline)
    answer: dict[str, object] = json.loads(text)
    return answer


async def _drain(track: MediaStreamTrack, log: ProbeLog, first: asyncio.Event) -> None:
    with contextlib.suppress(MediaStreamError):
        while True:
            frame = await track.recv()
            if isinstance(frame, av.VideoFrame):
                at = time.time()
                log.received(frame_marker.read_frame(frame), frame.width, frame.height, at)
                first.set()
            elif isinstance(frame, av.AudioFrame):
                log.audio(frame.pts, frame.sample_rate or 48_000, frame.samples)


async def run(args: argparse.Namespace) -> None:
    log = ProbeLog(args.trace)
    draw, grain = frame_marker.draw, Grain(args.grain)

    def probed_draw(luma: frame_marker.Plane, number: int) -> None:
        log.sent(number)
        grain.apply(luma)
        draw(luma, number)

    vars(frame_marker)["draw"] = probed_draw
    servers = (
        [RTCIceServer(urls=[args.ice_server], username=args.username, credential=args.credential)]
        if args.ice_server
        else []
    )
    pc = RTCPeerConnection(
        RTCConfiguration(
            iceServers=servers,
            iceTransportPolicy=RTCIceTransportPolicy.RELAY
            if args.relay_only
            else RTCIceTransportPolicy.ALL,
        )
    )
    audio, video = SyntheticAudioTrack(), SyntheticVideoTrack(args.width, args.height, args.fps)
    pc.addTrack(audio)
    pc.addTrack(video)
    first = asyncio.Event()
    drains: list[asyncio.Task[None]] = []
    pc.on("track", lambda track: drains.append(asyncio.ensure_future(_drain(track, log, first))))
    _say(ready=True)
    if args.role == "offer":
        await _line()  # the bench says go once both ends are up
        started = time.monotonic()
        await pc.setLocalDescription(await pc.createOffer())
        _say(sdp=pc.localDescription.sdp)
        answer = await _line()
        await pc.setRemoteDescription(RTCSessionDescription(str(answer["sdp"]), "answer"))
    else:
        offer = await _line()
        started = time.monotonic()
        await pc.setRemoteDescription(RTCSessionDescription(str(offer["sdp"]), "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        _say(sdp=pc.localDescription.sdp)
    try:
        await asyncio.wait_for(first.wait(), 30)
        _say(first_video_ms=(time.monotonic() - started) * 1000)
    except TimeoutError:
        _say(first_video_ms=None)
    await asyncio.sleep(max(args.duration - (time.monotonic() - started), 0))
    await pc.close()
    audio.stop()
    video.stop()
    for task in drains:
        task.cancel()
    await asyncio.gather(*drains, return_exceptions=True)
    log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--role", choices=("offer", "answer"), required=True)
    parser.add_argument("--trace", type=Path, required=True)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--ice-server", default="", help="turn:HOST:PORT?transport=udp")
    parser.add_argument("--username", default=None)
    parser.add_argument("--credential", default=None)
    parser.add_argument("--relay-only", action="store_true")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--grain", type=int, default=0, help="camera grain bits (call_probe)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
