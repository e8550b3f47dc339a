"""Database engines and sessions: SQLite (WAL) by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

# Writes on SQLite take the write lock at BEGIN (BEGIN IMMEDIATE): two writers then queue instead
# of failing with SQLITE_BUSY_SNAPSHOT halfway through a step.
WRITE_OPTION = "nrm_write"
PIPELINED = "nrm_pipelined"  # Connection.info key while a step's writes are pipelined


def make_engine(url: str) -> Engine:
    """Create a SQLAlchemy engine; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            immediate = connection.get_execution_options().get(WRITE_OPTION)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    else:
        engine = create_engine(url, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _no_reads_in_pipeline)
    return engine


@contextmanager
def pipelined(connection: Connection) -> Iterator[None]:
    """On PostgreSQL, the statements inside are sent without waiting for each one's answer
    (psycopg's pipeline mode, which SQLAlchemy does not offer): a step's writes cost one round trip
    instead of one each. Only for statements whose results nobody reads: inside, SQLAlchemy sees
    no rows and a row count of -1. An error surfaces at the end of the block, as SQLAlchemy's own
    exception (an IntegrityError is still an IntegrityError), and the transaction rolls back."""
    connection.info[PIPELINED] = True  # a read inside is refused (_no_reads_in_pipeline), on SQLite too
    try:
        if connection.dialect.name != "postgresql":
            yield
            return
        import psycopg  # only PostgreSQL needs it

        try:
            driver = cast("psycopg.Connection[Any]", connection.connection.driver_connection)
            with driver.pipeline():
                yield
        except psycopg.Error as error:
            raise DBAPIError.instance(None, None, error, psycopg.Error, dialect=connection.dialect) from error
    finally:
        connection.info.pop(PIPELINED, None)


def _no_reads_in_pipeline(connection, _cursor, statement, _parameters, context, _executemany) -> None:
    """Inside `pipelined`, a read would silently see no rows: refuse it."""
    if connection.info.get(PIPELINED) and not (context.isinsert or context.isupdate or context.isdelete):
        raise RuntimeError(f"only writes may run inside pipelined(): {statement.split()[0]} …")


class Database:
    """Sessions for reading and for writing (one transaction per step)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        # On PostgreSQL a read needs no transaction of its own: under READ COMMITTED each statement
        # sees a fresh snapshot either way, and BEGIN and ROLLBACK would be two more round trips
        # on every read (a token check, a case view). SQLite keeps its read transaction, which
        # does give one snapshot for all of a read's statements.
        reads = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = sessionmaker(reads, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
