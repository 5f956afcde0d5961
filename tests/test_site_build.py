"""The report site without a browser: escaping, no outside references, totals, pages, atomic swap."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.site import build_site
from orchestration.site.layout import slug
from tests.site_fixtures import REMOTE_MEDIA, XSS_NAME, add_campaign_costs, make_warehouse

E164 = re.compile(r"\+[1-9]\d{6,14}")
REMOTE_REF = re.compile(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*"""
                        r"""(?:https?:)?//""", re.IGNORECASE)
CSS_REMOTE = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", re.IGNORECASE)


def assert_self_contained(site: Path) -> None:
    """No script, style, image or font from another host, and no raw E.164 number, in any file."""
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".css", ".js")]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not REMOTE_REF.search(text), f"{path}: reference to another host"
        assert not CSS_REMOTE.search(text), f"{path}: remote url() or @import"
        assert not E164.search(text), f"{path}: raw phone number {E164.search(text).group()}"


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site-mini")
    warehouse = make_warehouse(folder)
    result = build_site(warehouse, folder / "site")
    return warehouse, result


def data_rows(path: Path) -> dict[str, list[list[str]]]:
    """The rows a data file (render.data_file) gives site.js, by section id."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r'\(window\.mmsreportRows = window\.mmsreportRows \|\| \{\}\)\[("[^"]+")\] = (.*);', line)
        assert match, line
        rows[json.loads(match.group(1))] = json.loads(match.group(2))
    return rows


def test_the_site_has_every_page(mini):
    _, result = mini
    site = result.out
    for page in ["index.html", "static/site.css", "static/site.js", "campaigns/c_xss.html", "campaigns/c_draft.html",
                 "campaigns/c_xss/contacts.js", "accounts/acc_gb.html", "accounts/acc_none.html"]:
        assert (site / page).is_file(), page
    assert not (site / "campaigns/c_draft").exists()  # no contacts: no data file
    assert sorted(p.name for p in (site / "campaigns/c_xss").iterdir()) == ["contacts.js"]
    first = (site / "campaigns/c_xss.html").read_text()
    assert '<script src="../campaigns/c_xss/contacts.js"></script><script src="../static/site.js">' in first
    panel = re.search(r'<section role="tabpanel" id="tab-delivered".*?</section>', first).group()
    assert panel.count('<td class="phone-no">') == 100  # page 1 of 230 delivered
    assert "Showing 1–100 of 230 · page 1 of 3" in panel and 'href="#tab-delivered-p2"' in panel
    rows = data_rows(site / "campaigns/c_xss/contacts.js")
    assert len(rows["tab-delivered"]) == 230 and len({r[0] for r in rows["tab-delivered"]}) == 230
    assert all(len(r) == 6 and "*" in r[1] for r in rows["tab-delivered"])
    assert "tab-pending" not in rows or len(rows["tab-pending"]) <= 100
    assert result.pages == 8 and result.data_files == 5 and result.largest_page == "campaigns/c_xss.html"


def test_user_content_is_escaped(mini):
    site = mini[1].out
    for page in ["index.html", "campaigns/c_xss.html"]:
        text = (site / page).read_text()
        assert XSS_NAME not in text and "<script>alert" not in text
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons" in text
    assert "Hi &lt;b&gt;there&lt;/b&gt; &amp; welcome" in (site / "campaigns/c_xss.html").read_text()


def test_no_outside_reference_and_no_raw_number(mini):
    site = mini[1].out
    assert_self_contained(site)
    remote = (site / "campaigns/c_remote.html").read_text()
    assert "Image not available offline" in remote and REMOTE_MEDIA in remote  # as text only
    local = (site / "campaigns/c_local.html").read_text()
    image = re.search(r'<img class="media" src="([^"]+)"', local).group(1)
    assert image.startswith("../media/") and (site / "campaigns" / image).resolve().is_file()


def test_revenue_only_for_accounts_with_attribution(mini):
    site = mini[1].out
    index = (site / "index.html").read_text()
    row = re.search(r'<tr data-id="c_local".*?</tr>', index).group()
    assert 'data-attr="0"' in row
    assert re.search(r'data-col="direct_revenue" data-v="" class="num na"', row)
    assert 'data-tile="direct_revenue"' in (site / "campaigns/c_local.html").read_text()
    assert "Needs advanced revenue attribution" in (site / "campaigns/c_local.html").read_text()
    assert "Needs advanced revenue attribution" not in (site / "campaigns/c_xss.html").read_text()


def test_totals_sum_counts_recompute_rates_and_keep_currencies_apart(mini):
    warehouse, result = mini
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sent, ud, uc = con.execute("select sum(messages_sent), sum(unique_deliveries), sum(unique_clicks) "
                                   "from marts.fct_campaign_overview").fetchone()
        gbp, eur = (con.execute("select sum(direct_revenue) from marts.fct_campaign_overview where currency = ? "
                                "and account_id <> 'acc_none'", [cur]).fetchone()[0] for cur in ("GBP", "EUR"))
        orders, attributed_ud = con.execute(
            "select sum(direct_orders), sum(unique_deliveries) from marts.fct_campaign_overview "
            "where account_id <> 'acc_none'").fetchone()
    foot = re.search(r"<tfoot>.*</tfoot>", (result.out / "index.html").read_text()).group()
    cell = {m[0]: m[1] for m in re.findall(r'data-total="(\w+)"[^>]*>(.*?)</td>', foot)}
    assert cell["messages_sent"] == f"{sent:,}"
    assert cell["click_to_delivered_rate"] == f"{uc / ud * 100:.1f}%"
    assert cell["conversion_rate"] == f"{orders / attributed_ud * 100:.1f}%"
    assert cell["direct_revenue"] == f"{eur:,.2f} EUR<br>{gbp:,.2f} GBP"


def test_a_rebuild_replaces_the_site_and_a_failed_one_keeps_it(mini, tmp_path):
    warehouse, _ = mini
    out = tmp_path / "site"
    build_site(warehouse, out)
    (out / "stale.html").write_text("old")
    build_site(warehouse, out)
    assert not (out / "stale.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no .tmp-/.old- folder left
    broken = tmp_path / "broken.duckdb"
    duckdb.connect(str(broken)).close()  # no marts at all
    with pytest.raises(duckdb.Error):
        build_site(broken, out)
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.duckdb", "site"]


def test_slugs_are_safe_file_names():
    assert slug("cmp_00001") == "cmp_00001"
    for odd in ["../etc/passwd", "a/b", "café ☕", ".hidden", "x" * 200, "CON<>"]:
        name = slug(odd)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", name) and len(name) <= 80, name
    assert slug("a/b") != slug("a?b")


def test_the_command_writes_the_site(mini, tmp_path):
    warehouse, _ = mini
    mmsreport = Path(sys.executable).parent / "mmsreport"
    result = subprocess.run([str(mmsreport), "site", "--warehouse", str(warehouse), "--out", str(tmp_path / "s")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Wrote 8 pages and 5 data files" in result.stderr and str(tmp_path / "s" / "index.html") in result.stderr
    missing = subprocess.run([str(mmsreport), "site", "--warehouse", str(tmp_path / "nope.duckdb")],
                             capture_output=True, text=True, timeout=300)
    assert missing.returncode == 2 and "no warehouse" in missing.stderr


def test_the_dagster_asset_writes_the_site_next_to_the_published_warehouse(mini, monkeypatch):
    from dagster import materialize

    from orchestration.defs.publish_assets import PUBLISHED_KEY
    from orchestration.defs.resources import WarehouseResource
    from orchestration.defs.site_assets import SITE_KEY, report_site

    warehouse, _ = mini
    monkeypatch.delenv("MMSREPORT_SITE", raising=False)
    resource = WarehouseResource(landing_dir=str(warehouse.parent / "landing"), warehouse_path=str(warehouse))
    assert resource.site == warehouse.parent / "mini_site"
    result = materialize([report_site], resources={"warehouse": resource})
    assert result.success
    [event] = result.get_asset_materialization_events()
    assert event.materialization.asset_key == SITE_KEY
    assert event.materialization.metadata["pages"].value == 8
    assert event.materialization.metadata["data_files"].value == 5
    assert (warehouse.parent / "mini_site" / "index.html").is_file()
    spec = next(iter(report_site.specs))
    assert [dep.asset_key for dep in spec.deps] == [PUBLISHED_KEY]

    monkeypatch.setenv("MMSREPORT_SITE", str(warehouse.parent / "elsewhere"))
    assert resource.site == warehouse.parent / "elsewhere"
    configured = WarehouseResource(landing_dir="x", warehouse_path=str(warehouse), site_dir="/srv/site")
    assert configured.site == Path("/srv/site")


def test_the_run_summary_says_where_the_site_is(mini):
    import io

    from orchestration.cli.run_job import RunSummary
    from orchestration.cli.summary import print_run_summary

    out = io.StringIO()
    print_run_summary(RunSummary(success=True, seconds=1.0, site_dir=mini[1].out), out=out)
    assert f"report site:     {mini[1].out / 'index.html'}" in out.getvalue()


def test_cost_tiles_per_currency_never_added(tmp_path):
    warehouse = make_warehouse(tmp_path)
    add_campaign_costs(warehouse)
    site = build_site(warehouse, tmp_path / "site").out
    page = (site / "campaigns/c_xss.html").read_text()
    cost = re.search(r'data-tile="cost"[^>]*>(.*?)</div></div>', page, re.S).group(0)
    assert "0.33 EUR<br>1.23 USD" in cost and "GBP" not in cost  # by currency, never added
    assert "3 messages without a price" in cost
    per = re.search(r'data-tile="cost_per_delivered".*?</div></div>', page, re.S).group(0)
    assert "— EUR<br>0.0123 USD" in per
    draft = (site / "campaigns/c_draft.html").read_text()
    assert re.search(r'data-tile="cost".*?<div class="value" data-v="">—</div>', draft, re.S)
