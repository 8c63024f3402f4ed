"""`outpost demo`: the whole product on its embedded defaults, on one computer.

A reference server (`outpost server --seed demo`, a child process on a free loopback port,
its data in the demo profile), the demo clinician signed in and synced, and a synthetic
patient waiting for the next video visit: the newcomer clicks Join, then Admit, and sees
video. `--headless` holds the same visit end to end without a window and prints a summary.
The demo profile starts fresh on every run (`folder.py`), so its schedule is always today's.
"""

from __future__ import annotations

import dataclasses

from outpost.core.settings import Settings
from outpost.demo.children import DemoServer, PatientBot
from outpost.demo.folder import demo_profile, server_dir, start_fresh


def run_demo(settings: Settings, *, headless: bool, duration_s: float = 10.0) -> int:
    if headless:
        from outpost.demo.headless import run_headless

        return run_headless(settings, duration_s=duration_s)
    from outpost.app import run_app
    from outpost.demo.window import DemoWindowSession

    profile = demo_profile(settings)
    start_fresh(profile)
    server = DemoServer(server_dir(profile))
    bot = PatientBot(server_dir(profile))
    try:
        info = server.start()
        session = DemoWindowSession(profile, server, bot)
        demo_settings = dataclasses.replace(settings, profile=profile, server_url=info.base_url)
        return run_app(
            demo_settings, before_show=session.before_show, extend_window=session.extend_window
        )
    finally:
        bot.stop()
        server.stop()
