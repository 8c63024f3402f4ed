"""Placeholder: replaced by the reference backend's entry point as it is built."""

from __future__ import annotations

import argparse

from outpost.core.errors import OutpostError


def run_server(args: argparse.Namespace) -> int:
    raise OutpostError("'outpost server' is not available in this build yet.")
