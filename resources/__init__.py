"""Icons, translations and templates shipped with Outpost."""
