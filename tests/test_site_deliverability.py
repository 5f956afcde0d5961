"""The deliverability pages of the report site (issue 18), without a browser, on the hand-made warehouse
of tests/site_fixtures.py plus hand-made deliverability marts."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest

from orchestration.site import build_site
from tests.site_fixtures import make_warehouse
from tests.test_site_build import assert_self_contained

XSS_CARRIER = '<img src=x onerror="alert(1)">'

DELIVERABILITY = """
create table marts.fct_deliverability_daily (account_id varchar, provider varchar, country_code varchar,
    carrier varchar, sent_date date, messages_sent bigint, delivered bigint, pending bigint, soft_bounced bigint,
    hard_bounced bigint, deleted bigint, delivery_rate double, median_delivery_seconds double,
    p95_delivery_seconds double);
create table marts.fct_delivery_errors (account_id varchar, provider varchar, error_code varchar,
    delivery_status varchar, sent_date date, messages bigint);
create schema audit;
create table audit.deliverability_alerts (account_id varchar, provider varchar, country_code varchar,
    carrier varchar, sent_date date, messages_sent bigint, delivered bigint, delivery_rate double,
    trailing_messages_sent bigint, trailing_delivered bigint, trailing_delivery_rate double, drop_points double);
"""

DAILY = [  # account, provider, country, carrier, day, sent, delivered, pending, soft, hard, deleted, median, p95
    ("acc_gb", "twilio", "GB", "O2", date(2026, 11, 1), 200, 190, 2, 4, 4, 0, 61.5, 240.0),
    ("acc_gb", "twilio", "GB", "O2", date(2026, 11, 2), 150, 60, 0, 85, 5, 0, 58.0, 200.25),
    ("acc_gb", "twilio", "GB", "EE", date(2026, 11, 2), 40, 38, 1, 1, 0, 0, 70.0, 90.0),
    ("acc_gb", "smpp", "GB", XSS_CARRIER, date(2026, 11, 2), 10, 9, 0, 0, 1, 0, None, None),
    ("acc_eu", "sinch", "DE", "Eplus", date(2026, 11, 2), 30, 0, 30, 0, 0, 0, None, None),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site-deliverability")
    warehouse = make_warehouse(folder)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(DELIVERABILITY)
        for r in DAILY:
            con.execute("insert into marts.fct_deliverability_daily values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [*r[:11], r[6] / r[5], *r[11:]])
        con.executemany("insert into marts.fct_delivery_errors values (?, ?, ?, ?, ?, ?)", [
            ("acc_gb", "twilio", "30007", "soft_bounce", date(2026, 11, 2), 80),
            ("acc_gb", "twilio", "30003", "soft_bounce", date(2026, 11, 1), 4),
            ("acc_gb", "twilio", "30003", "soft_bounce", date(2026, 11, 2), 5),
            ("acc_gb", "twilio", "30005", "hard_bounce", date(2026, 11, 2), 5),
            ("acc_gb", "smpp", "001", "hard_bounce", date(2026, 11, 4), 1),
        ])
        con.execute("insert into audit.deliverability_alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    ["acc_gb", "twilio", "GB", "O2", date(2026, 11, 2), 150, 60, 0.4, 200, 190, 0.95, 55.0])
    return build_site(warehouse, folder / "site").out


def cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table}".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_every_account_has_a_deliverability_page_linked_from_the_index(site):
    index = (site / "index.html").read_text()
    for account in ("acc_gb", "acc_eu", "acc_none"):
        assert (site / f"deliverability/{account}.html").is_file()
        assert f'href="deliverability/{account}.html"' in index
    assert '1 alert</span>' in index
    assert "No messages sent yet." in (site / "deliverability/acc_none.html").read_text()
    assert_self_contained(site)


def test_alerts_rates_errors_and_daily_rows(site):
    html = (site / "deliverability/acc_gb.html").read_text()
    assert cells(html, "alerts") == [["2026-11-02", "twilio", "GB", "O2", "150", "60", "40.0%", "95.0%", "55.0"]]
    by_carrier = cells(html, "by-carrier")
    assert by_carrier[0] == ["GB", "O2", "350", "250", "2", "89", "9", "0", "71.4%"]  # 250 / 350
    assert by_carrier[1] == ["GB", "EE", "40", "38", "1", "1", "0", "0", "95.0%"]
    assert cells(html, "by-provider")[0] == ["twilio", "390", "288", "3", "90", "9", "0", "73.8%"]
    assert cells(html, "errors")[0] == ["twilio", "30007", "soft_bounce", "80", "2026-11-02", "2026-11-02"]
    daily = cells(html, "daily")
    assert daily[0][:4] == ["2026-11-02", "twilio", "GB", "O2"] and daily[0][-3:] == ["40.0%", "58.0", "200.2"]
    assert daily[-1][:4] == ["2026-11-01", "twilio", "GB", "O2"]
    # error codes by day: a bar per day from the first to the last day with errors, the gap day included
    assert re.findall(r'<g data-day="([\d-]+)" data-total="(\d+)"', html) == [
        ("2026-11-01", "4"), ("2026-11-02", "90"), ("2026-11-03", "0"), ("2026-11-04", "1")]
    assert "libphonenumber" in html and "ported" in html


def test_carrier_names_are_escaped(site):
    html = (site / "deliverability/acc_gb.html").read_text()
    assert XSS_CARRIER not in html and "&lt;img src=x" in html


def test_an_account_without_alerts(site):
    html = (site / "deliverability/acc_eu.html").read_text()
    assert 'id="no-alerts"' in html
    assert cells(html, "by-carrier") == [["DE", "Eplus", "30", "0", "30", "0", "0", "0", "0.0%"]]
    assert "No failed messages." in html


def test_the_terminal_summary(site):
    """`mmsreport report --deliverability` on the same warehouse: rates by country and carrier, top error
    codes, alerts; --account narrows it; an 80-column terminal."""
    import io

    from orchestration.cli.report import alert_summary, print_deliverability

    warehouse = site.parent / "mini.duckdb"
    out = io.StringIO()
    assert print_deliverability(warehouse, out=out) == 0
    text = out.getvalue()
    assert text.startswith("Deliverability (1 alert)\n")
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    gb = text[text.index("Account acc_gb"):]
    assert re.search(r"GB\s+O2\s+350\s+250\s+89\s+9\s+71\.4%", gb)
    assert re.search(r"twilio\s+30007\s+soft_bounce\s+80", gb)
    assert re.search(r"2026-11-02\s+twilio\s+GB\s+O2\s+150\s+40\.0%\s+95\.0%\s+55\.0", gb)
    assert "Account acc_eu" in text and "None." in text[text.index("Account acc_eu"):]
    out = io.StringIO()
    assert print_deliverability(warehouse, "acc_eu", out=out) == 0
    assert "acc_gb" not in out.getvalue() and "(0 alerts)" in out.getvalue()
    assert alert_summary(warehouse) == [
        "Deliverability alert: acc_gb 2026-11-02 twilio → GB O2: 40.0% delivered of 150 (trailing 7 days 95.0%)"]
