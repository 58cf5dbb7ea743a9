"""Alembic environment: run migrations on the connection :class:`geo.storage.store.Store` hands in.

``Store.migrate`` builds the Alembic config in code and passes an open
connection in ``config.attributes["connection"]``, so migrating runs inside the
store's own transaction (and its SQLite pragmas). Run from the ``alembic``
command line instead, the URL comes from ``sqlalchemy.url`` or ``GEO_DATABASE_URL``.
No logging configuration here: the application owns logging.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from geo.storage.store import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from geo.config import get_settings

        url = get_settings().database_url
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
