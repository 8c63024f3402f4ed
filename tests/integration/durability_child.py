"""Child of the kill -9 durability trials (see durability.py): saves notes until killed,
writing each note's id to stdout only after the save's commit has returned.

Usage: python durability_child.py <profile dir> <appointment id> <max saves>
"""

from __future__ import annotations

import sys
from pathlib import Path

from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain


def main(argv: list[str]) -> int:
    home, appointment_id, limit = Path(argv[1]), argv[2], int(argv[3])
    store = open_store(Profile.at(home), SystemKeychain())
    for number in range(limit):  # bounded, in case the parent never kills us
        note = store.create_note(appointment_id, f"durability note {number}")
        sys.stdout.write(note.id + "\n")
        sys.stdout.flush()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
