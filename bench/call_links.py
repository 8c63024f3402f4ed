"""bench/call.py's thin-link scenarios: a 400 kbit/s uplink, 5% loss that stops, and a
150 kbit/s link, each with a 100 ms round trip.

The clinician (the offering side) crosses the tests' link emulator (a UDP relay in front
of Debian's coturn on 127.0.0.1) with relay-only ICE; the patient reaches the same coturn
directly, relay-only too, so every packet stays on 127.0.0.1 and all of the clinician's
media crosses the emulated link. "Up" is the clinician's uplink. Each call gets a fresh
emulator with the same shape and seed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from tests.link_emulator import LinkEmulator, LinkShape
from tests.turn_server import RunningTurn

from bench.call_figures import (
    audio,
    audio_delay,
    ladder_share,
    percentile,
    settled_after,
    step_share,
    video,
    window,
)
from bench.call_pairs import Ice, PairResult, Setup
from bench.call_scenarios import Context, Part, ms, pct, progress, size, verdict

RTT_HALF_MS = 50.0
TARGET_FPS = 10.0
TARGET_SIZE = (320, 240)
TARGET_P95_MS = 500.0
TARGET_AUDIO_THIN = 0.98
TARGET_AUDIO_LOSS = 0.95
TARGET_DELAY_MS = 50.0
TARGET_RECOVERY_S = 5
TARGET_GAP_S = 0.2
TARGET_AUDIO_ONLY = 0.9
AUDIO_ONLY = "audio only"
SETTLE_S = 10.0
CLEAN_S = 15.0
AFTER_S = 20.0


@dataclass(frozen=True)
class Linked:
    result: PairResult
    up_kbps: float
    up_dropped: int  # queue overflow + random loss, clinician -> patient


async def _linked(
    ctx: Context,
    turn: RunningTurn,
    contender: str,
    seconds: float,
    up: LinkShape,
    down: LinkShape,
    changes: tuple[tuple[float, LinkShape, LinkShape], ...] = (),
) -> Linked:
    with LinkEmulator(("127.0.0.1", turn.port), up=up, down=down, seed=ctx.seed) as link:
        events = tuple(
            (at, lambda u=new_up, d=new_down: link.shape(up=u, down=d))
            for at, new_up, new_down in changes
        )
        setup = Setup(
            seconds,
            ctx.grain,
            offer_ice=Ice(
                f"turn:127.0.0.1:{link.port}?transport=udp", turn.username, turn.password
            ),
            answer_ice=Ice(turn.url("udp"), turn.username, turn.password),
            events=events,
        )
        result = await ctx.run(contender, setup)
        stats = link.up_stats
    return Linked(
        result,
        stats.bytes_delivered * 8 / 1000 / max(result.end - result.t0, 1.0),
        stats.overflowed + stats.lost,
    )


# -- 2. 400 kbit/s uplink -----------------------------------------------------------------


async def thin(ctx: Context, turn: RunningTurn) -> Part:
    up = LinkShape(rate_kbit=400, delay_ms=RTT_HALF_MS)
    down = LinkShape(delay_ms=RTT_HALF_MS)
    lines = [
        f"### 400 kbit/s uplink, 100 ms round trip ({ctx.seconds:g} s calls, measured from "
        f"{SETTLE_S:g} s; the patient receives over the thin link)",
        "",
        "| contender | fps at patient | p10 of per-second fps | size | latency p50 / p95 ms "
        "| audio played at patient | link carried kbit/s | packets dropped by the link "
        "| clinician's ladder |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    verdicts = []
    for contender in ctx.names:
        progress(f"400 kbit/s: {contender}, {ctx.seconds:g} s")
        linked = await _linked(ctx, turn, contender, ctx.seconds, up, down)
        result = linked.result
        span = window(result, SETTLE_S)
        seen, heard = (
            video(result.offer, result.answer, span),
            audio(result.answer, result.t0, span),
        )
        ladder = ladder_share(result, span) if contender == "Outpost" else "-"
        lines.append(
            f"| {contender} | {seen.fps:.1f} | {seen.low_fps:.0f} | {size(seen.size)} "
            f"| {ms(seen.latency_p50)} / {ms(seen.latency_p95)} | {pct(heard.played, 1)} "
            f"| {linked.up_kbps:.0f} | {linked.up_dropped} | {ladder} |"
        )
        if contender == "Outpost":
            big = seen.size is not None and all(
                got >= want for got, want in zip(seen.size, TARGET_SIZE, strict=True)
            )
            verdicts += [
                verdict(
                    seen.fps >= TARGET_FPS and big,
                    f"400 kbit/s: {seen.fps:.1f} fps at {size(seen.size)} at the patient "
                    f"(target >= {TARGET_FPS:g} fps at >= {size(TARGET_SIZE)})",
                ),
                verdict(
                    seen.latency_p95 is not None and seen.latency_p95 <= TARGET_P95_MS,
                    f"400 kbit/s: video latency p95 {ms(seen.latency_p95)} ms "
                    f"(target <= {TARGET_P95_MS:g} ms)",
                ),
                verdict(
                    heard.played is not None and heard.played >= TARGET_AUDIO_THIN,
                    f"400 kbit/s: {pct(heard.played, 1)} of audio frames played at the patient "
                    f"(target >= {pct(TARGET_AUDIO_THIN)})",
                ),
            ]
    return Part("\n".join(lines), verdicts)


# -- 3. 5% loss, then none -----------------------------------------------------------------


async def loss(ctx: Context, turn: RunningTurn) -> Part:
    clean = LinkShape(delay_ms=RTT_HALF_MS)
    lossy = dataclasses.replace(clean, loss=0.05)
    lossy_s = max(ctx.seconds / 2, 10.0)
    stop = CLEAN_S + lossy_s
    seconds = stop + AFTER_S
    lines = [
        f"### 5% loss both ways, 100 ms round trip: clean {CLEAN_S:g} s, lossy {lossy_s:g} s, "
        f"clean {AFTER_S:g} s",
        "",
        "| contender | endpoint | audio played while lossy | audio delay before, ms "
        "| most added while lossy, ms | added 1 s / 5 s after, ms | back within "
        f"{TARGET_DELAY_MS:g} ms after | fps received while lossy |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for contender in ctx.names:
        progress(f"5% loss: {contender}, {seconds:g} s")
        linked = await _linked(
            ctx,
            turn,
            contender,
            seconds,
            clean,
            clean,
            ((CLEAN_S, lossy, lossy), (stop, clean, clean)),
        )
        result = linked.result
        lossy_span = window(result, CLEAN_S, stop)
        worst_played: float | None = 1.0
        worst_back: int | None = 0
        for label, end, other in (
            ("patient", result.answer, result.offer),
            ("clinician", result.offer, result.answer),
        ):
            heard = audio(end, result.t0, lossy_span)
            series = audio_delay(end, result.t0)
            before = [series[s] for s in series if CLEAN_S - 5 <= s < CLEAN_S]
            start = percentile(before, 50)
            added = _added(series, start, CLEAN_S, stop)
            after1 = _at(series, start, stop + 1)
            after5 = _at(series, start, stop + 5)
            back = (
                None
                if start is None
                else settled_after(series, start, int(stop), int(stop) + 10, TARGET_DELAY_MS)
            )
            absolute = "(relative)" if end.record is None and not end.browser_stats else ms(start)
            lines.append(
                f"| {contender} | {label} | {pct(heard.played, 1)} | {absolute} | {ms(added)} "
                f"| {ms(after1)} / {ms(after5)} | {'never' if back is None else f'{back} s'} "
                f"| {video(other, end, lossy_span).fps:.1f} |"
            )
            if heard.played is None or (worst_played is not None and heard.played < worst_played):
                worst_played = heard.played
            if back is None or (worst_back is not None and back > worst_back):
                worst_back = back
        if contender == "Outpost":
            verdicts += [
                verdict(
                    worst_played is not None and worst_played >= TARGET_AUDIO_LOSS,
                    f"5% loss: {pct(worst_played, 1)} of audio frames played (worse end; "
                    f"target >= {pct(TARGET_AUDIO_LOSS)})",
                ),
                verdict(
                    worst_back is not None and worst_back <= TARGET_RECOVERY_S,
                    "5% loss: audio delay back within "
                    f"{TARGET_DELAY_MS:g} ms of its start "
                    + ("never" if worst_back is None else f"{worst_back} s")
                    + f" after the loss stopped (worse end; target <= {TARGET_RECOVERY_S} s)",
                ),
            ]
    lines.append("")
    lines.append(
        "Audio delay on the receiving side: Outpost, its playout buffer's wait; bare aiortc, "
        "arrival less RTP media time (relative: aiortc's jitter buffer); Chromium, NetEq's "
        "jitter-buffer delay. Before = the median of the 5 s before the loss. 'Back within' "
        "= seconds after the loss stopped from which every second up to 10 s after it stays "
        "within the tolerance of the value before."
    )
    return Part("\n".join(lines), verdicts)


def _added(series: dict[int, float], start: float | None, a: float, b: float) -> float | None:
    inside = [series[s] for s in series if a <= s < b]
    return None if start is None or not inside else max(inside) - start


def _at(series: dict[int, float], start: float | None, second: float) -> float | None:
    value = series.get(int(second))
    return None if start is None or value is None else value - start


# -- 4. 150 kbit/s ------------------------------------------------------------------------


async def narrow(ctx: Context, turn: RunningTurn) -> Part:
    shape = LinkShape(rate_kbit=150, delay_ms=RTT_HALF_MS)
    lines = [
        f"### 150 kbit/s both ways, 100 ms round trip ({ctx.seconds:g} s calls, measured from "
        f"{SETTLE_S:g} s)",
        "",
        "| contender | audio played patient / clinician | longest audio gap patient / "
        "clinician ms | video fps at patient / clinician | link carried kbit/s (up) "
        "| clinician's ladder | patient's ladder |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    verdicts = []
    for contender in ctx.names:
        progress(f"150 kbit/s: {contender}, {ctx.seconds:g} s")
        linked = await _linked(ctx, turn, contender, ctx.seconds, shape, shape)
        result = linked.result
        span = window(result, SETTLE_S)
        ends = (result.answer, result.offer)
        heard = [audio(end, result.t0, span) for end in ends]
        fps = [
            video(result.offer, result.answer, span).fps,
            video(result.answer, result.offer, span).fps,
        ]
        ladders = ["-", "-"]
        if contender == "Outpost":
            ladders = [ladder_share(result, span), ladder_share(_swapped(result), span)]
        lines.append(
            f"| {contender} | {' / '.join(pct(h.played, 1) for h in heard)} "
            f"| {' / '.join(_gap_ms(h.longest_gap_s) for h in heard)} "
            f"| {fps[0]:.1f} / {fps[1]:.1f} | {linked.up_kbps:.0f} | {ladders[0]} | {ladders[1]} |"
        )
        if contender == "Outpost":
            played = min((h.played or 0.0) for h in heard)
            gap = max((h.longest_gap_s or 0.0) for h in heard)
            only = [
                step_share(end, result.t0, span, AUDIO_ONLY)
                for end in (result.offer, result.answer)
            ]
            verdicts += [
                verdict(
                    min(only) >= TARGET_AUDIO_ONLY,
                    f"150 kbit/s: audio only for {pct(only[0])} (clinician) and {pct(only[1])} "
                    f"(patient) of the measured seconds (target >= {pct(TARGET_AUDIO_ONLY)} "
                    "each)",
                ),
                verdict(
                    played >= TARGET_AUDIO_THIN and gap <= TARGET_GAP_S,
                    f"150 kbit/s: audio continuous: {pct(played, 1)} played, longest gap "
                    f"{gap * 1000:.0f} ms (worse end; target >= {pct(TARGET_AUDIO_THIN)} and "
                    f"no gap over {TARGET_GAP_S * 1000:.0f} ms)",
                ),
            ]
    lines.append("")
    lines.append(
        "Longest audio gap: aiortc endpoints, between frames coming out of aiortc; Chromium, "
        "the most audio concealed in one second."
    )
    return Part("\n".join(lines), verdicts)


def _gap_ms(seconds: float | None) -> str:
    return ms(None if seconds is None else seconds * 1000)


def _swapped(result: PairResult) -> PairResult:
    return dataclasses.replace(result, offer=result.answer, answer=result.offer)
