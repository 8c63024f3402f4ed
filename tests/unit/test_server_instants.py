"""HTTP dates of the server (`Last-Modified`): the same text as the standard library's."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime

from outpost.server import instants


def test_http_dates_match_the_standard_library_across_the_years() -> None:
    rng = random.Random(20261201)
    first = instants.to_us(datetime(1, 1, 1, tzinfo=UTC))
    last = instants.to_us(datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    values = [0, -1, 1, first, last, 1_777_593_600_123_456]
    values += [rng.randrange(first, last) for _ in range(20_000)]
    for value in values:
        moment = instants.from_us(value).replace(microsecond=0)
        assert instants.http_date(value) == format_datetime(moment, usegmt=True), value
