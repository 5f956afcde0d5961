"""The incremental report site build: unchanged campaigns and accounts are reused, and the result is
always the site a full build writes (apart from the index's build time)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.site import build_site
from orchestration.site.assemble import MANIFEST
from tests.site_fixtures import make_warehouse, rebuild_derived

BUILT_AT = re.compile(rb'<span class="built">Built \d{4}-\d\d-\d\d \d\d:\d\d UTC from the warehouse marts</span>')
CAMPAIGNS = 4
ACCOUNTS = 3


def tree(site: Path) -> dict[str, bytes]:
    """Every file of a site by relative path; the index's build time (the only time in the site) blanked."""
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    files["index.html"], n = BUILT_AT.subn(b"<built>", files["index.html"])
    assert n == 1
    return files


def assert_same_as_full_build(warehouse: Path, site: Path, tmp_path: Path) -> None:
    fresh = build_site(warehouse, tmp_path / "fresh", full=True)
    assert fresh.full_reason is not None
    expected, actual = tree(fresh.out), tree(site)
    assert sorted(actual) == sorted(expected)
    assert [path for path in expected if actual[path] != expected[path]] == []


def sql(warehouse: Path, *statements: str) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for statement in statements:
            con.execute(statement)


def rebuild_overview(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        rebuild_derived(con)


@pytest.fixture()
def built(tmp_path):
    warehouse = make_warehouse(tmp_path)
    first = build_site(warehouse, tmp_path / "site")
    assert first.full_reason == "no usable manifest in the old site"
    assert (first.campaigns_rendered, first.campaigns_reused) == (CAMPAIGNS, 0)
    return warehouse, first.out


def test_only_the_index_carries_the_build_time(built):
    _, site = built
    pages = [p for p in site.rglob("*.html")]
    assert len(pages) == 8
    for data in site.rglob("*.js"):  # the contacts and suppressions files carry no time either
        assert b"UTC from the warehouse marts" not in data.read_bytes()
    for page in pages:
        text = page.read_bytes()
        assert len(BUILT_AT.findall(text)) == (1 if page.name == "index.html" and page.parent == site else 0), page
        assert b"UTC from the warehouse marts" in text or b">From the warehouse marts<" in text


def test_an_unchanged_rebuild_renders_no_campaign_and_equals_a_full_build(built, tmp_path):
    warehouse, site = built
    before = {p: p.stat().st_ino for p in (site / "campaigns").rglob("*") if p.is_file()}
    assert len(before) == 4 + 3  # the campaigns' pages and the contacts files of the 3 with contacts
    result = build_site(warehouse, site)
    assert result.full_reason is None
    assert (result.campaigns_rendered, result.campaigns_reused) == (0, CAMPAIGNS)
    assert (result.accounts_rendered, result.accounts_reused) == (0, ACCOUNTS)
    assert result.pages == 8 and result.data_files == 5 and result.largest_page == "campaigns/c_xss.html"
    # the pages and data files are the old files, linked, not copies
    assert {p: p.stat().st_ino for p in (site / "campaigns").rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hero.png", "mini.duckdb", "site"]
    assert_same_as_full_build(warehouse, site, tmp_path)


def test_a_changed_campaign_is_the_only_one_rendered(built, tmp_path):
    warehouse, site = built
    untouched = (site / "campaigns/c_remote.html").stat().st_ino
    # one contact of c_xss moves from delivered to hard bounce: its tabs, tiles and chart change
    sql(warehouse,
        "update marts.fct_campaign_contacts set delivery_status = 'hard_bounce', error_code = '30007' "
        "where contact_id = 'k0002'",
        "update marts.fct_messages set delivery_status = 'hard_bounce', error_code = '30007' "
        "where contact_id = 'k0002'")
    rebuild_overview(warehouse)
    result = build_site(warehouse, site)
    assert (result.campaigns_rendered, result.campaigns_reused) == (1, CAMPAIGNS - 1)
    assert (site / "campaigns/c_remote.html").stat().st_ino == untouched
    assert "30007" in (site / "campaigns/c_xss.html").read_text()
    assert_same_as_full_build(warehouse, site, tmp_path)

    # a masked number shown only on a later page of a tab (in the contacts file; dim_contacts) changes too
    sql(warehouse, "update marts.dim_contacts set phone_number_masked = '+44******9999' where contact_id = "
                   "(select contact_id from marts.fct_campaign_contacts where campaign_id = 'c_xss' "
                   "and delivery_status = 'delivered' order by contact_id limit 1)")
    result = build_site(warehouse, site)
    assert (result.campaigns_rendered, result.campaigns_reused) == (1, CAMPAIGNS - 1)
    assert_same_as_full_build(warehouse, site, tmp_path)


def test_a_new_suppression_rerenders_only_its_account(built, tmp_path):
    warehouse, site = built
    sql(warehouse, "insert into marts.contact_suppressions values ('k0300', 'acc_eu', 3, 3, "
                   "timestamp '2026-11-03 10:00', true, timestamp '2026-11-03 10:00')")
    result = build_site(warehouse, site)
    assert (result.accounts_rendered, result.accounts_reused) == (1, ACCOUNTS - 1)
    assert result.campaigns_rendered == 0
    assert "k0300" in (site / "accounts/acc_eu.html").read_text()
    assert_same_as_full_build(warehouse, site, tmp_path)


def test_a_removed_campaign_disappears(built, tmp_path):
    warehouse, site = built
    assert (site / "campaigns/c_xss/contacts.js").is_file()
    sql(warehouse, *(f"delete from marts.{table} where campaign_id = 'c_xss'"
                     for table in ["dim_campaigns", "fct_messages", "fct_campaign_contacts", "fct_clicks",
                                   "fct_order_attribution"]))
    rebuild_overview(warehouse)
    result = build_site(warehouse, site)
    # c_xss had its account's only attributed orders: c_draft (same account) loses its revenue tiles
    assert (result.campaigns_rendered, result.campaigns_reused) == (1, CAMPAIGNS - 2)
    assert "Needs advanced revenue attribution" in (site / "campaigns/c_draft.html").read_text()
    assert not (site / "campaigns/c_xss.html").exists() and not (site / "campaigns/c_xss").exists()
    assert "c_xss" not in (site / "index.html").read_text()
    assert "campaign:c_xss" not in json.loads((site / MANIFEST).read_text())["owners"]
    assert_same_as_full_build(warehouse, site, tmp_path)


def test_a_changed_site_code_fingerprint_rebuilds_everything(built, tmp_path):
    warehouse, site = built
    manifest = json.loads((site / MANIFEST).read_text())
    manifest["fingerprint"] = "0" * 64
    (site / MANIFEST).write_text(json.dumps(manifest))
    before = (site / "campaigns/c_remote.html").stat().st_ino
    result = build_site(warehouse, site)
    assert result.full_reason == "the site code changed"
    assert (result.campaigns_rendered, result.campaigns_reused) == (CAMPAIGNS, 0)
    assert (result.accounts_rendered, result.accounts_reused) == (ACCOUNTS, 0)
    assert (site / "campaigns/c_remote.html").stat().st_ino != before
    assert_same_as_full_build(warehouse, site, tmp_path)


def test_a_damaged_old_site_is_not_trusted(built, tmp_path):
    warehouse, site = built
    (site / "campaigns/c_xss/contacts.js").unlink()  # a file the manifest counts is gone
    (site / "campaigns/c_draft.html").unlink()
    result = build_site(warehouse, site)
    assert (result.campaigns_rendered, result.campaigns_reused) == (2, CAMPAIGNS - 2)
    assert_same_as_full_build(warehouse, site, tmp_path)
    (site / MANIFEST).write_text("{not json")
    assert build_site(warehouse, site).full_reason == "no usable manifest in the old site"


def test_a_failed_incremental_build_leaves_the_old_site_untouched(built, tmp_path, monkeypatch):
    from orchestration.site import assemble as site_assemble

    warehouse, site = built
    snapshot = tmp_path / "snapshot"
    shutil.copytree(site, snapshot)
    sql(warehouse, "update marts.dim_campaigns set body = 'changed' where campaign_id = 'c_remote'")
    rebuild_overview(warehouse)

    def broken(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(site_assemble.render, "campaign", broken)
    with pytest.raises(RuntimeError):
        build_site(warehouse, site)
    assert {p: b for p, b in tree(site).items()} == tree(snapshot)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hero.png", "mini.duckdb", "site", "snapshot"]


def test_the_command_says_what_it_rendered_and_full_forces_everything(built):
    warehouse, site = built
    mmsreport = Path(sys.executable).parent / "mmsreport"
    command = [str(mmsreport), "site", "--warehouse", str(warehouse), "--out", str(site)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Re-rendered 0 of 4 campaigns and 0 of 3 suppression lists" in result.stderr
    result = subprocess.run([*command, "--full"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Re-rendered 4 of 4 campaigns and 3 of 3 suppression lists (full build: a full build was asked for)" \
        in result.stderr
