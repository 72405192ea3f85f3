"""SQLite storage: schema, migrations and every SQL statement of the app."""

from desktop_search.storage.db import open_database, open_reader
from desktop_search.storage.store import Store

__all__ = ["Store", "open_database", "open_reader"]
