"""Provider-native landing entities (docs/PROVIDERS.md): Twilio, Vonage and Sinch files as the
providers write them, hand-made from their documentation (tests/fixtures/providers/)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from ingestion_helpers import landing_path, load, raw_rows, rejected_rows, utc

from orchestration.ingestion.entities import SPECS, loose_name
from orchestration.ingestion.loader import unknown_entity_folders

FIXTURES = Path(__file__).parent / "fixtures" / "providers"


def _land(landing: Path, entity: str, fixture: str, name: str | None = None) -> None:
    shutil.copy(FIXTURES / fixture, landing_path(landing, entity, name or fixture))


def _reasons(con, entity: str) -> dict[int, str]:
    return {r["row_number"]: r["reason"] for r in rejected_rows(con, entity)}


def test_twilio_message_resources_as_json_lines(landing, con):
    _land(landing, "twilio_messages", "twilio_messages.jsonl")
    load(con, landing, "twilio_messages")
    rows = {r["sid"][-1]: r for r in raw_rows(con, "twilio_messages")}
    assert sorted(rows) == ["1", "2", "3"]
    first = rows["1"]
    assert (first["status"], first["error_code"], first["num_segments"]) == ("delivered", None, 1)
    assert first["price"] == Decimal("-0.00790") and first["price_unit"] == "USD"
    assert first["date_updated"] == utc(2023, 8, 24, 5, 1, 49)  # RFC 2822
    assert first["date_sent"] == utc(2023, 8, 24, 5, 1, 45)
    assert '"to":"+14155552346"' in first["_extra"] and '"account_sid"' in first["_extra"]  # unknown fields kept
    assert rows["2"]["error_code"] == "30003"  # a JSON number, kept as text
    assert rows["3"]["direction"] == "inbound"
    assert _reasons(con, "twilio_messages") == {
        4: "unparseable timestamp: date_updated",
        5: "unparseable number: price; missing required value: one of date_updated or date_sent or received_at",
    }


def test_twilio_console_csv_export(landing, con):
    _land(landing, "twilio_messages", "twilio_messages_console.csv")
    load(con, landing, "twilio_messages")
    rows = raw_rows(con, "twilio_messages")
    assert [(r["sid"][-1], r["status"], r["error_code"], r["num_segments"], r["price"], r["date_sent"])
            for r in rows] == [
        ("1", "delivered", None, 1, Decimal("-0.0079"), utc(2023, 8, 24, 12, 1, 45)),  # SentDate, ISO with offset
        ("2", "failed", "21610", 1, None, utc(2023, 8, 24, 12, 1, 45)),  # RFC 2822 in the CSV
    ]
    assert rejected_rows(con) == []


def test_twilio_status_callbacks(landing, con):
    _land(landing, "twilio_status_callbacks", "twilio_status_callbacks.jsonl")
    load(con, landing, "twilio_status_callbacks")
    rows = raw_rows(con, "twilio_status_callbacks")
    assert [(r["_row_number"], r["message_status"], r["error_code"], r["raw_dlr_done_date"], r["received_at"])
            for r in rows] == [
        (1, "sent", None, None, utc(2023, 8, 24, 5, 1, 46)),
        (2, "delivered", None, utc(2023, 8, 24, 5, 1), utc(2023, 8, 24, 5, 1, 50)),
        (3, "undelivered", "30003", utc(2023, 8, 24, 5, 8), utc(2023, 8, 24, 5, 9, 2)),
    ]
    assert '"smsstatus":"delivered"' in rows[1]["_extra"]
    assert _reasons(con, "twilio_status_callbacks") == {
        4: "missing required value: one of raw_dlr_done_date or received_at",
        5: "unparseable date (expected YYMMDDhhmm): raw_dlr_done_date",
    }


def test_vonage_receipts_as_query_strings_and_json(landing, con):
    _land(landing, "vonage_dlr", "vonage_dlr.log")
    _land(landing, "vonage_dlr", "vonage_dlr.jsonl")
    load(con, landing, "vonage_dlr")
    rows = raw_rows(con, "vonage_dlr")
    assert [(r["message_id"][-1], r["status"], r["err_code"], r["price"], r["network_code"], r["scts"],
             r["message_timestamp"], r["client_ref"]) for r in rows] == [
        ("E", "expired", "2", Decimal("0.0333"), "23410", utc(2020, 1, 1, 14), utc(2020, 1, 1, 14), None),
        ("B", "delivered", "0", Decimal("0.0333"), "23410", utc(2020, 1, 1, 14), utc(2020, 1, 1, 14), "msg-1"),
        ("C", "failed", "3", Decimal("0.0333"), "23410", None, utc(2020, 1, 1, 14, 5), None),
    ]
    assert '"api-key":"abcd1234"' in rows[1]["_extra"]
    assert _reasons(con, "vonage_dlr") == {
        3: "not a query string (no name=value field)",
        4: "missing required value: one of scts or message_timestamp or received_at",
    }


def test_sinch_recipient_delivery_reports(landing, con):
    _land(landing, "sinch_delivery_reports", "sinch_delivery_reports.jsonl")
    load(con, landing, "sinch_delivery_reports")
    rows = raw_rows(con, "sinch_delivery_reports")
    assert [(r["batch_id"][-1], r["status"], r["code"], r["created_at"], r["operator_status_at"],
             r["client_reference"]) for r in rows] == [
        ("Q", "Delivered", "0", utc(2022, 8, 30, 8, 16, 8) .replace(microsecond=930000), utc(2022, 8, 30, 8, 16),
         "msg-9"),
        ("R", "Dispatched", "401", utc(2022, 8, 30, 8, 16, 8).replace(microsecond=930000), None, None),
    ]
    assert _reasons(con, "sinch_delivery_reports") == {3: "missing required value: batch_id"}


def test_provider_field_names_match_loosely():
    assert SPECS["twilio_status_callbacks"].column_name("messagesid") == "message_sid"
    assert SPECS["vonage_dlr"].column_name("err-code") == "err_code"
    assert SPECS["twilio_messages"].column_name("sentdate") == "date_sent"
    assert SPECS["sinch_delivery_reports"].column_name("at") == "created_at"
    assert SPECS["messages"].column_name("messageid") == "messageid"  # generic entities: exact names only
    assert loose_name("Raw-Dlr Done_Date") == "rawdlrdonedate"


def test_unknown_entity_folders_are_named(landing):
    for name in ("messages", "twilio_messages", "twilio_exports", ".hidden", "_tmp"):
        (landing / name).mkdir()
    (landing / "notes.txt").write_text("not a folder")
    assert unknown_entity_folders(landing) == ["twilio_exports"]


def test_a_bad_percent_escape_rejects_its_line_only(landing, con):
    path = landing_path(landing, "vonage_dlr", "dlr.qs")
    path.write_text("messageId=0C1&status=delivered&scts=2001011400&client-ref=caf%e9\n"
                    "messageId=0C2&status=delivered&scts=2001011400&client-ref=caf%C3%A9+1\n")
    load(con, landing, "vonage_dlr")
    assert [(r["message_id"], r["client_ref"]) for r in raw_rows(con, "vonage_dlr")] == [("0C2", "café 1")]
    assert _reasons(con, "vonage_dlr") == {1: "undecodable %-escape (not UTF-8)"}
