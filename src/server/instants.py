"""Time values on the wire: microsecond instants, FHIR date/dateTime parsing, HTTP dates.

The server keeps every time as integer microseconds since the Unix epoch (UTC). Values
without a time zone (a date, or a dateTime without offset) are read in the server's local
time zone, as the FHIR search page recommends.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MICRO = timedelta(microseconds=1)
_DATE_TIME = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?"
)


def now_us() -> int:
    return time.time_ns() // 1000


def to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


def from_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


def format_instant(value: int) -> str:
    """A FHIR instant with all six fraction digits, in UTC: 2024-05-01T09:30:00.123456Z."""
    return from_us(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def http_date(value: int) -> str:
    """RFC 9110 HTTP-date (whole seconds), for Last-Modified: English names whatever the
    locale, as `email.utils.format_datetime(..., usegmt=True)` writes it, at half the cost."""
    t = time.gmtime(value // 1_000_000)
    return (
        f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} {t.tm_year:04d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT"
    )


def parse_range(text: str) -> tuple[int, int]:
    """The interval [start, end) in microseconds that a FHIR date, dateTime or instant
    covers at its precision: '2024-05' is the whole month, '...T09:30' that minute.

    Raises ValueError for anything else. A '+' that a URL decoder turned into a space in
    the zone offset is accepted.
    """
    match = _DATE_TIME.fullmatch(text.strip().replace(" ", "+"))
    if match is None:
        raise ValueError("expected a FHIR date, dateTime or instant (YYYY-MM-DDThh:mm:ss+zz:zz)")
    year = int(match["year"])
    month = int(match["month"] or 1)
    day = int(match["day"] or 1)
    hour = int(match["hour"] or 0)
    minute = int(match["minute"] or 0)
    second = int(match["second"] or 0)
    fraction = (match["fraction"] or "")[:6]
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    naive = datetime(year, month, day, hour, minute, second, micro)  # raises ValueError
    if match["fraction"]:
        width = timedelta(microseconds=10 ** (6 - len(fraction)))
        end_naive = naive + width
    elif match["second"]:
        end_naive = naive + timedelta(seconds=1)
    elif match["hour"]:
        end_naive = naive + timedelta(minutes=1)
    elif match["day"]:
        end_naive = naive + timedelta(days=1)
    elif match["month"]:
        end_naive = naive.replace(year=year + (month == 12), month=month % 12 + 1)
    else:
        end_naive = naive.replace(year=year + 1)
    zone = match["zone"]
    if zone is None:
        # Local wall-clock time; astimezone() on a naive value applies the local rules,
        # so a day across a DST change is 23 or 25 hours long, as it should be.
        return to_us(naive.astimezone()), to_us(end_naive.astimezone())
    if zone == "Z":
        offset = timedelta(0)
    else:
        sign = -1 if zone[0] == "-" else 1
        offset = sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return to_us(naive.replace(tzinfo=UTC) - offset), to_us(end_naive.replace(tzinfo=UTC) - offset)


def parse_start(text: str) -> int:
    return parse_range(text)[0]
