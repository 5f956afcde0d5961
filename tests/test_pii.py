"""PII (issue 8): where raw phone numbers may be, file modes, and the Dagster UI's binding.

After a real `mmsreport run` (temporary HOME), no E.164 number of the landing data
appears outside the `raw` schema and the suppression export: not in the
staging, intermediate, marts or audit schemas (every VARCHAR column), the run
log, the dbt logs and artifacts of the run, nor Dagster's event log storage and
compute logs. Files the run creates are owner-only.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.paths import REPO_ROOT
from tests.e2e.conftest import MMSREPORT

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

DIGITS = re.compile(rb"\+?[0-9]{8,15}")  # candidate numbers in any text or binary file
PHONE_TABLES = (("contacts", "phone_number"), ("orders", "phone_number"), ("unsubscribes", "phone_number"))


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MMSREPORT_", "DAGSTER_")) and k not in ("XDG_STATE_HOME", "HOME")}
    env.update({"TZ": "America/New_York", "HOME": str(home)})
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("pii")
    home = root / "home"
    home.mkdir()
    env = _env(home)
    landing = root / "landing"
    started = time.time()
    for args in (["generate", "--out", str(landing), "--seed", "9", "--messages", "400", "--days", "2", "--quiet"],
                 ["run", "--landing", str(landing), "--warehouse", str(root / "data" / "warehouse.duckdb")]):
        result = subprocess.run([MMSREPORT, *args], cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr[-3000:]
    return {"root": root, "home": home, "warehouse": root / "data" / "warehouse.duckdb", "started": started,
            "stderr": result.stderr}


def _phone_numbers(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        numbers = set()
        for table, column in PHONE_TABLES:
            numbers |= {r[0] for r in con.execute(f'select distinct "{column}" from raw."{table}" '
                                                  f'where "{column}" is not null').fetchall()}
    assert len(numbers) > 50
    return sorted(numbers)


def test_no_raw_phone_number_outside_raw_and_the_export(built):
    warehouse = built["warehouse"]
    numbers = _phone_numbers(warehouse)
    needles = [n.encode() for n in numbers] + [n.lstrip("+").encode() for n in numbers]

    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("create temp table needles as select unnest(?) as n", [numbers + [n.lstrip("+") for n in numbers]])
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audit') and data_type = 'VARCHAR' "
            "order by all").fetchall()
        assert len(columns) > 30
        leaks = []
        for schema, table, column in columns:
            found = con.execute(f'select count(*) from "{schema}"."{table}" t join needles '
                                f'on contains(t."{column}", needles.n)').fetchone()[0]
            if found:
                leaks.append(f"{schema}.{table}.{column}: {found}")
        assert leaks == []

    # the export is the one file outside raw that carries them, by design
    export = warehouse.with_name("warehouse.suppressions.csv").read_bytes()
    assert export.count(b"\n") == 1 or any(n in export for n in needles)

    state = built["home"] / ".local" / "state" / "mmsreport"
    files = [p for p in state.rglob("*") if p.is_file()]
    assert any(p.name == "last_run.log" for p in files)
    assert any(p.suffix == ".db" for p in files)  # Dagster's sqlite event log storage
    # dbt's log and artifacts of this run (dagster-dbt gives each invocation its own target folder)
    target = REPO_ROOT / "target"
    files += [p for p in target.rglob("*") if p.is_file() and p.stat().st_mtime >= built["started"]]
    files += [target / "manifest.json"]
    wanted = set(needles)
    leaked = [f"{p}: {sorted(hits)[:3]}" for p in files
              if (hits := set(DIGITS.findall(p.read_bytes())) & wanted)]
    assert leaked == []
    assert not set(DIGITS.findall(built["stderr"].encode())) & wanted


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_the_run_creates_are_owner_only(built):
    warehouse = built["warehouse"]
    for path in (warehouse, warehouse.with_name("warehouse.duckdb.work"), warehouse.with_name(
            "warehouse.suppressions.csv")):
        assert _mode(path) == 0o600, path
    state = built["home"] / ".local" / "state" / "mmsreport"
    for path in [state, *state.rglob("*")]:
        if path.is_dir():
            assert _mode(path) == 0o700, path
        else:
            assert _mode(path) & 0o077 == 0, f"{path} is {oct(_mode(path))}"
    assert _mode(state / "logs" / "last_run.log") == 0o600


# ---------------------------------------------------------------- the Dagster UI


def test_ui_warns_when_not_on_loopback(tmp_path, monkeypatch):
    from orchestration.cli.main import build_parser, ui_command

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    args = build_parser().parse_args(["ui", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    argv, env, warning = ui_command(args)
    assert argv[-4:] == ["-h", "127.0.0.1", "-p", "3000"] and warning is None
    assert env["MMSREPORT_WAREHOUSE"] == str(tmp_path / "w.duckdb")
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        _, _, warning = ui_command(argparse.Namespace(**{**vars(args), "host": host}))
        assert warning and host in warning
    for host in ("localhost", "::1", "127.0.0.2"):
        assert ui_command(argparse.Namespace(**{**vars(args), "host": host}))[2] is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening_addresses(port: int) -> set[str]:
    """Local addresses of the LISTEN sockets on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":
                found.add(address)
    return found


def test_ui_listens_on_127_0_0_1_only(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    port = _free_port()
    proc = subprocess.Popen([MMSREPORT, "ui", "--landing", str(tmp_path / "landing"), "--warehouse",
                             str(tmp_path / "warehouse.duckdb"), "--port", str(port)],
                            cwd=tmp_path, env=_env(home), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()[-3000:]
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the UI did not answer within 180 s"
                time.sleep(1)
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing on 0.0.0.0 or ::
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        time.sleep(1)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything of ours still in the group (webserver, daemon)
        except ProcessLookupError:
            pass
