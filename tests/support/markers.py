"""Markers for tests that need one database engine. Use them as `pytestmark = postgres_only` or
`@postgres_only`; the engine comes from settings (DATABASE_URL), so nothing connects to decide."""

import pytest
from django.db import connection

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: real parallel connections (SQLite serialises every writer)",
)

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
