"""The encrypted local store (SQLCipher), its outbox and migrations.

Production code calls `outpost.store.database.open_store`; upper layers use the result
through `outpost.core.ports.ClinicStore`.
"""
