"""The demo clinician's side: signed in to the demo server with the password grant (tokens
in the keychain, as `outpost login` keeps them), synced, and the video visit the test
patient waits for."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from outpost.core.domain import AppointmentStatus, ScheduleItem, VisitType
from outpost.core.ports import ClinicStore
from outpost.core.settings import Profile
from outpost.demo.children import ServerInfo
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.engine import SyncReport
from outpost.sync.service import SyncService
from outpost.sync.session import SessionService
from outpost.sync.tokens import TokenStore, read_profile_id

DEMO_USER = "dr.rivera"
_OPEN = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKED_IN)


def _tokens(profile: Profile) -> TokenStore:
    return TokenStore(SystemKeychain(), read_profile_id(profile.data_dir))


def sign_in(profile: Profile, server: ServerInfo) -> None:
    SessionService(_tokens(profile)).sign_in_with_password(
        server.base_url, DEMO_USER, server.users[DEMO_USER], same_person_as=None
    )


def sync_now(store: ClinicStore, profile: Profile) -> SyncReport:
    """One full sync with the signed-in session (on the thread that owns `store`)."""
    assert isinstance(store, Store)
    service = SyncService(store, profile, _tokens(profile))
    try:
        return service.sync_once()
    finally:
        service.close()


def video_visits(store: ClinicStore, now: datetime) -> list[ScheduleItem]:
    """The demo clinic's video visits in the order the test patient takes them: today's
    still to come, then today's past ones, latest first (so the patient is always on the
    Today screen), then the next days'."""
    items = store.schedule(now - timedelta(days=1), now + timedelta(days=3))
    visits = [
        item
        for item in items
        if item.appointment.visit_type is VisitType.VIRTUAL
        and item.appointment.video_link
        and item.appointment.status in _OPEN
    ]
    today = now.astimezone().date()

    def day(item: ScheduleItem) -> date:
        return item.appointment.start.astimezone().date()

    later_today = [i for i in visits if day(i) == today and i.appointment.end > now]
    past_today = [i for i in visits if day(i) == today and i.appointment.end <= now]
    coming = [i for i in visits if day(i) > today]
    later_today.sort(key=lambda item: item.appointment.start)
    past_today.sort(key=lambda item: item.appointment.start, reverse=True)
    coming.sort(key=lambda item: item.appointment.start)
    return later_today + past_today + coming
