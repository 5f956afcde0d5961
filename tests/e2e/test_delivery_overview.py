"""Issue 3 end to end: statuses, per-contact tabs and every overview column vs the reference."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import query
from tests.reference.delivery import build as reference_build

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

OVERVIEW_COLUMNS = [
    "account_id", "campaign_name", "message_type", "last_sent_at", "messages_sent", "messages_delivered",
    "total_segments", "unique_sends", "unique_deliveries", "pending", "soft_bounces", "hard_bounces", "deleted",
    "total_clicks", "unique_clicks", "currency",
]


@pytest.fixture(scope="module")
def expected(reference_landing):
    return reference_build(reference_landing)


@pytest.fixture(scope="module")
def warehouse(build):
    return build()


def test_the_generated_data_covers_sms_mms_and_every_provider(expected):
    types = {c["message_type"] for c in expected["campaigns"].values()}
    providers = {m.get("provider") for m in expected["messages"].values()}
    assert types == {"SMS", "MMS"}
    assert {"smpp", "twilio", "vonage", "sinch", "mm7"} <= providers
    statuses = {m["delivery_status"] for m in expected["messages"].values()}
    assert {"delivered", "pending", "soft_bounce", "hard_bounce"} <= statuses


def test_every_message_has_the_reference_status(warehouse, expected):
    actual = {r["message_id"]: r for r in query(warehouse, "select * from marts.fct_messages")}
    assert actual.keys() == expected["messages"].keys()
    mismatches = []
    for message_id, exp in expected["messages"].items():
        got = actual[message_id]
        for column in ("campaign_id", "contact_id", "sent_at", "delivery_status", "status_at", "segments",
                       "clicks", "message_type"):
            if got[column] != exp[column]:
                mismatches.append((message_id, column, got[column], exp[column]))
    assert mismatches == []


def test_every_campaign_contact_has_the_reference_status(warehouse, expected):
    actual = {(r["campaign_id"], r["contact_id"]): r["delivery_status"]
              for r in query(warehouse, "select * from marts.fct_campaign_contacts")}
    assert actual == expected["contact_status"]


def test_every_campaign_contact_has_the_reference_status_time_and_error_code(warehouse, expected):
    actual = {(r["campaign_id"], r["contact_id"]): (r["status_at"], r["error_code"])
              for r in query(warehouse, "select * from marts.fct_campaign_contacts")}
    assert actual == expected["contact_status_detail"]


def test_every_account_has_its_settings_in_effect(warehouse, expected):
    actual = {r["account_id"]: r for r in query(warehouse, "select * from marts.dim_accounts")}
    campaign_accounts = {c["account_id"] for c in expected["campaigns"].values()}
    assert set(expected["accounts"]) | campaign_accounts <= actual.keys()
    for account_id, account in expected["accounts"].items():
        got = actual[account_id]
        assert got["is_loaded"]
        assert got["currency"] == (account.get("currency") or "GBP").upper()
        assert got["default_region"] == (account.get("default_region") or "GB").upper()
        assert got["hard_bounce_suppression"] == (account.get("hard_bounce_suppression") is not False)
        assert got["attribution_window_hours"] == (account.get("attribution_window_hours") or 120)
    attributed = {r["account_id"] for r in query(warehouse, "select account_id from marts.fct_order_attribution")}
    assert {a for a, r in actual.items() if r["has_attribution"]} == attributed


def test_every_overview_column_matches_the_reference(warehouse, expected):
    actual = {r["campaign_id"]: r for r in query(warehouse, "select * from marts.fct_campaign_overview")}
    assert actual.keys() == expected["overview"].keys()
    mismatches = []
    for campaign_id, exp in expected["overview"].items():
        got = actual[campaign_id]
        for column in OVERVIEW_COLUMNS:
            if got[column] != exp[column]:
                mismatches.append((campaign_id, column, got[column], exp[column]))
        rate = exp["click_to_delivered_rate"]
        if rate is None:
            assert got["click_to_delivered_rate"] is None
        else:
            assert got["click_to_delivered_rate"] == pytest.approx(rate)
    assert mismatches == []


def test_contact_counts_add_up_to_unique_sends(warehouse):
    rows = query(warehouse, "select * from marts.fct_campaign_overview")
    for r in rows:
        assert r["unique_deliveries"] + r["pending"] + r["soft_bounces"] + r["hard_bounces"] + r["deleted"] \
            == r["unique_sends"]


def test_no_raw_phone_number_outside_raw(warehouse):
    """PII: E.164 numbers live in raw only; staging, intermediate and marts hold masks and hashes."""
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        numbers = [r[0] for r in con.execute("select distinct phone_number from raw.contacts").fetchall()]
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts', 'audit') and data_type = 'VARCHAR'"
        ).fetchall()
        con.execute("create temp table numbers as select unnest(?) as n", [numbers])
        leaks = []
        for schema, table, column in columns:
            hits = con.execute(
                f'select count(*) from "{schema}"."{table}" where "{column}" in (select n from numbers)'
            ).fetchone()[0]
            if hits:
                leaks.append((schema, table, column, hits))
    assert numbers
    assert leaks == []


def test_rejected_rows_are_the_deliberately_bad_ones(warehouse, reference_landing):
    rows = query(warehouse, "select entity, count(*) as n from raw.rejected_rows group by entity")
    actual = {r["entity"]: r["n"] for r in rows}
    expected = {k: v for k, v in reference_landing.rejected.items() if v}
    assert actual == expected


def test_report_prints_the_list_and_a_campaign(warehouse, e2e_root, expected):
    from tests.e2e.conftest import run_mmsreport

    listing = run_mmsreport("report", "--warehouse", str(warehouse), cwd=e2e_root)
    assert listing.returncode == 0, listing.stderr
    assert all(len(line) <= 80 for line in listing.stdout.splitlines())
    for campaign_id in expected["overview"]:
        assert campaign_id in listing.stdout
    campaign_id = max(expected["overview"], key=lambda c: expected["overview"][c]["unique_sends"])
    detail = run_mmsreport("report", "--warehouse", str(warehouse), "--campaign", campaign_id, cwd=e2e_root)
    assert detail.returncode == 0, detail.stderr
    overview = expected["overview"][campaign_id]
    assert f"Delivered ({overview['unique_deliveries']:,} contacts)" in detail.stdout
    assert f"Hard bounces ({overview['hard_bounces']:,} contacts)" in detail.stdout
    assert all(len(line) <= 80 for line in detail.stdout.splitlines())
