"""Qt widgets, models and controllers, and the bridge to the runtime threads."""
