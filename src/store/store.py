"""`Store`: the clinician's local view of patients, schedule and notes (`ClinicStore`).

Reads go through the `visible` view (overlay if present, else replica). Every user action
writes its visible change (overlay) and its outbox row in one transaction, so a crash,
a full disk or a rule violation leaves either both or neither.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    EntityType,
    MutationId,
    NoteEntry,
    NoteId,
    NoteStatus,
    OutboxStatus,
    Patient,
    ScheduleItem,
    VisitNote,
    new_note_id,
)
from outpost.core.errors import NotFoundError
from outpost.store import codec, outbox
from outpost.store.codec import JsonObject
from outpost.store.connection import Connection, transaction
from outpost.store.outbox import Action
from outpost.store.sqlerrors import translated

logger = logging.getLogger(__name__)

_CHUNK = 500  # ids per IN (...) query, well under SQLite's bound-parameter limit
_UNSENT = ", ".join(f"'{state}'" for state in outbox.UNSENT_STATES)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """`ClinicStore` on one SQLite connection (SQLCipher in production, via `open_store`).

    The connection is switched to autocommit: the store runs its own transactions. Use it
    from one thread only (the store worker).
    """

    def __init__(self, connection: Connection, clock: Callable[[], datetime] = utc_now) -> None:
        connection.isolation_level = None
        self._conn = connection
        self._clock = clock
        self._closed = False

    @property
    def connection(self) -> Connection:
        """The store's connection, for `SyncLedger` (same thread, same transactions)."""
        return self._conn

    @property
    def clock(self) -> Callable[[], datetime]:
        return self._clock

    # -- server state (pull path, demo seed) -------------------------------------------

    def upsert_server_patients(self, patients: Sequence[tuple[Patient, str]]) -> int:
        rows = [(p.id, version, codec.patient_to_json(p)) for p, version in patients]
        return self._upsert_replica(EntityType.PATIENT, rows)

    def upsert_server_appointments(self, appointments: Sequence[tuple[Appointment, str]]) -> int:
        rows = [(a.id, version, codec.appointment_to_json(a)) for a, version in appointments]
        return self._upsert_replica(EntityType.APPOINTMENT, rows)

    def upsert_server_notes(self, notes: Sequence[tuple[VisitNote, str]]) -> int:
        """Server-confirmed notes (pull path); same rules as the other `upsert_server_*`."""
        rows = [(n.id, version, codec.note_to_json(n)) for n, version in notes]
        return self._upsert_replica(EntityType.NOTE, rows)

    def _upsert_replica(
        self, entity_type: EntityType, rows: Sequence[tuple[str, str, JsonObject]]
    ) -> int:
        """Write server-confirmed records to `replica` only; returns how many changed.

        An overlay (unsent local changes) is never touched: the clinician keeps seeing their
        version until the sync engine settles it against this one.
        """
        now = codec.time_to_text(self._clock())
        with transaction(self._conn):
            before = self._conn.total_changes
            self._conn.executemany(
                """
                INSERT INTO replica (entity_type, entity_id, version_id, data, updated_at)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (entity_type, entity_id) DO UPDATE SET
                    version_id = excluded.version_id,
                    data = excluded.data,
                    updated_at = excluded.updated_at
                WHERE replica.version_id IS NOT excluded.version_id
                   OR replica.data IS NOT excluded.data
                """,
                [
                    (entity_type.value, entity_id, version, codec.dumps(data), now)
                    for entity_id, version, data in rows
                ],
            )
            written = self._conn.total_changes - before
        logger.info("replica %s: %d of %d written", entity_type.value, written, len(rows))
        return written

    # -- reads ---------------------------------------------------------------------------

    def get_patient(self, patient_id: str) -> Patient:
        data, _ = self._visible(EntityType.PATIENT, patient_id, "patient")
        return codec.patient_from_json(data)

    def get_appointment(self, appointment_id: str) -> Appointment:
        data, _ = self._visible(EntityType.APPOINTMENT, appointment_id, "appointment")
        return codec.appointment_from_json(data)

    def get_note(self, note_id: str) -> VisitNote:
        data, _ = self._visible(EntityType.NOTE, note_id, "note")
        return codec.note_from_json(data)

    def schedule(self, start: datetime, end: datetime) -> list[ScheduleItem]:
        """Appointments starting in [start, end), by start time, with their patients.

        An appointment whose patient has not been pulled yet is left out (and logged);
        the next pull brings both.
        """
        with translated():
            rows = self._conn.execute(
                "SELECT data FROM visible WHERE entity_type = ? AND start_at >= ? AND start_at < ?"
                " ORDER BY start_at, entity_id",
                (
                    EntityType.APPOINTMENT.value,
                    codec.time_to_text(start),
                    codec.time_to_text(end),
                ),
            ).fetchall()
            appointments = [codec.appointment_from_json(codec.loads(data)) for (data,) in rows]
            patients = self._patients({a.patient_id for a in appointments})
        items = []
        for appointment in appointments:
            patient = patients.get(appointment.patient_id)
            if patient is None:
                logger.warning("schedule: appointment %s has no local patient", appointment.id)
                continue
            items.append(ScheduleItem(appointment, patient))
        return items

    def _patients(self, ids: set[str]) -> dict[str, Patient]:
        found: dict[str, Patient] = {}
        ordered = sorted(ids)
        for i in range(0, len(ordered), _CHUNK):
            chunk = ordered[i : i + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for (data,) in self._conn.execute(
                f"SELECT data FROM visible WHERE entity_type = ? AND entity_id IN ({marks})",
                (EntityType.PATIENT.value, *chunk),
            ):
                patient = codec.patient_from_json(codec.loads(data))
                found[patient.id] = patient
        return found

    def list_notes(self, appointment_id: AppointmentId | None = None) -> list[NoteEntry]:
        """Notes, newest first, each with its count of actions not yet accepted by the
        server (pending, in flight, rejected or in conflict)."""
        where = "v.entity_type = ?"
        params: tuple[str, ...] = (EntityType.NOTE.value,)
        if appointment_id is not None:
            where += " AND v.appointment_id = ?"
            params += (appointment_id,)
        with translated():
            rows = self._conn.execute(
                f"""
                SELECT v.data, (
                    SELECT count(*) FROM outbox AS b
                    WHERE b.entity_type = v.entity_type AND b.entity_id = v.entity_id
                      AND b.state IN ({_UNSENT})
                )
                FROM visible AS v WHERE {where}
                ORDER BY v.created_at DESC, v.entity_id DESC
                """,
                params,
            ).fetchall()
        return [NoteEntry(codec.note_from_json(codec.loads(d)), int(n)) for d, n in rows]

    def outbox_status(self) -> OutboxStatus:
        with translated():
            return outbox.status(self._conn)

    def _visible(
        self, entity_type: EntityType, entity_id: str, noun: str
    ) -> tuple[JsonObject, str | None]:
        """A record as the clinician sees it, and the server version that view is based on."""
        with translated():
            row = self._conn.execute(
                "SELECT data, seen_version FROM visible WHERE entity_type = ? AND entity_id = ?",
                (entity_type.value, entity_id),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"No {noun} {entity_id} in the local store.")
        data, seen_version = row
        return codec.loads(data), seen_version

    # -- user actions: overlay + outbox in one transaction -------------------------------
    # Each action reads the clock once, so the record and its outbox row share a time.

    def create_note(self, appointment_id: str, text: str, *, sign: bool = False) -> VisitNote:
        """A new draft (or, with `sign`, a signed note) on an appointment in the store."""
        with transaction(self._conn):
            appointment = codec.appointment_from_json(
                self._visible(EntityType.APPOINTMENT, appointment_id, "appointment")[0]
            )
            now = self._clock()
            note = VisitNote(
                id=new_note_id(),
                appointment_id=appointment.id,
                patient_id=appointment.patient_id,
                text=text,
                status=NoteStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
            if sign:
                note = note.signed(now)
            data = codec.note_to_json(note)
            self._write_overlay(EntityType.NOTE, note.id, data, None, now)
            self._queue(EntityType.NOTE, note.id, Action.NOTE_CREATE, data, None, now)
        logger.info("note %s created (%s)", note.id, note.status.value)
        return note

    def save_draft(self, note_id: NoteId, text: str) -> VisitNote:
        """Autosave a draft's text.

        Coalescing: if the note's newest outbox row is still `pending` and is its
        `note.create` / `note.update`, that row's payload is rewritten in place (same
        mutation id), so saving many times a minute while offline keeps one queued row per
        draft. Once the row is in flight (or the newest action is something else) a new
        `note.update` is appended, depending on it. Saving unchanged text writes nothing.
        """
        with transaction(self._conn):
            note, seen = self._note(note_id)
            now = self._clock()
            edited = note.edited(text, now)  # refuses signed notes
            if text == note.text:
                return note
            data = codec.note_to_json(edited)
            self._write_overlay(EntityType.NOTE, note_id, data, seen, now)
            newest = outbox.newest_action(self._conn, EntityType.NOTE, note_id)
            coalesced = (
                newest is not None
                and outbox.coalesces_into(newest)
                and outbox.rewrite_pending(self._conn, newest.seq, data)
            )
            if not coalesced:
                self._queue(EntityType.NOTE, note_id, Action.NOTE_UPDATE, data, seen, now)
        logger.debug("draft %s saved (coalesced=%s)", note_id, coalesced)
        return edited

    def sign_note(self, note_id: NoteId) -> VisitNote:
        with transaction(self._conn):
            note, seen = self._note(note_id)
            now = self._clock()
            signed = note.signed(now)
            data = codec.note_to_json(signed)
            self._write_overlay(EntityType.NOTE, note_id, data, seen, now)
            self._queue(EntityType.NOTE, note_id, Action.NOTE_SIGN, data, seen, now)
        logger.info("note %s signed", note_id)
        return signed

    def amend_note(self, note_id: NoteId, text: str, reason: str) -> VisitNote:
        """Create the signed amendment that replaces a signed note; returns the amendment.

        The original keeps its text and becomes `amended`. One `note.amend` row is queued
        for the new note, based on the original's server version and depending on the
        original's latest action.
        """
        with transaction(self._conn):
            original, seen = self._note(note_id)
            now = self._clock()
            amendment = original.amendment(text, reason, now)
            superseded = original.superseded(now)
            newest = outbox.newest_action(self._conn, EntityType.NOTE, note_id)
            self._write_overlay(EntityType.NOTE, note_id, codec.note_to_json(superseded), seen, now)
            data = codec.note_to_json(amendment)
            self._write_overlay(EntityType.NOTE, amendment.id, data, None, now)
            self._queue(
                EntityType.NOTE,
                amendment.id,
                Action.NOTE_AMEND,
                data,
                seen,
                now,
                depends_on=None if newest is None else newest.mutation_id,
            )
        logger.info("note %s amended by %s", note_id, amendment.id)
        return amendment

    def set_appointment_status(
        self, appointment_id: AppointmentId, status: AppointmentStatus
    ) -> Appointment:
        with transaction(self._conn):
            data, seen = self._visible(EntityType.APPOINTMENT, appointment_id, "appointment")
            now = self._clock()
            changed = codec.appointment_from_json(data).with_status(status)
            new_data = codec.appointment_to_json(changed)
            self._write_overlay(EntityType.APPOINTMENT, appointment_id, new_data, seen, now)
            self._queue(
                EntityType.APPOINTMENT,
                appointment_id,
                Action.APPOINTMENT_STATUS,
                new_data,
                seen,
                now,
            )
        logger.info("appointment %s -> %s", appointment_id, status.value)
        return changed

    def _note(self, note_id: str) -> tuple[VisitNote, str | None]:
        data, seen = self._visible(EntityType.NOTE, note_id, "note")
        return codec.note_from_json(data), seen

    def _write_overlay(
        self,
        entity_type: EntityType,
        entity_id: str,
        data: JsonObject,
        seen: str | None,
        now: datetime,
    ) -> None:
        """Make `data` what the clinician sees. The base version is fixed when the overlay
        is first written: later actions build on the same server version."""
        self._conn.execute(
            """
            INSERT INTO overlay (entity_type, entity_id, base_version, data, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (entity_type, entity_id) DO UPDATE SET
                data = excluded.data, updated_at = excluded.updated_at
            """,
            (entity_type.value, entity_id, seen, codec.dumps(data), codec.time_to_text(now)),
        )

    def _queue(
        self,
        entity_type: EntityType,
        entity_id: str,
        action: Action,
        payload: JsonObject,
        base_version: str | None,
        now: datetime,
        *,
        depends_on: MutationId | None = None,
    ) -> MutationId:
        """Append an outbox row; by default it depends on the record's latest action."""
        if depends_on is None:
            newest = outbox.newest_action(self._conn, entity_type, entity_id)
            depends_on = None if newest is None else newest.mutation_id
        return outbox.append(
            self._conn,
            entity_type=entity_type,
            entity_id=entity_id,
            action=action,
            payload=payload,
            base_version=base_version,
            depends_on=depends_on,
            created_at=now,
        )

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Fold the write-ahead log into the database file and close. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            with translated():
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._conn.close()
        logger.info("store closed")
