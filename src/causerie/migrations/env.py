"""Alembic environment: runs on a connection handed over by `causerie.storage.database.upgrade`."""

from __future__ import annotations

from alembic import context

from causerie.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `causerie db upgrade` (it provides the connection)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
