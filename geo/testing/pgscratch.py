"""A throwaway schema on a PostgreSQL server, for tests and benchmarks.

A schema rather than a database: creating one takes milliseconds and needs no
rights beyond the database itself, and ``DROP SCHEMA … CASCADE`` removes all
it holds. The URL handed out sets ``search_path`` to it, so a
:class:`~geo.storage.store.Store` on that URL sees an empty database of its own.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

__all__ = ["scratch_schema"]


@contextlib.contextmanager
def scratch_schema(base_url: str, *, prefix: str = "scratch") -> Iterator[str]:
    """Create a fresh schema on the server of ``base_url``; yield a URL using it; drop it afterwards.

    An unreachable server raises SQLAlchemy's ``OperationalError`` before anything is created.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = sa.engine.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        admin.dispose()
