"""Headless commands of the `outpost` CLI, one module per area."""
