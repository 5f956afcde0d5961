"""The report site in headless Chromium: built by the real `mmsreport site` from a warehouse built by
the real `mmsreport run` on generated data, opened from file://, numbers checked against the marts.

Uses Debian's chromium (/usr/bin/chromium, installed by scripts/test.sh) through Playwright.
A screenshot of a campaign page is saved to test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import query, run_mmsreport
from tests.test_site_build import assert_self_contained

playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TAB_COLUMNS = {"delivered": "unique_deliveries", "pending": "pending", "soft_bounce": "soft_bounces",
               "hard_bounce": "hard_bounces", "deleted": "deleted"}

pytestmark = [
    pytest.mark.slow,  # drives a browser (the fast lane is -m 'not slow')
    # The full suite (scripts/test.sh, CI) installs chromium and sets MMSREPORT_REQUIRE_BROWSER: there a
    # missing browser fails the test instead of skipping it.
    pytest.mark.skipif(shutil.which("chromium") is None and not Path(CHROMIUM).exists()
                       and not os.environ.get("MMSREPORT_REQUIRE_BROWSER"),
                       reason="chromium is not installed (scripts/test.sh installs it)"),
]


def number(text: str) -> float | None:
    """'12,345' / '5.2%' / '1,234.50 GBP' -> 12345 / 5.2 / 1234.5; '—' -> None."""
    text = text.strip()
    if text in ("—", ""):
        return None
    return float(re.sub(r"[^\d.\-]", "", text.split()[0]))


@pytest.fixture(scope="module")
def warehouse(build) -> Path:
    return build()


@pytest.fixture(scope="module")
def site(warehouse, e2e_root) -> Path:
    out = e2e_root / "site"
    result = run_mmsreport("site", "--warehouse", str(warehouse), "--out", str(out), cwd=e2e_root)
    assert result.returncode == 0, result.stderr
    assert "pages" in result.stderr and (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def overview(warehouse) -> dict[str, dict]:
    return {r["campaign_id"]: r for r in query(warehouse, "select * from marts.fct_campaign_overview")}


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    """A page that records every request and script error; none may go outside the site's files."""
    page = browser_context.new_page()
    outside, errors = [], []
    page.on("request", lambda r: None if r.url.startswith("file://") else outside.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    page.close()
    assert not outside, f"requests outside the site: {outside}"
    assert not errors, f"script errors: {errors}"


def index_rows(page) -> list[dict]:
    return page.eval_on_selector_all("#campaigns tbody tr:not([hidden])", """rows => rows.map(r => {
        const o = {id: r.dataset.id, type: r.dataset.type, account: r.dataset.account};
        r.querySelectorAll('td[data-col]').forEach(td => o[td.dataset.col] = td.innerText);
        return o; })""")


def totals(page) -> dict[str, str]:
    return page.eval_on_selector_all("#campaigns tfoot td[data-total]",
                                     "tds => Object.fromEntries(tds.map(td => [td.dataset.total, td.innerText]))")


def expected_totals(rows: list[dict], attributed: set[str]) -> dict:
    ud = sum(r["unique_deliveries"] for r in rows)
    with_attr = [r for r in rows if r["account_id"] in attributed]
    ud_attr = sum(r["unique_deliveries"] for r in with_attr)
    revenue: dict[str, Decimal] = {}
    for r in with_attr:
        revenue[r["currency"]] = revenue.get(r["currency"], Decimal(0)) + r["direct_revenue"]
    return {
        "messages_sent": sum(r["messages_sent"] for r in rows),
        "total_clicks": sum(r["total_clicks"] for r in rows),
        "unique_clicks": sum(r["unique_clicks"] for r in rows),
        "direct_orders": sum(r["direct_orders"] for r in with_attr),
        "click_to_delivered_rate": sum(r["unique_clicks"] for r in rows) / ud * 100 if ud else None,
        "conversion_rate": sum(r["direct_orders"] for r in with_attr) / ud_attr * 100 if ud_attr else None,
        "direct_revenue": "\n".join(f"{v:,.2f} {c}" for c, v in sorted(revenue.items())) or "—",
    }


def check_totals(shown: dict, expected: dict) -> None:
    for key in ("messages_sent", "total_clicks", "unique_clicks", "direct_orders"):
        assert number(shown[key]) == expected[key], key
    for key in ("click_to_delivered_rate", "conversion_rate"):
        if expected[key] is None:
            assert shown[key] == "—"
        else:
            assert number(shown[key]) == pytest.approx(expected[key], abs=0.051), key
    assert shown["direct_revenue"] == expected["direct_revenue"]


@pytest.fixture(scope="module")
def attributed(warehouse) -> set[str]:
    return {r["account_id"] for r in query(warehouse, "select distinct account_id from marts.fct_order_attribution")}


def test_the_campaign_table_equals_the_marts(page, site, overview, attributed):
    page.goto((site / "index.html").as_uri())
    rows = index_rows(page)
    assert {r["id"] for r in rows} == set(overview)
    for shown in rows:
        o = overview[shown["id"]]
        assert shown["type"] == o["message_type"]
        for column in ("messages_sent", "messages_delivered", "total_segments", "total_clicks", "unique_clicks",
                       "unsubscribes"):
            assert number(shown[column]) == o[column], (shown["id"], column)
        rate = o["click_to_delivered_rate"]
        assert (number(shown["click_to_delivered_rate"]) is None) == (rate is None)
        if rate is not None:
            assert number(shown["click_to_delivered_rate"]) == pytest.approx(rate * 100, abs=0.051)
        if o["account_id"] in attributed:
            assert number(shown["direct_orders"]) == o["direct_orders"]
            assert shown["direct_revenue"] == f"{o['direct_revenue']:,.2f} {o['currency']}"
            assert shown["assisted_revenue"] == f"{o['assisted_revenue']:,.2f} {o['currency']}"
        else:
            assert shown["direct_revenue"] == "—" and shown["direct_orders"] == "—"
    check_totals(totals(page), expected_totals(list(overview.values()), attributed))


def test_sorting_and_filtering(page, site, overview, attributed):
    page.goto((site / "index.html").as_uri())
    page.click('#campaigns th[data-col="messages_sent"] button')
    sent = [number(r["messages_sent"]) for r in index_rows(page)]
    assert sent == sorted(sent, reverse=True)
    assert page.get_attribute('#campaigns th[data-col="messages_sent"]', "aria-sort") == "descending"
    page.click('#campaigns th[data-col="messages_sent"] button')
    sent = [number(r["messages_sent"]) for r in index_rows(page)]
    assert sent == sorted(sent)
    page.click('#campaigns th[data-col="name"] button')
    names = [r["name"].splitlines()[0] for r in index_rows(page)]
    assert names == sorted(names, key=str.lower) or names == sorted(names)

    for kind in ("MMS", "SMS"):
        page.select_option("#filter-type", kind)
        rows = index_rows(page)
        expected = [o for o in overview.values() if o["message_type"] == kind]
        assert len(rows) == len(expected) > 0
        assert {r["type"] for r in rows} == {kind}
        check_totals(totals(page), expected_totals(expected, attributed))
    page.select_option("#filter-type", "")
    account = sorted({o["account_id"] for o in overview.values()})[0]
    page.select_option("#filter-account", account)
    expected = [o for o in overview.values() if o["account_id"] == account]
    assert sorted(r["id"] for r in index_rows(page)) == sorted(o["campaign_id"] for o in expected)
    check_totals(totals(page), expected_totals(expected, attributed))
    assert page.inner_text("#shown") == f"{len(expected)} of {len(overview)} campaigns"


def test_a_campaign_page_tiles_tabs_and_pages(page, site, warehouse, overview, attributed):
    biggest = max(overview.values(), key=lambda o: (o["unique_deliveries"], o["campaign_id"]))
    assert biggest["unique_deliveries"] > 100, "the test data should make the Delivered tab paginate"
    page.goto((site / "index.html").as_uri())
    page.click(f'#campaigns tr[data-id="{biggest["campaign_id"]}"] td[data-col="name"] a')
    page.wait_for_selector(".tiles")
    assert biggest["campaign_id"] in page.inner_text(".meta")

    tiles = page.eval_on_selector_all(".tile", """ts => Object.fromEntries(ts.map(t =>
        [t.dataset.tile, t.querySelector('.value').innerText]))""")
    for key in ("unique_sends", "unique_deliveries", "pending", "soft_bounces", "hard_bounces", "deleted",
                "unsubscribes", "messages_sent", "total_clicks"):
        assert number(tiles[key]) == biggest[key], key
    if biggest["account_id"] in attributed:
        assert tiles["direct_revenue"] == f"{biggest['direct_revenue']:,.2f} {biggest['currency']}"
    else:
        assert tiles["direct_revenue"] == "—"
    labels = [t.strip() for t in page.locator(".main-tiles .tile .label").all_inner_texts()]
    assert labels == ["Revenue", "Unique sends", "Unique deliveries", "Pending", "Soft bounces", "Hard bounced",
                      "Deleted", "Unsubscribes"]
    assert page.locator("svg.chart").count() >= 2

    counts = {r["delivery_status"]: r["n"] for r in query(
        warehouse, "select delivery_status, count(*) as n from marts.fct_campaign_contacts "
        "where campaign_id = ? group by 1", [biggest["campaign_id"]])}
    for status, column in TAB_COLUMNS.items():
        page.click(f'[role="tab"][data-tab="{status}"]')
        panel = page.locator(f"#tab-{status}")
        assert panel.is_visible()
        assert page.locator('[role="tabpanel"]:visible').count() == 1
        expected = counts.get(status, 0)
        assert expected == biggest[column]
        assert number(page.inner_text(f'[data-tab="{status}"] .count')) == expected
        assert panel.locator("tbody tr").count() == min(expected, 100)
        masked = panel.locator("td.phone-no").all_inner_texts()
        assert all("*" in m or m == "—" for m in masked)

    ARTIFACTS.mkdir(exist_ok=True)
    page.click('[role="tab"][data-tab="delivered"]')
    page.set_viewport_size({"width": 1280, "height": 1250})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "campaign-page.png"))
    page.screenshot(path=str(ARTIFACTS / "campaign-page-full.png"), full_page=True)

    # Page through the Delivered tab (site.js, from the campaign's contacts file): every contact once, on pages
    # of 100, the address naming the page; the other tabs keep their page 1.
    url = page.url.split("#")[0]
    first_page = page.locator("#tab-delivered td:first-child").all_inner_texts()
    seen = list(first_page)
    page_no = 1
    while page.locator("#tab-delivered .pager a.next").count():
        page.click("#tab-delivered .pager a.next")
        page_no += 1
        assert page.url == f"{url}#tab-delivered-p{page_no}"
        assert page.get_attribute("#tab-delivered .pager", "data-page") == str(page_no)
        assert page.locator("#tab-delivered tbody tr").count() <= 100
        assert page.locator("#tab-delivered td.phone-no").count() == page.locator("#tab-delivered tbody tr").count()
        assert all("*" in m or m == "—" for m in page.locator("#tab-delivered td.phone-no").all_inner_texts())
        seen += page.locator("#tab-delivered td:first-child").all_inner_texts()
    pages = -(-counts["delivered"] // 100)
    assert page_no == pages
    last = counts["delivered"] - 100 * (pages - 1)
    total = counts["delivered"]
    assert page.inner_text("#tab-delivered .pager .where") == (
        f"Showing {100 * (pages - 1) + 1:,}–{total:,} of {total:,} · page {pages} of {pages}")
    assert page.locator("#tab-delivered tbody tr").count() == last
    assert len(seen) == len(set(seen)) == counts["delivered"]
    expected_ids = {r["contact_id"] for r in query(
        warehouse, "select contact_id from marts.fct_campaign_contacts where campaign_id = ? "
        "and delivery_status = 'delivered'", [biggest["campaign_id"]])}
    assert set(seen) == expected_ids
    page.click("#tab-delivered .pager a.prev")
    assert page.get_attribute("#tab-delivered .pager", "data-page") == str(pages - 1)
    page.click('[role="tab"][data-tab="pending"]')  # another tab, then back: the Delivered tab kept its page
    page.wait_for_selector("#tab-pending:visible")
    assert page.url == f"{url}#tab-pending"
    page.click('[role="tab"][data-tab="delivered"]')
    assert page.url == f"{url}#tab-delivered-p{pages - 1}"
    page.go_back()  # the browser's back button turns the page back too
    assert page.get_attribute("#tab-delivered .pager", "data-page") == str(pages)

    # An address naming page 2 opens on page 2 (a bookmark, a link), from file://.
    second = seen[100:200]
    page.goto(f"{url}#tab-delivered-p2")
    page.reload()
    page.wait_for_selector("#tab-delivered:visible")
    assert page.locator("#tab-delivered td:first-child").all_inner_texts() == second
    assert second[0] not in first_page
    assert "Showing 101–" in page.inner_text("#tab-delivered .pager .where")


def test_the_mms_preview_turns_to_landscape(page, site, overview):
    mms = sorted(c for c, o in overview.items() if o["message_type"] == "MMS")
    assert mms
    page.goto((site / "campaigns" / f"{mms[0]}.html").as_uri())
    phone = page.locator("#phone")
    assert page.locator(".media").count() == 1  # the image, or its placeholder (the generator's media is remote)
    box = phone.bounding_box()
    assert box["height"] > box["width"]
    page.click('[data-orient="landscape"]')
    page.wait_for_timeout(300)  # the resize transition
    box = phone.bounding_box()
    assert box["width"] > box["height"]
    assert page.get_attribute('[data-orient="landscape"]', "aria-pressed") == "true"
    page.click('[data-orient="portrait"]')
    page.wait_for_timeout(300)
    box = phone.bounding_box()
    assert box["height"] > box["width"]


def test_a_suppression_list_page(page, site, warehouse):
    rows = query(warehouse, "select account_id, count(*) as n from marts.contact_suppressions where is_suppressed "
                 "group by 1 order by n desc limit 1")
    assert rows, "the generated e2e data (seed 7) has suppressed contacts"
    account, count = rows[0]["account_id"], rows[0]["n"]
    page.goto((site / "index.html").as_uri())
    page.click(f'#accounts a[href="accounts/{account}.html"]')
    page.wait_for_selector("h1")
    assert page.locator("#suppressions tbody tr").count() == min(count, 100)
    assert f"of {count:,}" in page.inner_text(".pager")
    assert all("*" in m for m in page.locator("#suppressions td.phone-no").all_inner_texts())
    expected = {r["contact_id"] for r in query(
        warehouse, "select contact_id from marts.contact_suppressions where is_suppressed and account_id = ?",
        [account])}
    seen = page.locator("#suppressions tbody td:first-child").all_inner_texts()
    while page.locator("#suppressions .pager a.next").count():
        page.click("#suppressions .pager a.next")
        seen += page.locator("#suppressions tbody td:first-child").all_inner_texts()
    assert len(seen) == len(set(seen)) == count and set(seen) == expected


def test_the_site_is_self_contained_and_holds_no_raw_number(site):
    assert_self_contained(site)


def test_mmsreport_run_builds_the_site_next_to_the_warehouse(warehouse):
    """The reports/site asset is part of the build job: the warehouse fixture's run wrote <stem>_site/."""
    site = warehouse.with_name(f"{warehouse.stem}_site")
    assert (site / "index.html").is_file()
    assert any((site / "campaigns").glob("*.html"))
    assert_self_contained(site)


def test_a_deliverability_page_equals_the_marts(page, site, warehouse):
    """Issue 18: each account's deliverability page, linked from the index: rates by country and carrier, the
    error codes and the alerts equal marts.fct_deliverability_daily, marts.fct_delivery_errors and
    audit.deliverability_alerts."""
    account = query(warehouse, "select account_id, sum(messages_sent) as n from marts.fct_deliverability_daily "
                    "group by 1 order by n desc, 1 limit 1")[0]["account_id"]
    page.goto((site / "index.html").as_uri())
    page.click(f'#accounts a[href="deliverability/{account}.html"]')
    page.wait_for_selector("#by-carrier")
    assert account in page.inner_text(".meta")

    carriers = {(r["country_code"], r["carrier"]): r for r in query(
        warehouse, "select country_code, carrier, sum(messages_sent) as messages_sent, sum(delivered) as delivered, "
        "sum(soft_bounced) as soft_bounced, sum(hard_bounced) as hard_bounced "
        "from marts.fct_deliverability_daily where account_id = ? group by all", [account])}
    shown = page.eval_on_selector_all("#by-carrier tbody tr", """rows => rows.map(r => {
        const o = {country: r.dataset.country, carrier: r.dataset.carrier};
        r.querySelectorAll('td[data-col]').forEach(td => o[td.dataset.col] = td.innerText);
        return o; })""")
    assert {(r["country"], r["carrier"]) for r in shown} == set(carriers)
    for r in shown:
        exp = carriers[(r["country"], r["carrier"])]
        for column in ("messages_sent", "delivered", "soft_bounced", "hard_bounced"):
            assert number(r[column]) == exp[column], (r, column)
        assert number(r["delivery_rate"]) == pytest.approx(exp["delivered"] / exp["messages_sent"] * 100, abs=0.051)

    errors = query(warehouse, "select provider, error_code, delivery_status, sum(messages) as n "
                   "from marts.fct_delivery_errors where account_id = ? group by all", [account])
    shown_errors = page.eval_on_selector_all("#errors tbody tr", """rows => rows.map(r =>
        [r.dataset.provider, r.dataset.code, r.dataset.status, r.querySelector('[data-col=messages]').innerText])""")
    assert sorted((p, c, s, number(n)) for p, c, s, n in shown_errors) == sorted(
        (e["provider"], e["error_code"], e["delivery_status"], e["n"]) for e in errors)
    if errors:
        assert page.locator("svg.chart g[data-day]").count() >= 1
        bars = sum(int(t) for t in page.eval_on_selector_all("svg.chart g[data-day]",
                                                              "gs => gs.map(g => g.dataset.total)"))
        assert bars == sum(e["n"] for e in errors)

    alerts = query(warehouse, "select sent_date, provider, country_code, carrier, messages_sent "
                   "from audit.deliverability_alerts where account_id = ?", [account])
    shown_alerts = page.eval_on_selector_all("#alerts tbody tr", """rows => rows.map(r =>
        [r.dataset.day, r.dataset.provider, r.dataset.country, r.dataset.carrier,
         r.querySelector('[data-col=messages_sent]').innerText])""")
    assert sorted((d, p, c, k, number(n)) for d, p, c, k, n in shown_alerts) == sorted(
        (a["sent_date"].isoformat(), a["provider"], a["country_code"], a["carrier"], a["messages_sent"])
        for a in alerts)
    if not alerts:
        assert page.locator("#no-alerts").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "deliverability-page.png"), full_page=True)
