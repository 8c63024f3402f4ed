"""Kill -9 durability trials for the store (the test suite runs a short version).

Needs a keychain session:

    scripts/keyring-session.sh .venv/bin/python bench/durability.py --trials 1000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kill -9 durability trials for the store")
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=None, help="reproduce an earlier run")
    parser.add_argument("--max-saves", type=int, default=40, help="most saves before a kill")
    parser.add_argument("--dir", type=Path, default=None, help="folder for the profile")
    args = parser.parse_args(argv)

    # The trial harness lives with the tests that also use it.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.integration.durability import TrialResult, run_trials

    from outpost.core.settings import Profile

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    every = max(1, args.trials // 20)

    def progress(result: TrialResult) -> None:
        if not result.ok:
            print(f"FAILED trial {result.trial}: {result}", flush=True)
        elif (result.trial + 1) % every == 0:
            print(f"  {result.trial + 1}/{args.trials} trials ok", flush=True)

    with tempfile.TemporaryDirectory(dir=args.dir, prefix="outpost-durability-") as tmp:
        report = run_trials(
            Profile.at(Path(tmp) / "profile"),
            args.trials,
            seed,
            max_saves=args.max_saves,
            progress=progress,
        )
    saves = [len(r.reported) for r in report.results]
    seconds = [r.seconds for r in report.results]
    print(report.summary())
    print(
        f"saves before kill: min {min(saves)}, mean {sum(saves) / len(saves):.1f}, "
        f"max {max(saves)}; trial time mean {sum(seconds) / len(seconds):.2f}s"
    )
    ok = not report.failures and not report.missing_at_end
    print("RESULT:", "no committed note lost" if ok else "LOSS OR DAMAGE DETECTED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
