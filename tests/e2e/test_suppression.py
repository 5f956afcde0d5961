"""Issue 5 end to end: marts.contact_suppressions, audit.sends_after_suppression and the export.

Every warehouse is built by the real `mmsreport run` from the generated landing data and
compared with the independent reference (tests/reference/suppression.py) in both modes
and two thresholds.
"""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest

from tests.e2e.conftest import query, run_mmsreport
from tests.reference.delivery import build as reference_build
from tests.reference.suppression import contacts_of, sends_after_suppression, suppressions

pytestmark = pytest.mark.slow  # runs the real command / dbt (the fast lane is -m 'not slow')

CONFIGS = [
    pytest.param({}, id="total-3"),
    pytest.param({"suppression_mode": "consecutive"}, id="consecutive-3"),
    pytest.param({"hard_bounce_threshold": 2}, id="total-2"),
    pytest.param({"suppression_mode": "consecutive", "hard_bounce_threshold": 2}, id="consecutive-2"),
]
SUPPRESSION_COLUMNS = ["contact_id", "account_id", "hard_bounce_count", "consecutive_hard_bounces",
                       "threshold_reached_at", "is_suppressed", "suppressed_at"]
AUDIT_COLUMNS = ["message_id", "campaign_id", "contact_id", "account_id", "sent_at", "suppressed_at",
                 "delivery_status"]
ACCOUNT_WITH_SUPPRESSION_OFF = "acc_003"


@pytest.fixture(scope="module")
def delivery(reference_landing):
    return reference_build(reference_landing)


@pytest.fixture(scope="module")
def contacts(reference_landing):
    return contacts_of(reference_landing)


def _expected(delivery, contacts, config: dict) -> dict[str, dict]:
    return suppressions(delivery, mode=config.get("suppression_mode", "total"),
                        threshold=config.get("hard_bounce_threshold", 3), contacts=contacts)


def test_the_generated_data_exercises_every_rule(delivery, contacts):
    """Without these the comparisons below would prove little."""
    expected = {name: _expected(delivery, contacts, config) for name, config in [
        ("total-3", {}), ("consecutive-3", {"suppression_mode": "consecutive"}),
        ("total-2", {"hard_bounce_threshold": 2}),
        ("consecutive-2", {"suppression_mode": "consecutive", "hard_bounce_threshold": 2})]}
    assert delivery["accounts"][ACCOUNT_WITH_SUPPRESSION_OFF]["hard_bounce_suppression"] is False
    for name, rows in expected.items():
        assert any(r["is_suppressed"] for r in rows.values()), f"{name}: nobody suppressed"
        assert any(r["account_id"] == ACCOUNT_WITH_SUPPRESSION_OFF and r["threshold_reached_at"]
                   and not r["is_suppressed"] for r in rows.values()), f"{name}: no reached-but-off contact"
    # The two modes disagree somewhere at threshold 2 (a delivery between hard bounces).
    reached = {name: {k for k, r in rows.items() if r["threshold_reached_at"]} for name, rows in expected.items()}
    assert reached["consecutive-2"] < reached["total-2"]
    assert any(r["consecutive_hard_bounces"] < r["hard_bounce_count"] for r in expected["total-2"].values())
    # Messages went to suppressed contacts afterwards at threshold 2.
    assert sends_after_suppression(delivery, expected["total-2"])


@pytest.mark.parametrize("config", CONFIGS)
def test_contact_suppressions_match_the_reference(build, delivery, contacts, config):
    warehouse = build(**config)
    actual = {r["contact_id"]: r for r in query(warehouse, "select * from marts.contact_suppressions")}
    expected = _expected(delivery, contacts, config)
    assert sorted(actual) == sorted(expected)
    assert list(next(iter(actual.values()))) == SUPPRESSION_COLUMNS
    mismatches = [(contact_id, column, actual[contact_id][column], row[column])
                  for contact_id, row in expected.items() for column in SUPPRESSION_COLUMNS
                  if actual[contact_id][column] != row[column]]
    assert mismatches == []


@pytest.mark.parametrize("config", CONFIGS)
def test_sends_after_suppression_match_an_independent_computation(build, delivery, contacts, config):
    warehouse = build(**config)
    actual = {r["message_id"]: r for r in query(warehouse, "select * from audit.sends_after_suppression")}
    expected = sends_after_suppression(delivery, _expected(delivery, contacts, config))
    assert actual == expected
    if actual:
        assert list(next(iter(actual.values()))) == AUDIT_COLUMNS


def _read_export(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["contact_id", "account_id", "phone_number", "suppressed_at",
                                     "hard_bounce_count"]
        return list(reader)


@pytest.mark.parametrize("config", [CONFIGS[0], CONFIGS[2]])
def test_the_export_round_trips(build, e2e_root, contacts, config):
    warehouse = build(**config)
    out = e2e_root / "exports" / f"{warehouse.stem}.csv"
    result = run_mmsreport("export-suppressions", "--warehouse", str(warehouse), "--out", str(out), cwd=e2e_root)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = _read_export(out)
    suppressed = {r["contact_id"]: r for r in query(
        warehouse, "select * from marts.contact_suppressions where is_suppressed")}
    assert suppressed and sorted(r["contact_id"] for r in rows) == sorted(suppressed)
    for row in rows:
        expected = suppressed[row["contact_id"]]
        assert row["phone_number"] == contacts[row["contact_id"]]["phone_number"]
        assert row["phone_number"].startswith("+") and row["phone_number"][1:].isdigit()
        assert row["account_id"] == expected["account_id"]
        assert row["suppressed_at"] == expected["suppressed_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert int(row["hard_bounce_count"]) == expected["hard_bounce_count"]
    assert [(r["account_id"], r["contact_id"]) for r in rows] == sorted((r["account_id"], r["contact_id"])
                                                                         for r in rows)
    assert f"Wrote {len(rows)} suppressed contacts" in result.stderr


def test_every_build_writes_the_export_next_to_the_published_warehouse(build, e2e_root):
    """The Dagster asset exports/suppressions (orchestration/defs/export_assets.py) runs in the build job."""
    warehouse = build()
    exported = warehouse.with_name(f"{warehouse.stem}.suppressions.csv")
    assert exported.exists(), (
        f"{exported.name} was not written: is `suppressions_export` from orchestration.defs.export_assets "
        "registered in orchestration/definitions.py?")
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    cli_export = e2e_root / "exports" / "dagster-compare.csv"
    result = run_mmsreport("export-suppressions", "--warehouse", str(warehouse), "--out", str(cli_export),
                           cwd=e2e_root)
    assert result.returncode == 0, result.stderr
    assert exported.read_bytes() == cli_export.read_bytes()
