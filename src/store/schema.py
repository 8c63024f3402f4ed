"""Migration 1: the store's tables (DESIGN 3).

`replica` holds server-confirmed records, `overlay` what the clinician sees for records with
unsent changes, `outbox` one row per user action. `visible` is the overlay-else-replica view
every read goes through; SQLite pushes range conditions into both halves, so the indexes on
the generated `start_at` / `appointment_id` columns serve it.
"""

from __future__ import annotations

OUTBOX_STATES = ("pending", "inflight", "done", "rejected", "conflict")
OUTBOX_ACTIONS = (
    "note.create",
    "note.update",
    "note.sign",
    "note.amend",
    "appointment.status",
)


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# Generated columns pulled out of the JSON so queries can use indexes; json_extract yields
# NULL for kinds without the field.
_DERIVED = """
    start_at TEXT GENERATED ALWAYS AS (json_extract(data, '$.start')) VIRTUAL,
    appointment_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.appointment_id')) VIRTUAL,
    created_at TEXT GENERATED ALWAYS AS (json_extract(data, '$.created_at')) VIRTUAL
"""

SCHEMA_V1: tuple[str, ...] = (
    f"""
    CREATE TABLE replica (
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        version_id TEXT NOT NULL,
        data TEXT NOT NULL CHECK (json_valid(data)),
        updated_at TEXT NOT NULL,
        {_DERIVED},
        PRIMARY KEY (entity_type, entity_id)
    )
    """,
    f"""
    CREATE TABLE overlay (
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        base_version TEXT,
        data TEXT NOT NULL CHECK (json_valid(data)),
        updated_at TEXT NOT NULL,
        {_DERIVED},
        PRIMARY KEY (entity_type, entity_id)
    )
    """,
    "CREATE INDEX replica_start ON replica (entity_type, start_at) WHERE start_at IS NOT NULL",
    "CREATE INDEX overlay_start ON overlay (entity_type, start_at) WHERE start_at IS NOT NULL",
    """CREATE INDEX replica_appointment ON replica (entity_type, appointment_id)
       WHERE appointment_id IS NOT NULL""",
    """CREATE INDEX overlay_appointment ON overlay (entity_type, appointment_id)
       WHERE appointment_id IS NOT NULL""",
    f"""
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        mutation_id TEXT NOT NULL UNIQUE,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ({_sql_list(OUTBOX_ACTIONS)})),
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        base_version TEXT,
        -- SET NULL: once the action depended on is done and pruned, nothing is left to wait for
        depends_on TEXT REFERENCES outbox (mutation_id) ON DELETE SET NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ({_sql_list(OUTBOX_STATES)})),
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )
    """,
    # Without it a 10k backlog took 50-91 s to drain instead of 3-9 s (DESIGN 3).
    "CREATE INDEX outbox_record ON outbox (entity_type, entity_id, state)",
    "CREATE INDEX outbox_state ON outbox (state, created_at)",
    # Unsent actions are the only copy of the clinician's work: nothing may delete them,
    # not sign-out, a user switch, a migration or a server-forced reset.
    """
    CREATE TRIGGER outbox_keep_unsent BEFORE DELETE ON outbox
    WHEN OLD.state <> 'done'
    BEGIN
        SELECT RAISE(ABORT, 'unsent outbox rows are never deleted');
    END
    """,
    """
    CREATE TABLE conflict (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        mutation_id TEXT REFERENCES outbox (mutation_id) ON DELETE SET NULL,
        local TEXT CHECK (local IS NULL OR json_valid(local)),
        server TEXT CHECK (server IS NULL OR json_valid(server)),
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
    )
    """,
    "CREATE INDEX conflict_open ON conflict (resolved_at)",
    "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """
    CREATE VIEW visible (entity_type, entity_id, seen_version, data, start_at, appointment_id,
                         created_at, local) AS
    SELECT entity_type, entity_id, base_version, data, start_at, appointment_id, created_at, 1
    FROM overlay
    UNION ALL
    SELECT r.entity_type, r.entity_id, r.version_id, r.data, r.start_at, r.appointment_id,
           r.created_at, 0
    FROM replica AS r
    WHERE NOT EXISTS (
        SELECT 1 FROM overlay AS o
        WHERE o.entity_type = r.entity_type AND o.entity_id = r.entity_id
    )
    """,
)

# Migration 2: an audit trail of sync decisions (conflicts recorded and resolved, actions
# parked; `detail` holds ids, states and choices only, never note text or names) and the
# index the sync ledger's acknowledgements need.
SCHEMA_V2: tuple[str, ...] = (
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity_type TEXT,
        entity_id TEXT,
        detail TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX audit_record ON audit (entity_type, entity_id)",
    # Acknowledging an action rebases the actions depending on it, and pruning a done row
    # makes SQLite look up its dependants (ON DELETE SET NULL): without this index each
    # acknowledgement scanned the whole outbox (10k backlog: 6.8 s of 12 s to drain).
    "CREATE INDEX outbox_depends_on ON outbox (depends_on) WHERE depends_on IS NOT NULL",
)

# Migration 3: claiming the next batch walks the pending rows in `seq` order and stops at the
# batch's size. With only `outbox_state` (state, created_at) SQLite sorted every pending row
# for each claim: a 10k backlog paid ~50 ms a claim, and draining grew quadratically.
SCHEMA_V3: tuple[str, ...] = ("CREATE INDEX outbox_queue ON outbox (state, seq)",)

# Migration 4: video visits' quality records (docs/calls.md). `call_summary` holds one row
# per call (written when it starts, completed when it ends, so a call cut short by a crash
# keeps its samples); `call_quality` one row per quality sample (about one a second),
# with the appointment repeated so a visit's chart reads one table. Samples and summaries
# hold counts, rates, states and ids only: no names, no note text, no addresses.
SCHEMA_V4: tuple[str, ...] = (
    """
    CREATE TABLE call_summary (
        call_id TEXT PRIMARY KEY,
        appointment_id TEXT,
        role TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        summary TEXT CHECK (summary IS NULL OR json_valid(summary)),
        events TEXT CHECK (events IS NULL OR json_valid(events))
    )
    """,
    "CREATE INDEX call_summary_started ON call_summary (started_at)",
    """CREATE INDEX call_summary_appointment ON call_summary (appointment_id)
       WHERE appointment_id IS NOT NULL""",
    """
    CREATE TABLE call_quality (
        call_id TEXT NOT NULL REFERENCES call_summary (call_id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        t_s REAL NOT NULL,
        appointment_id TEXT,
        sample TEXT NOT NULL CHECK (json_valid(sample)),
        PRIMARY KEY (call_id, seq)
    ) WITHOUT ROWID
    """,
)
