"""Issue 18 end to end, on the demo's data (`mmsreport generate` defaults: seed 42, 5,000 messages, a week)
with its incident: Twilio's route to O2 UK filters most messages on days 3-5. The real `mmsreport run`
builds the warehouse; the daily rates, error codes and alerts must equal tests/reference/deliverability.py
computed from the landing files, the alert must name that carrier on those days, and the site and the
terminal summary must show it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import query, run_mmsreport
from tests.reference.deliverability import build as reference_deliverability
from tests.reference.delivery import build as reference_delivery
from tests.reference.landing import read_landing

pytestmark = pytest.mark.slow

INCIDENT_DAYS = {dt.date(2026, 11, 4), dt.date(2026, 11, 5), dt.date(2026, 11, 6)}
GROUP = ("acc_001", "twilio", "GB", "O2")
DAILY_COUNTS = ["messages_sent", "delivered", "pending", "soft_bounced", "hard_bounced", "deleted"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("deliverability")
    landing = root / "landing"
    result = run_mmsreport("generate", "--out", str(landing), "--quiet", cwd=root)  # the demo's defaults
    assert result.returncode == 0, result.stderr
    warehouse = root / "warehouse.duckdb"
    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(warehouse), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, landing, warehouse


@pytest.fixture(scope="module")
def expected(demo):
    landing = read_landing(demo[1])
    return reference_deliverability(landing, reference_delivery(landing))


def _key(row: dict, columns) -> tuple:
    return tuple(row[c] for c in columns)


def test_daily_rows_equal_the_reference(demo, expected):
    rows = query(demo[2], "select * from marts.fct_deliverability_daily")
    keys = ["account_id", "provider", "country_code", "carrier", "sent_date"]
    actual = {_key(r, keys): r for r in rows}
    assert actual.keys() == expected["daily"].keys()
    mismatches = []
    for key, exp in expected["daily"].items():
        got = actual[key]
        mismatches += [(key, c, got[c], exp[c]) for c in DAILY_COUNTS if got[c] != exp[c]]
        for column in ("delivery_rate", "median_delivery_seconds", "p95_delivery_seconds"):
            if (got[column] is None) != (exp[column] is None) or \
                    (exp[column] is not None and got[column] != pytest.approx(exp[column], rel=1e-9, abs=1e-6)):
                mismatches.append((key, column, got[column], exp[column]))
    assert mismatches == []
    carriers = {(r["country_code"], r["carrier"]) for r in rows}
    assert len({c for country, c in carriers if country == "GB"}) >= 5  # contacts span real carriers


def test_error_rows_equal_the_reference(demo, expected):
    rows = query(demo[2], "select * from marts.fct_delivery_errors")
    actual = {_key(r, ["account_id", "provider", "error_code", "delivery_status", "sent_date"]): r["messages"]
              for r in rows}
    assert actual == expected["errors"]
    filtered = {k[4]: v for k, v in actual.items() if k[:4] == ("acc_001", "twilio", "30007", "soft_bounce")}
    assert sum(v for d, v in filtered.items() if d in INCIDENT_DAYS) > 5 * sum(
        v for d, v in filtered.items() if d not in INCIDENT_DAYS)


def test_the_incident_raises_the_alert_for_that_carrier_on_those_days(demo, expected):
    rows = query(demo[2], "select * from audit.deliverability_alerts")
    keys = ["account_id", "provider", "country_code", "carrier", "sent_date"]
    actual = {_key(r, keys): r for r in rows}
    assert actual.keys() == expected["alerts"].keys()
    for key, exp in expected["alerts"].items():
        assert _key(actual[key], exp) == tuple(exp.values()), key
    assert actual, "the demo's incident must raise an alert"
    assert all(key[:4] == GROUP and key[4] in INCIDENT_DAYS for key in actual)
    for row in actual.values():
        assert row["messages_sent"] >= 100 and row["drop_points"] >= 15
        assert row["trailing_delivery_rate"] - row["delivery_rate"] == pytest.approx(row["drop_points"] / 100)


def test_the_site_and_the_terminal_show_the_alert(demo, expected):
    root, _, warehouse = demo
    page = (warehouse.with_name(f"{warehouse.stem}_site") / "deliverability" / "acc_001.html").read_text()
    for key in expected["alerts"]:
        assert f'<tr class="alert" data-day="{key[4].isoformat()}" data-provider="twilio" data-country="GB" ' \
               f'data-carrier="O2">' in page
    result = run_mmsreport("report", "--warehouse", str(warehouse), "--deliverability", cwd=root)
    assert result.returncode == 0, result.stderr
    n = len(expected["alerts"])
    assert result.stdout.startswith(f"Deliverability ({n} alert{'s' if n != 1 else ''})")
    for key in expected["alerts"]:
        assert f"{key[4].isoformat()}  twilio    GB       O2" in result.stdout
