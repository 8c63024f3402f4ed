"""Which server version replaces which: numbers compare as numbers, anything else by change."""

from __future__ import annotations

import pytest

from outpost.store.records import is_newer


@pytest.mark.parametrize(
    ("new", "old", "expected"),
    [
        ("1", None, True),
        ("2", "1", True),
        ("10", "9", True),
        ("9", "10", False),
        ("3", "3", False),
        ("b", "a", True),
        ("a", "a", False),
        ("W/2", "1", True),
    ],
)
def test_is_newer(new: str, old: str | None, expected: bool) -> None:
    assert is_newer(new, old) is expected
