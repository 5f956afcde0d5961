"""The event log storage of our Dagster instance (`mmsreport run`, `mmsreport ui`; orchestration/paths.py).

Dagster's default SQLite event log storage (one database per run, plus an index database) creates a
new SQLAlchemy engine, opens a connection and disposes both for every statement: a small build
stores ~1,300 events (each dbt model, test, asset check and its planned event) with ~6,400 such
connections. That cost ~4.5 s of CPU per run, 14 % of a small `mmsreport run`
(bench/MEASUREMENTS.md, "Fixed costs"). `PooledSqliteEventLogStorage` stores the same rows in the
same files; it only keeps an engine (and its connection pool) per database for the process.
"""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from sqlalchemy import create_engine

KEPT_ENGINES = 4  # the index database and the databases of the runs this process writes or reads


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log storage, with one engine per database kept for the process."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict = OrderedDict()  # shard -> engine; before the base class connects
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # the base class builds a SqliteEventLogStorage
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str):
        engines = self._engines
        if shard in engines:
            engines.move_to_end(shard)
            return engines[shard]
        engine = create_engine(self.conn_string_for_shard(shard),
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        engines[shard] = engine
        while len(engines) > KEPT_ENGINES:  # a long-lived `dagster dev` reads many runs' databases
            engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        # As the base class, under its lock (threads such as the event watcher share the storage).
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def _dispose_engines(self) -> None:
        while self._engines:
            self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        with self._db_lock:
            self._dispose_engines()  # the base class deletes the run databases' files
        super().wipe()

    def dispose(self) -> None:
        with self._db_lock:
            self._dispose_engines()
        super().dispose()
