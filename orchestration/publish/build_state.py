"""What the published warehouse was built from, so that a run with nothing new can stop early.

Every publish records, inside the warehouse it publishes, the newest load of
`raw.load_log` it contains and a fingerprint of everything else its marts
depend on (the dbt project with its seeds, and the dbt variables). A later run
whose working database has no newer load and the same fingerprint would
rebuild the very same marts, so the dbt build and the publish are skipped.

It also records a fingerprint of what decides the models' content (the dbt
project and the variables, without those that only choose what is tested or pin
the clock). When that differs from the published build's, incremental state was
made by other rules: the next build is a full refresh (an upgrade, an edited
seed or model, a changed variable).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.paths import REPO_ROOT, dbt_source_files

BUILD_LOG_DDL = """
create table if not exists raw.build_log (
    build_id bigint primary key,
    last_load_id bigint,
    fingerprint varchar not null,
    published_at timestamp not null,
    model_fingerprint varchar
)
"""

# Warehouses published before model_fingerprint existed get the column (null: rebuild in full once).
BUILD_LOG_MIGRATION = "alter table raw.build_log add column if not exists model_fingerprint varchar"

# Variables that choose what a run tests or pin its clock, not what the models hold.
NOT_MODEL_VARS = frozenset({"test_scope", "run_at"})


def fingerprint(dbt_vars: dict) -> str:
    """A hash of the dbt variables and of every file of the dbt project and its seeds."""
    digest = hashlib.sha256(json.dumps(dbt_vars, sort_keys=True).encode())
    for file in dbt_source_files():
        digest.update(file.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        digest.update(file.read_bytes())
    return digest.hexdigest()


def model_fingerprint(dbt_vars: dict) -> str:
    """The fingerprint of what decides the models' content."""
    return fingerprint({name: value for name, value in dbt_vars.items() if name not in NOT_MODEL_VARS})


def record_build(working: Path, dbt_vars: dict) -> None:
    """Note in the working database what it is built from, just before it is published."""
    with duckdb.connect(str(working)) as con:
        con.execute(BUILD_LOG_DDL)
        con.execute(BUILD_LOG_MIGRATION)
        con.execute(
            "insert into raw.build_log (build_id, last_load_id, fingerprint, published_at, model_fingerprint) "
            "select coalesce(max(b.build_id), 0) + 1, (select max(load_id) from raw.load_log), ?, ?, ? "
            "from raw.build_log b",
            [fingerprint(dbt_vars), datetime.now(UTC).replace(tzinfo=None), model_fingerprint(dbt_vars)],
        )


def needs_full_refresh(published: Path, dbt_vars: dict) -> bool:
    """True when the published build was made by another dbt project or other variables.

    A first build (nothing published yet) is a full build anyway: False.
    """
    if not published.exists():
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as con:
            last = con.execute(
                "select model_fingerprint from raw.build_log order by build_id desc limit 1"
            ).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        return True  # published by a version without model_fingerprint: its models may differ
    except duckdb.Error:
        return False
    return last is None or last[0] != model_fingerprint(dbt_vars)


def is_up_to_date(published: Path, working: Path, dbt_vars: dict) -> bool:
    """True when the published warehouse already holds what a build would produce now."""
    if dbt_vars.get("pending_expiry_hours") is not None:
        return False  # pending messages expire as time passes: the result depends on the hour of the run
    if not (published.exists() and working.exists()):
        return False
    try:
        with duckdb.connect(str(working), read_only=True) as con:
            last_load_id = con.execute("select max(load_id) from raw.load_log").fetchone()[0]
        with duckdb.connect(str(published), read_only=True) as con:
            last_build = con.execute(
                "select last_load_id, fingerprint from raw.build_log order by build_id desc limit 1"
            ).fetchone()
    except duckdb.Error:
        return False  # no build log yet (or an older warehouse): build
    return last_build == (last_load_id, fingerprint(dbt_vars))
