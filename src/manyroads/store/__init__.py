"""The store: the source of truth (SQLite by default, PostgreSQL for several app processes)."""

from manyroads.store.repository import Store, meeting_row, row_record, utcnow

__all__ = ["Store", "meeting_row", "row_record", "utcnow"]
