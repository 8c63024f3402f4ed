"""The encrypted local store (SQLCipher), its outbox and migrations."""
