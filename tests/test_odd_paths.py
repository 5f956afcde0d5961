"""Paths and names (issue 8): odd file and folder names load; symbolic links out of the landing folder do not.

The real `mmsreport generate` writes into a folder whose name holds a space,
quotes, a semicolon and non-ASCII text; every file is renamed with such
characters (keeping its extension) and `mmsreport run` loads them all, with
the same raw rows as the plain-named files give.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.loader import connect, load_entity
from tests.e2e.conftest import run_mmsreport

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

ODD = ["with space ", "it's ", 'say "hi" ', "semi;colon ", "café ", "日本 ", "🎉 ", "a'); drop table raw.load_log; -- ",
       "back\\slash ", "$HOME ", "percent%s ", "tab\t"]
ODD_FOLDER = "landing é 日本 'q' \"dq\"; x"
ENTITIES = ("accounts", "campaigns", "contacts", "messages", "receipts", "smpp_receipts", "clicks", "orders",
            "unsubscribes")


def _raw_counts(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {e: con.execute(f'select count(*) from raw."{e}"').fetchone()[0] for e in ENTITIES} | {
            "rejected": con.execute("select count(*) from raw.rejected_rows").fetchone()[0]}


def _rename_oddly(landing: Path) -> list[str]:
    """Prefix every file with odd characters and put one day in an odd sub-folder; the new relative paths."""
    paths = []
    for i, path in enumerate(sorted(p for p in landing.rglob("*") if p.is_file())):
        folder = path.parent
        if i % 4 == 0:  # some files go into a sub-folder with an odd name
            folder = path.parent / "sub 'é'; \"x\""
            folder.mkdir(exist_ok=True)
        target = folder / (ODD[i % len(ODD)] + path.name)
        path.rename(target)
        paths.append(target.relative_to(landing).as_posix())
    return sorted(paths)


@pytest.fixture(scope="module")
def odd_landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd paths")
    plain = root / "plain"
    odd = root / ODD_FOLDER
    for out in (plain, odd):
        result = run_mmsreport("generate", "--out", str(out), "--seed", "5", "--messages", "300", "--days", "2",
                               "--quiet", cwd=root)
        assert result.returncode == 0, result.stderr
    return root, plain, odd


def test_odd_file_and_folder_names_load_through_the_real_run(odd_landing):
    root, plain, odd = odd_landing
    renamed = _rename_oddly(odd)
    outside = root / "outside"
    outside.mkdir()
    (outside / "clicks.csv").write_text("message_id,clicked_at\nsecret,2026-11-01T00:00:00Z\n")
    os.symlink(outside / "clicks.csv", odd / "clicks" / "linked_outside.csv")
    os.symlink(outside, odd / "clicks" / "linked_folder")

    # the plain-named files, loaded in-process, give the expected raw counts
    con = connect(root / "expected.duckdb")
    try:
        for entity in ENTITIES:
            load_entity(con, plain, entity)
    finally:
        con.close()
    expected = _raw_counts(root / "expected.duckdb")

    warehouse = root / "wh 'é' \"x\"; y" / "warehouse.duckdb"
    result = run_mmsreport("run", "--landing", str(odd), "--warehouse", str(warehouse), cwd=root)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _raw_counts(warehouse) == expected
    with duckdb.connect(str(warehouse), read_only=True) as con:
        log = con.execute("select path, status from raw.load_log order by path").fetchall()
        sources = {r[0] for r in con.execute("select distinct _source_file from raw.messages").fetchall()}
        overview = con.execute("select count(*) from marts.fct_campaign_overview").fetchone()[0]
    assert log == [(p, "loaded") for p in renamed]  # every odd name, as written; no symlinked file
    assert sources <= set(renamed)
    assert overview > 0
    assert warehouse.with_name("warehouse.suppressions.csv").exists()


def test_symbolic_links_out_of_the_landing_folder_are_not_followed(tmp_path):
    landing = tmp_path / "landing"
    (landing / "clicks" / "dt=2026-11-01").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "k.csv").write_text("message_id,clicked_at\nsecret,2026-11-01T00:00:00Z\n")
    inside = landing / "clicks" / "dt=2026-11-01" / "k.csv"
    inside.write_text("message_id,clicked_at\nm1,2026-11-01T00:00:00Z\n")
    os.symlink(outside / "k.csv", landing / "clicks" / "dt=2026-11-01" / "out.csv")  # file, outside
    os.symlink(outside, landing / "clicks" / "dt=2026-11-02")  # folder, outside
    os.symlink("../../../outside/k.csv", landing / "clicks" / "dt=2026-11-01" / "relative.csv")  # relative, outside
    os.symlink(tmp_path / "missing.csv", landing / "clicks" / "dangling.csv")  # dangling, pointing outside
    os.symlink("nowhere.csv", landing / "clicks" / "dangling-inside.csv")  # dangling, pointing inside
    con = connect(tmp_path / "warehouse.duckdb")
    try:
        summary = load_entity(con, landing, "clicks")
        assert [(f.path, f.status) for f in summary.files] == [("clicks/dt=2026-11-01/k.csv", "loaded")]
        assert con.execute("select message_id from raw.clicks").fetchall() == [("m1",)]
    finally:
        con.close()
