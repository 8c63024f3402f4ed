"""A probe's copies timed on arrival give the link's rate (`rate_probe.py`)."""

from __future__ import annotations

from outpost.media.rate_probe import (
    PROBE_COPIES,
    WIRE_OVERHEAD_BYTES,
    MeteredEstimator,
    Probe,
    ProbeMeter,
)

ABS_SEND_UNITS = 1 << 18  # abs-send-time is 6.18 fixed-point seconds
SENT = 5 * ABS_SEND_UNITS  # abs-send-time of the probed packet: 5 s
SIZE = 900  # its payload


def wire_ms(kbps: float, size: int = SIZE) -> float:
    """How long one copy takes on a link of `kbps`."""
    return (size + WIRE_OVERHEAD_BYTES) * 8 / kbps


def arrive(
    meter: ProbeMeter, arrivals: list[int], sent: int = SENT, size: int = SIZE
) -> list[object]:
    return [meter.add(at, sent, size) for at in arrivals]


def test_copies_spread_by_a_150_kbit_link_read_150() -> None:
    gap = wire_ms(150)  # 51 ms
    results = arrive(ProbeMeter(), [1000 + round(i * gap) for i in range(PROBE_COPIES)])
    assert results[:3] == [None] * 3  # four copies are needed
    for probe in results[3:]:  # measured with four, again with the fifth
        assert isinstance(probe, Probe)
        assert 140 <= probe.kbps <= 160


def test_a_lost_copy_still_gives_a_measure_and_a_later_probe_of_the_same_packet_too() -> None:
    gap = wire_ms(150)
    meter = ProbeMeter()
    arrive(meter, [1000 + round(i * gap) for i in range(4)])  # the fifth was dropped
    first = meter.latest
    assert first is not None
    assert 140 <= first.kbps <= 160
    # 20 s later nothing else was sent: the next probe copies the same packet
    arrive(meter, [21_000 + round(i * wire_ms(900)) for i in range(PROBE_COPIES)])
    assert meter.latest is not None
    assert meter.latest.arrived_ms > 21_000
    assert meter.latest.kbps > 800


def test_a_token_bucket_letting_the_first_through_at_once_does_not_fool_it() -> None:
    gap = wire_ms(150)
    meter = ProbeMeter()
    arrivals = [1000, 1001, 1000 + round(gap), 1000 + round(2 * gap), 1000 + round(3 * gap)]
    arrive(meter, arrivals)
    assert meter.latest is not None
    assert 140 <= meter.latest.kbps <= 160
    arrivals = [2000, 2000, 2000, 2000 + round(gap), 2000 + round(2 * gap)]  # three
    assert arrive(meter, arrivals, sent=SENT + 100)[-1] is not None
    assert 140 <= meter.latest.kbps <= 160
    # a bigger bucket lets four through at once: the rate is hidden, nothing is claimed
    arrivals = [3000, 3000, 3000, 3000, 3000 + round(gap)]
    assert arrive(meter, arrivals, sent=SENT + 200)[-1] is None


def test_a_receiver_busy_for_a_moment_reads_no_slow_link() -> None:
    """Copies read all at once after a 200 ms stall: one long gap, the others 0."""
    meter = ProbeMeter()
    arrive(meter, [1000, 1200, 1200, 1200, 1200])
    assert meter.latest is None


def test_a_fast_link_gives_no_measure() -> None:
    meter = ProbeMeter()
    arrive(meter, [1000, 1000, 1001, 1001, 1002])
    assert meter.latest is None


def test_packets_of_a_frame_and_a_packet_resent_again_are_no_probe() -> None:
    meter = ProbeMeter()
    # a frame's packets: sent 0.2 ms apart, not copies
    for i in range(8):
        meter.add(1000 + 60 * i, SENT + i * ABS_SEND_UNITS // 5000, 1200)
    # one packet resent on each of five NACKs, 250 ms apart: copies, but not one probe
    arrive(meter, [2000 + 250 * i for i in range(PROBE_COPIES)])
    # three copies, then another packet: too few
    arrive(meter, [4000, 4050, 4100])
    meter.add(4200, SENT + ABS_SEND_UNITS, SIZE)
    assert meter.latest is None


def test_the_estimator_keeps_making_aiortcs_estimate_and_measures_each_stream() -> None:
    estimator = MeteredEstimator()
    remb = None
    for i in range(200):  # a 300 kbit/s stream of 1000-byte packets, 30 a second
        at = 1000 + i * 33
        remb = estimator.add(at, (i * 33 * ABS_SEND_UNITS // 1000) % (1 << 24), 1000, 1) or remb
    assert remb is not None
    assert remb[1] == [1]
    assert estimator.latest is None
    gap = wire_ms(200)
    for i in range(PROBE_COPIES):  # a probe on the retransmission stream
        estimator.add(8000 + round(i * gap), SENT, SIZE, 2)
    probe = estimator.meters[2].latest
    assert probe is not None
    assert 190 <= probe.kbps <= 210
    assert set(estimator.meters) == {1, 2}
