"""Domain types, errors, settings and the runtime threads; no Qt, no network."""
