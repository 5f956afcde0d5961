"""Issue 16: the semantic layer (MetricFlow) queried through `mmsreport metrics` on the readers' copy.

A query grouped by campaign equals marts.fct_campaign_overview for every metric the overview has;
money is never added across currencies; queries run read-only while a BI reader holds the copy.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import MMSREPORT, query, run_mmsreport

pytestmark = pytest.mark.slow

# metric -> the fct_campaign_overview column it must equal, campaign by campaign.
OVERVIEW_COLUMNS = {
    "messages_sent": "messages_sent", "messages_delivered": "messages_delivered",
    "total_segments": "total_segments", "total_clicks": "total_clicks", "unique_clickers": "unique_clicks",
    "unsubscribes": "unsubscribes", "click_to_delivered_rate": "click_to_delivered_rate",
    "conversion_rate": "conversion_rate", "direct_orders": "direct_orders", "direct_revenue": "direct_revenue",
    "assisted_orders": "assisted_orders", "assisted_revenue": "assisted_revenue",
    "unique_sends": "unique_sends", "unique_deliveries": "unique_deliveries",
}
RATES = {"click_to_delivered_rate", "conversion_rate"}
MONEY = {"direct_revenue", "assisted_revenue"}


@pytest.fixture(scope="module")
def built(build) -> tuple[Path, Path]:
    warehouse = build()
    return warehouse, warehouse.with_name(f"{warehouse.stem}_bi.duckdb")


def _metrics(root: Path, bi_file: Path, *args: str) -> list[dict]:
    out = root / "metrics.csv"
    out.unlink(missing_ok=True)
    result = run_mmsreport("metrics", "--bi-file", str(bi_file), *args, "--csv", str(out), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(out, newline="") as handle:
        return list(csv.DictReader(handle))


def _value(metric: str, text: str):
    if text in ("", None):
        return None
    if metric in MONEY:
        return Decimal(text)
    if metric in RATES:
        return float(text)
    return int(float(text))


def test_the_campaign_list_saved_query_equals_the_overview(built, e2e_root):
    warehouse, bi_file = built
    rows = _metrics(e2e_root, bi_file, "--saved-query", "campaign_list")
    extra = _metrics(e2e_root, bi_file, "--metrics", "unique_sends,unique_deliveries", "--group-by", "campaign")
    by_campaign = {row["campaign"]: row for row in rows}
    for row in extra:
        by_campaign.setdefault(row["campaign"], {}).update(row)
    overview = query(warehouse, "select * from marts.fct_campaign_overview order by campaign_id")
    assert len(overview) > 5
    for expected in overview:
        got = by_campaign[expected["campaign_id"]]
        assert got["campaign__campaign_name"] == expected["campaign_name"]
        assert got["campaign__message_type"] == expected["message_type"]
        assert got["campaign__currency"] == expected["currency"]
        for metric, column in OVERVIEW_COLUMNS.items():
            value, want = _value(metric, got[metric]), expected[column]
            if metric in RATES and want is not None:
                assert value == pytest.approx(want, rel=1e-12), (expected["campaign_id"], metric)
            else:
                assert value == want, (expected["campaign_id"], metric, got[metric], want)
    # Campaigns the overview lacks can only be messages of campaigns not loaded yet (no name, no currency).
    for campaign in set(by_campaign) - {r["campaign_id"] for r in overview}:
        assert not by_campaign[campaign].get("campaign__campaign_name")


def test_money_is_grouped_by_currency_and_never_summed_across_currencies(built, e2e_root):
    warehouse, bi_file = built
    rows = _metrics(e2e_root, bi_file, "--metrics", "direct_revenue,assisted_revenue,messages_sent",
                    "--group-by", "account")
    assert rows and all(row["campaign__currency"] for row in rows)  # added by mmsreport metrics
    expected = query(warehouse, "select account_id, currency, sum(direct_revenue) as direct_revenue, "
                                "sum(assisted_revenue) as assisted_revenue from marts.fct_campaign_overview "
                                "group by all")
    got = {(r["account"], r["campaign__currency"]): r for r in rows}
    assert len({r["currency"] for r in expected}) > 1  # the data has several currencies
    for want in expected:
        row = got[(want["account_id"], want["currency"])]
        assert Decimal(row["direct_revenue"]) == want["direct_revenue"]
        assert Decimal(row["assisted_revenue"]) == want["assisted_revenue"]


def test_cost_by_campaign_equals_the_campaign_costs_in_each_currency(built, e2e_root):
    warehouse, bi_file = built
    rows = _metrics(e2e_root, bi_file, "--metrics", "cost", "--group-by", "campaign")
    assert rows and all(row["message_cost__currency"] for row in rows)  # added by mmsreport metrics
    got = {(r["campaign"], r["message_cost__currency"]): Decimal(r["cost"]) for r in rows if Decimal(r["cost"])}
    expected = {(r["campaign_id"], r["currency"]): r["cost"] for r in query(
        warehouse, "select campaign_id, currency, cost from marts.fct_campaign_costs where cost <> 0")}
    assert expected and got == expected


def test_send_time_grains_add_up_to_the_total(built, e2e_root):
    warehouse, bi_file = built
    total = query(warehouse, "select sum(messages_sent) as n from marts.fct_campaign_overview")[0]["n"]
    for grain in ("day", "week", "month"):
        rows = _metrics(e2e_root, bi_file, "--metrics", "messages_sent,delivery_rate",
                        "--group-by", f"message__sent_at__{grain},message__message_type")
        assert sum(int(r["messages_sent"]) for r in rows) >= total  # + messages of campaigns not loaded yet
        assert all(0 <= float(r["delivery_rate"]) <= 1 for r in rows if r["delivery_rate"])
    days = query(warehouse, "select count(distinct cast(sent_at as date)) as n from marts.fct_messages "
                            "where delivery_status <> 'not_sent'")[0]["n"]
    by_day = _metrics(e2e_root, bi_file, "--metrics", "messages_sent", "--group-by", "metric_time__day")
    assert len([r for r in by_day if int(float(r["messages_sent"] or 0))]) == days


READER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print(con.execute("select count(*) from marts.fct_campaign_overview").fetchone()[0], flush=True)
    sys.stdin.readline()
""")


