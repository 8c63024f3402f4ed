"""kill -9 while saving loses no note whose save had returned (DESIGN 3)."""

from __future__ import annotations

import os
import random

import pytest

from outpost.core.settings import Profile
from tests.integration.durability import run_trials

TRIALS = 16


@pytest.mark.slow
def test_sigkill_mid_save_loses_no_committed_note(profile: Profile) -> None:
    # Reproduce a failure with OUTPOST_DURABILITY_SEED=<seed from the message>.
    seed = int(os.environ.get("OUTPOST_DURABILITY_SEED") or random.SystemRandom().randrange(2**32))
    report = run_trials(profile, TRIALS, seed)
    assert not report.failures, f"{report.summary()}: {report.failures}"
    assert not report.missing_at_end, report.summary()
    assert sum(len(r.reported) for r in report.results) >= TRIALS
