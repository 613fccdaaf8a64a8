"""Alembic migrations: every schema change ships here so existing databases upgrade in place."""
