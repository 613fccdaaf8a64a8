"""The `seed` fixture: a tiny hand-built database on SQLite and PostgreSQL."""

from analytics.seeding import seed

__all__ = ["seed"]
