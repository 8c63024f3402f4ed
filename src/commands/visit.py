"""`outpost visit link APPOINTMENT_ID`: the patient's join link of a video visit, from the
local store (works offline), for the clinician to text or email."""

from __future__ import annotations

import argparse

from outpost.commands.notes import opened_store
from outpost.core.domain import VisitType
from outpost.core.errors import InvalidStateError
from outpost.core.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.visit_command == "link":
        return link(args, settings)
    raise AssertionError(f"unhandled visit command {args.visit_command}")


def link(args: argparse.Namespace, settings: Settings) -> int:
    with opened_store(settings) as store:
        appointment = store.get_appointment(args.appointment_id)
    if appointment.visit_type is not VisitType.VIRTUAL or not appointment.video_link:
        raise InvalidStateError(
            f"Appointment {appointment.id} is not a video visit: it has no join link."
        )
    print(appointment.video_link)
    return 0
