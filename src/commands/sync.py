"""Placeholder: replaced by the module of this name as it is built in this change."""

from __future__ import annotations

import argparse

from outpost.core.errors import OutpostError
from outpost.core.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    raise OutpostError(f"'outpost {args.command}' is not available in this build yet.")