def test_metrics_run_read_only_while_a_bi_reader_holds_the_copy(built, e2e_root):
    """A read-write open would be refused while another process reads the file: the readers target is read-only."""
    _, bi_file = built
    reader = subprocess.Popen([sys.executable, "-c", READER, str(bi_file)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert int(reader.stdout.readline()) > 0
        rows = _metrics(e2e_root, bi_file, "--metrics", "messages_sent", "--group-by", "campaign__message_type")
        assert {r["campaign__message_type"] for r in rows} >= {"SMS", "MMS"}
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)


def test_provider_and_destination_country_slice_the_message_metrics(built, e2e_root):
    warehouse, bi_file = built
    rows = _metrics(e2e_root, bi_file, "--metrics", "messages_sent,messages_delivered",
                    "--group-by", "message__provider,message__country_code,message__carrier")
    got = {(r["message__provider"], r["message__country_code"] or None, r["message__carrier"]):
           (int(float(r["messages_sent"])), int(float(r["messages_delivered"]))) for r in rows}
    expected = {(r["provider"], r["country_code"], r["carrier"]): (int(r["sent"]), int(r["delivered"])) for r in query(
        warehouse, "select provider, country_code, carrier, "
                   "sum(case when delivery_status <> 'not_sent' then 1 else 0 end) as sent, "
                   "sum(case when delivery_status = 'delivered' then 1 else 0 end) as delivered "
                   "from marts.fct_messages group by all")}
    assert got == expected
    assert len({provider for provider, _, _ in got}) > 1

    weekly = _metrics(e2e_root, bi_file, "--saved-query", "delivery_by_send_week")
    assert sum(int(float(r["messages_sent"])) for r in weekly) == sum(sent for sent, _ in expected.values())
    assert {"account", "message__provider", "message__country_code", "message__sent_at__week",
            "delivery_rate", "soft_bounce_rate", "hard_bounce_rate"} <= set(weekly[0])


def test_metrics_answer_while_a_nightly_run_rebuilds_the_warehouse(built, landing, tmp_path):
    """The run holds the working database for writing and replaces the warehouse and the copy at its end;
    the semantic layer keeps answering from the last published copy meanwhile."""
    source, source_copy = built
    for suffix in ("", ".work"):
        shutil.copy2(source.with_name(source.name + suffix), tmp_path / f"warehouse.duckdb{suffix}")
    bi_file = tmp_path / "warehouse_bi.duckdb"
    shutil.copy2(source_copy, bi_file)

    def sent_by_campaign():
        rows = _metrics(tmp_path, bi_file, "--metrics", "messages_sent", "--group-by", "campaign")
        return {r["campaign"]: r["messages_sent"] for r in rows}

    expected = sent_by_campaign()
    published_before = bi_file.stat().st_mtime_ns

    env = {k: v for k, v in os.environ.items() if not k.startswith(("MMSREPORT_", "DAGSTER_"))}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    nightly = subprocess.Popen([MMSREPORT, "run", "--landing", str(landing), "--warehouse",
                                str(tmp_path / "warehouse.duckdb"), "--full-refresh"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        during = sent_by_campaign()
        still_running = nightly.poll() is None
    finally:
        out, err = nightly.communicate(timeout=900)
    assert nightly.returncode == 0, err
    assert still_running  # the query ran while the nightly held the warehouse
    assert during == expected
    assert bi_file.stat().st_mtime_ns != published_before  # the run replaced the copy at its end
    assert sent_by_campaign() == expected  # with the same numbers (a full refresh of the same landing)
