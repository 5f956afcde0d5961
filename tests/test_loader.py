"""Loading landing files into raw (docs/RULES.md, Input files, Loading guarantees): formats, values, idempotency,
rejects, failures."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pytest
from ingestion_helpers import (
    MESSAGE_COLUMNS,
    csv_text,
    landing_path,
    load,
    load_log,
    open_warehouse,
    process_timezone,
    query,
    raw_count,
    raw_rows,
    rejected_rows,
    relative,
    snapshot,
    utc,
    write_bytes,
    write_csv,
    write_parquet,
    write_records,
    write_text,
)

from orchestration.ingestion.loader import connect, load_entity

TABULAR_FORMATS = ["send.csv", "send.csv.gz", "send.jsonl", "send.ndjson", "send.jsonl.gz",
                   "send.ndjson.gz", "send.parquet"]

MESSAGE_ROWS = [
    ["m1", "c1", "00123", "2026-11-27T09:15:00Z", "Hello", "1", "Twilio", "+447700900123"],
    ["m2", "c1", "k2", "2026-11-27 09:15:00+01:00", 'Hi, "there"\nsecond line', "2", None, "00042"],
    ["m3", "c2", "k3", "2026-11-27 09:15:00", None, None, None, None],
]

EXPECTED_MESSAGES = [
    {"message_id": "m1", "campaign_id": "c1", "contact_id": "00123", "sent_at": utc(2026, 11, 27, 9, 15),
     "body": "Hello", "segments": 1, "provider": "twilio", "provider_message_id": "+447700900123"},
    {"message_id": "m2", "campaign_id": "c1", "contact_id": "k2", "sent_at": utc(2026, 11, 27, 8, 15),
     "body": 'Hi, "there"\nsecond line', "segments": 2, "provider": None, "provider_message_id": "00042"},
    {"message_id": "m3", "campaign_id": "c2", "contact_id": "k3", "sent_at": utc(2026, 11, 27, 9, 15),
     "body": None, "segments": None, "provider": None, "provider_message_id": None},
]

SMPP_LINES = [
    "id:0012345 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:Hi",
    "ID:abc-2 DONE DATE:261127101530 STAT:undeliv ERR:034",
    "id:+447700900123 submit date:20261127091500 done date:20261127120000 stat:EXPIRED",
]

EXPECTED_SMPP = [
    {"provider_message_id": "0012345", "status": "DELIVRD", "error_code": "000",
     "submitted_at": utc(2026, 11, 27, 9, 15), "event_at": utc(2026, 11, 27, 9, 16)},
    {"provider_message_id": "abc-2", "status": "UNDELIV", "error_code": "034",
     "submitted_at": None, "event_at": utc(2026, 11, 27, 10, 15, 30)},
    {"provider_message_id": "+447700900123", "status": "EXPIRED", "error_code": None,
     "submitted_at": utc(2026, 11, 27, 9, 15), "event_at": utc(2026, 11, 27, 12, 0)},
]


def _pick(rows: list[dict], columns) -> list[dict]:
    return [{c: row[c] for c in columns} for row in rows]


def _only_outcome(summaries, entity):
    files = summaries[entity].files
    assert len(files) == 1, files
    return files[0]


# ================================================================ formats and values

@pytest.mark.parametrize("name", TABULAR_FORMATS)
def test_each_tabular_format_loads_exact_rows_and_values(landing, con, name):
    path = write_records(landing, "messages", name, MESSAGE_COLUMNS, MESSAGE_ROWS)
    outcome = _only_outcome(load(con, landing, "messages"), "messages")
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected, outcome.error) == ("loaded", 3, 0, None)

    rows = raw_rows(con, "messages")
    assert _pick(rows, EXPECTED_MESSAGES[0]) == EXPECTED_MESSAGES
    assert [r["_row_number"] for r in rows] == [1, 2, 3]
    assert {r["_source_file"] for r in rows} == {relative(landing, path)}
    assert [r["_extra"] for r in rows] == [None, None, None]

    [log] = load_log(con)
    assert _pick([log], ["entity", "path", "status", "rows_loaded", "rows_rejected", "error", "is_current"]) == [
        {"entity": "messages", "path": relative(landing, path), "status": "loaded", "rows_loaded": 3,
         "rows_rejected": 0, "error": None, "is_current": True}]
    assert log["size_bytes"] == path.stat().st_size
    assert {r["_load_id"] for r in rows} == {log["load_id"]}
    assert rejected_rows(con) == []


@pytest.mark.parametrize("name", ["dlr.log", "dlr.log.gz", "dlr.txt", "dlr.txt.gz"])
def test_smpp_logs_load_exact_rows_and_values(landing, con, name):
    path = write_text(landing, "smpp_receipts", name, "\n".join(SMPP_LINES) + "\n")
    outcome = _only_outcome(load(con, landing, "smpp_receipts"), "smpp_receipts")
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 3, 0)
    rows = raw_rows(con, "smpp_receipts")
    assert _pick(rows, EXPECTED_SMPP[0]) == EXPECTED_SMPP
    assert [r["_row_number"] for r in rows] == [1, 2, 3]
    assert {r["_source_file"] for r in rows} == {relative(landing, path)}


def test_smpp_blank_lines_are_skipped_and_row_numbers_are_line_numbers(landing, con):
    write_text(landing, "smpp_receipts", "dlr.log", f"{SMPP_LINES[0]}\n\n  \n{SMPP_LINES[1]}\r\n")
    load(con, landing, "smpp_receipts")
    assert [(r["provider_message_id"], r["_row_number"]) for r in raw_rows(con, "smpp_receipts")] == [
        ("0012345", 1), ("abc-2", 4)]
    assert rejected_rows(con) == []


def test_smpp_fields_after_an_empty_text_are_loaded(landing, con):
    # Regression: the loader's SQL cut every line at `text:`, even an empty one followed by fields.
    write_text(landing, "smpp_receipts", "dlr.log",
               "id:0012345 sub:001 dlvrd:001 text: submit date:2611270915 done date:2611270916 "
               "stat:DELIVRD err:000\n")
    load(con, landing, "smpp_receipts")
    assert _pick(raw_rows(con, "smpp_receipts"), EXPECTED_SMPP[0]) == EXPECTED_SMPP[:1]
    assert rejected_rows(con) == []


def test_raw_column_types(con):
    types = {(r["table_name"], r["column_name"]): r["data_type"] for r in query(
        con, "select table_name, column_name, data_type from information_schema.columns "
             "where table_schema = 'raw'")}
    assert types[("messages", "message_id")] == "VARCHAR"
    assert types[("messages", "contact_id")] == "VARCHAR"
    assert types[("messages", "sent_at")] == "TIMESTAMP"
    assert types[("messages", "segments")] == "INTEGER"
    assert types[("orders", "revenue")] == "DECIMAL(18,2)"
    assert types[("orders", "phone_number")] == "VARCHAR"
    assert types[("accounts", "hard_bounce_suppression")] == "BOOLEAN"
    assert types[("smpp_receipts", "provider_message_id")] == "VARCHAR"
    assert types[("messages", "_extra")] == "VARCHAR"


def test_parquet_with_typed_columns(landing, con):
    """Non-string Parquet columns (ints, decimals, floats, bools, dates, timestamps) are read as text first."""
    utc_tz = dt.UTC
    write_parquet(landing, "orders", "orders.parquet", pa.table({
        "order_id": pa.array(["o1", "o2"]),
        "account_id": pa.array([1, 2], pa.int64()),
        "contact_id": pa.array(["00123", "k2"]),
        "ordered_at": pa.array([dt.datetime(2026, 11, 27, 9, 15, tzinfo=utc_tz)] * 2, pa.timestamp("us", tz="UTC")),
        "updated_at": pa.array([dt.datetime(2026, 11, 27, 9, 15), None], pa.timestamp("ms")),
        "revenue": pa.array([Decimal("12.50"), Decimal("0.10")], pa.decimal128(10, 2)),
        "status": pa.array(["Completed", None]),
        "score": pa.array([0.25, None], pa.float64()),
        "vip": pa.array([True, False]),
        "day": pa.array([dt.date(2026, 11, 27), None]),
        "tags": pa.array([[1, 2], []], pa.list_(pa.int32())),
    }))
    write_parquet(landing, "orders", "orders_float.parquet", pa.table({
        "ORDER_ID": pa.array(["o3"]),
        "Account_ID": pa.array(["a3"]),
        "Phone_Number": pa.array(["+447911123456"]),
        "ordered_at": pa.array([dt.datetime(2026, 11, 27, 10, 15, tzinfo=utc_tz)],
                               pa.timestamp("us", tz="Europe/Berlin")),
        "revenue": pa.array([12.5], pa.float64()),
    }))
    write_parquet(landing, "accounts", "accounts.parquet", pa.table({
        "account_id": pa.array([7], pa.int32()),
        "hard_bounce_suppression": pa.array([False]),
        "attribution_window_hours": pa.array([48], pa.int64()),
    }))
    summaries = load(con, landing, "accounts", "orders")
    assert [f.status for f in summaries["orders"].files] == ["loaded", "loaded"]

    orders = raw_rows(con, "orders")
    columns = ["order_id", "account_id", "contact_id", "phone_number", "ordered_at", "revenue", "status",
               "updated_at"]
    assert _pick(orders, columns) == [
        {"order_id": "o1", "account_id": "1", "contact_id": "00123", "phone_number": None,
         "ordered_at": utc(2026, 11, 27, 9, 15), "revenue": Decimal("12.50"), "status": "completed",
         "updated_at": utc(2026, 11, 27, 9, 15)},
        {"order_id": "o2", "account_id": "2", "contact_id": "k2", "phone_number": None,
         "ordered_at": utc(2026, 11, 27, 9, 15), "revenue": Decimal("0.10"), "status": None, "updated_at": None},
        {"order_id": "o3", "account_id": "a3", "contact_id": None, "phone_number": "+447911123456",
         "ordered_at": utc(2026, 11, 27, 10, 15), "revenue": Decimal("12.50"), "status": None,
         "updated_at": None},
    ]
    extra = json.loads(orders[0]["_extra"])
    assert extra["vip"] == "true"
    assert float(extra["score"]) == 0.25
    assert extra["day"] == "2026-11-27"
    assert "1" in extra["tags"] and "2" in extra["tags"]

    [account] = raw_rows(con, "accounts")
    assert (account["account_id"], account["hard_bounce_suppression"], account["attribution_window_hours"]) == (
        "7", False, 48)


@pytest.mark.parametrize("name", ["send.csv", "send.jsonl", "send.parquet"])
def test_column_names_match_case_insensitively(landing, con, name):
    header = ["Message_ID", " CAMPAIGN_ID ", "Contact_Id", "SENT_AT", "Body", "SeGmEnTs", "PROVIDER",
              "Provider_Message_Id"]
    write_records(landing, "messages", name, header, MESSAGE_ROWS)
    outcome = _only_outcome(load(con, landing, "messages"), "messages")
    assert (outcome.status, outcome.rows_loaded) == ("loaded", 3)
    assert _pick(raw_rows(con, "messages"), EXPECTED_MESSAGES[0]) == EXPECTED_MESSAGES


@pytest.mark.parametrize("name", ["send.csv", "send.jsonl", "send.parquet"])
def test_extra_columns_are_kept_in_extra_json(landing, con, name):
    header = ["message_id", "campaign_id", "contact_id", "sent_at", "UTM_Source", "campaign_tag"]
    rows = [["m1", "c1", "k1", "2026-11-27T09:15:00Z", "sms", "black friday, 50%"],
            ["m2", "c1", "k2", "2026-11-27T09:15:00Z", "push", "{\"json\": true}"]]
    write_records(landing, "messages", name, header, rows)
    load(con, landing, "messages")
    extras = [json.loads(r["_extra"]) for r in raw_rows(con, "messages")]
    assert extras == [{"utm_source": "sms", "campaign_tag": "black friday, 50%"},
                      {"utm_source": "push", "campaign_tag": "{\"json\": true}"}]


def test_nested_json_values_are_kept_as_json_text_in_extra(landing, con):
    write_text(landing, "clicks", "clicks.jsonl", json.dumps({
        "message_id": "m1", "clicked_at": "2026-11-27T09:15:00Z",
        "geo": {"country": "GB"}, "ids": [1, 2], "bot": False, "score": 1.5}) + "\n")
    load(con, landing, "clicks")
    [row] = raw_rows(con, "clicks")
    extra = json.loads(row["_extra"])
    assert json.loads(extra["geo"]) == {"country": "GB"}
    assert json.loads(extra["ids"]) == [1, 2]
    assert (extra["bot"], extra["score"]) == ("false", "1.5")


@pytest.mark.parametrize("name", ["dup.csv", "dup.jsonl", "dup.parquet"])
def test_two_columns_differing_only_in_case_first_wins_and_the_other_is_kept(landing, con, name):
    # Regression (jsonl): the reader lower-cases keys into one dict, so the later key silently overwrites
    # the earlier one and its value is lost; CSV and Parquet keep the first and put the other in _extra.
    write_records(landing, "clicks", name, ["message_id", "Message_ID", "clicked_at"],
                  [["first", "second", "2026-11-27T09:15:00Z"]])
    load(con, landing, "clicks")
    [row] = raw_rows(con, "clicks")
    assert row["message_id"] == "first"
    assert "second" in json.loads(row["_extra"]).values()


@pytest.mark.parametrize("name", ["ids.csv", "ids.jsonl"])
def test_ids_and_phone_like_values_are_kept_as_text(landing, con, name):
    rows = [["00123", "0042", "+447700900123", "2026-11-27T09:15:00Z", None, "007", None, "1e3"]]
    write_records(landing, "messages", name, MESSAGE_COLUMNS, rows)
    load(con, landing, "messages")
    [row] = raw_rows(con, "messages")
    assert (row["message_id"], row["campaign_id"], row["contact_id"], row["provider_message_id"]) == (
        "00123", "0042", "+447700900123", "1e3")
    assert row["segments"] == 7


def test_json_numbers_as_ids_become_text(landing, con):
    write_text(landing, "messages", "send.jsonl", json.dumps(
        {"message_id": 123, "campaign_id": 4, "contact_id": 5, "sent_at": "2026-11-27T09:15:00Z",
         "segments": 2}) + "\n")
    load(con, landing, "messages")
    [row] = raw_rows(con, "messages")
    assert (row["message_id"], row["campaign_id"], row["contact_id"], row["segments"]) == ("123", "4", "5", 2)


TIMESTAMPS = [
    ("2026-11-27T09:15:00Z", utc(2026, 11, 27, 9, 15)),
    ("2026-11-27 09:15:00+01:00", utc(2026, 11, 27, 8, 15)),
    ("2026-11-27 09:15:00", utc(2026, 11, 27, 9, 15)),
    ("2026-11-27T09:15:00", utc(2026, 11, 27, 9, 15)),
    ("2026-11-27T04:15:00-05:00", utc(2026, 11, 27, 9, 15)),
    ("2026-07-01 09:15:00", utc(2026, 7, 1, 9, 15)),          # summer time in New York / London
    ("2026-03-08 02:30:00", utc(2026, 3, 8, 2, 30)),          # a wall time New York skips (DST start)
    ("2026-11-01 01:30:00", utc(2026, 11, 1, 1, 30)),         # a wall time New York has twice
    ("2026-11-27T09:15:00.123456Z", dt.datetime(2026, 11, 27, 9, 15, 0, 123456)),
]


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("name", ["ts.csv", "ts.jsonl", "ts.parquet"])
def test_timestamps_are_stored_as_utc_whatever_the_process_time_zone(tmp_path, landing, tz, name):
    rows = [[f"m{i}", "c1", "k1", text] for i, (text, _) in enumerate(TIMESTAMPS)]
    write_records(landing, "messages", name, ["message_id", "campaign_id", "contact_id", "sent_at"], rows)
    write_text(landing, "smpp_receipts", "dlr.log",
               "id:1 submit date:2611270915 done date:261127091630 stat:DELIVRD\n")
    with process_timezone(tz):
        con = connect(tmp_path / "tz.duckdb")
        try:
            load(con, landing, "messages", "smpp_receipts")
            stored = {r["message_id"]: r["sent_at"] for r in raw_rows(con, "messages")}
            [receipt] = raw_rows(con, "smpp_receipts")
        finally:
            con.close()
    assert stored == {f"m{i}": expected for i, (_, expected) in enumerate(TIMESTAMPS)}
    assert (receipt["submitted_at"], receipt["event_at"]) == (utc(2026, 11, 27, 9, 15), utc(2026, 11, 27, 9, 16, 30))


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_parquet_timestamp_columns_are_stored_as_utc(tmp_path, landing, tz):
    instant = dt.datetime(2026, 11, 27, 9, 15, tzinfo=dt.UTC)
    write_parquet(landing, "clicks", "clicks.parquet", pa.table({
        "message_id": pa.array(["utc_us", "utc_us_2"]),
        "clicked_at": pa.array([instant, instant], pa.timestamp("us", tz="UTC")),
    }))
    write_parquet(landing, "clicks", "clicks_naive.parquet", pa.table({
        "message_id": pa.array(["naive_ns"]),
        "clicked_at": pa.array([dt.datetime(2026, 11, 27, 9, 15)], pa.timestamp("ns")),
    }))
    write_parquet(landing, "clicks", "clicks_berlin.parquet", pa.table({
        "message_id": pa.array(["berlin_ms"]),
        "clicked_at": pa.array([instant], pa.timestamp("ms", tz="Europe/Berlin")),
    }))
    with process_timezone(tz):
        con = connect(tmp_path / "tz.duckdb")
        try:
            load(con, landing, "clicks")
            stored = {r["message_id"]: r["clicked_at"] for r in raw_rows(con, "clicks")}
        finally:
            con.close()
    assert set(stored.values()) == {utc(2026, 11, 27, 9, 15)}
    assert sorted(stored) == ["berlin_ms", "naive_ns", "utc_us", "utc_us_2"]


# ================================================================ idempotency and versions

def _mixed_landing(landing):
    write_records(landing, "messages", "send.csv", MESSAGE_COLUMNS, MESSAGE_ROWS)
    write_records(landing, "messages", "send.jsonl", MESSAGE_COLUMNS,
                  [["m9", "c1", "k9", "not a time", None, None, None, None]], dt="dt=2026-11-28")
    write_text(landing, "smpp_receipts", "dlr.log.gz", "\n".join(SMPP_LINES) + "\n")


def test_loading_the_same_landing_twice_adds_nothing(landing, con):
    _mixed_landing(landing)
    load(con, landing, "messages", "smpp_receipts")
    before = snapshot(con, "messages", "smpp_receipts")
    assert (len(before["messages"]), len(before["smpp_receipts"]), len(before["load_log"])) == (3, 3, 3)
    assert len(before["rejected_rows"]) == 1

    again = load(con, landing, "messages", "smpp_receipts")
    assert {f.status for s in again.values() for f in s.files} == {"skipped"}
    assert snapshot(con, "messages", "smpp_receipts") == before


def test_a_new_run_on_a_new_connection_adds_nothing(tmp_path, landing):
    _mixed_landing(landing)
    con = open_warehouse(tmp_path)
    load(con, landing, "messages", "smpp_receipts")
    before = snapshot(con, "messages", "smpp_receipts")
    con.close()
    con = open_warehouse(tmp_path)
    try:
        load(con, landing, "messages", "smpp_receipts")
        assert snapshot(con, "messages", "smpp_receipts") == before
    finally:
        con.close()


def test_a_copy_under_another_path_is_another_file(landing, con):
    """Files are identified by path (+ content): a copy in another folder is loaded again.

    raw then holds both copies, told apart by `_source_file`; de-duplicating the events
    (same message_id: first file by path wins) is the job of the dbt staging models (docs/RULES.md, Versions and
    repeats).
    """
    original = write_records(landing, "messages", "send.csv", MESSAGE_COLUMNS, MESSAGE_ROWS)
    load(con, landing, "messages")
    copy = landing_path(landing, "messages", "send.csv", dt="dt=2026-11-28")
    shutil.copy2(original, copy)
    summary = load_entity(con, landing, "messages")
    assert [(f.path, f.status) for f in summary.files] == [
        (relative(landing, original), "skipped"), (relative(landing, copy), "loaded")]

    log = load_log(con, "messages")
    assert [(r["path"], r["is_current"]) for r in log] == [
        (relative(landing, original), True), (relative(landing, copy), True)]
    assert log[0]["content_hash"] == log[1]["content_hash"]
    rows = raw_rows(con, "messages")
    assert len(rows) == 6
    by_file = {}
    for row in rows:
        by_file.setdefault(row["_source_file"], []).append(row["message_id"])
    assert by_file == {relative(landing, original): ["m1", "m2", "m3"], relative(landing, copy): ["m1", "m2", "m3"]}


def test_touching_a_file_does_not_reload_it(landing, con):
    path = write_records(landing, "messages", "send.csv", MESSAGE_COLUMNS, MESSAGE_ROWS)
    load(con, landing, "messages")
    before = snapshot(con, "messages")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns + 10**10, stat.st_mtime_ns + 10**10))
    summary = load_entity(con, landing, "messages")
    assert [f.status for f in summary.files] == ["skipped"]
    assert snapshot(con, "messages") == before


def test_a_changed_file_is_loaded_as_a_new_version(landing, con):
    path = write_records(landing, "messages", "send.csv", MESSAGE_COLUMNS, MESSAGE_ROWS[:2])
    load(con, landing, "messages")
    changed = [["m1", "c1", "00123", "2026-11-27T09:15:00Z", "Hello again", "1", "Twilio", "+447700900123"],
               *MESSAGE_ROWS[1:]]
    write_records(landing, "messages", "send.csv", MESSAGE_COLUMNS, changed)
    summary = load_entity(con, landing, "messages")
    assert [(f.status, f.rows_loaded) for f in summary.files] == [("loaded", 3)]

    old, new = load_log(con, "messages")
    assert old["path"] == new["path"] == relative(landing, path)
    assert (old["is_current"], new["is_current"]) == (False, True)
    assert old["content_hash"] != new["content_hash"]
    assert (old["status"], new["status"]) == ("loaded", "loaded")
    assert new["load_id"] > old["load_id"]

    rows = raw_rows(con, "messages")
    assert [(r["message_id"], r["body"]) for r in rows if r["_load_id"] == old["load_id"]] == [
        ("m1", "Hello"), ("m2", 'Hi, "there"\nsecond line')]
    assert [(r["message_id"], r["body"]) for r in rows if r["_load_id"] == new["load_id"]] == [
        ("m1", "Hello again"), ("m2", 'Hi, "there"\nsecond line'), ("m3", None)]

    # and the new version is not loaded a third time
    assert [f.status for f in load_entity(con, landing, "messages").files] == ["skipped"]
    assert len(load_log(con, "messages")) == 2


def test_a_changed_file_of_the_same_size_is_detected(landing, con):
    path = write_text(landing, "clicks", "clicks.csv", "message_id,clicked_at\nm1,2026-11-27T09:15:00Z\n")
    load(con, landing, "clicks")
    mtime = path.stat().st_mtime_ns
    path.write_text("message_id,clicked_at\nm2,2026-11-27T09:16:00Z\n")
    os.utime(path, ns=(mtime + 10**9, mtime + 10**9))
    load(con, landing, "clicks")
    current = query(con, "select c.message_id from raw.clicks c join raw.load_log l "
                         "on l.load_id = c._load_id where l.is_current")
    assert current == [{"message_id": "m2"}]
    assert [r["is_current"] for r in load_log(con, "clicks")] == [False, True]


def test_a_file_changed_back_to_an_older_version_is_loaded_again(landing, con):
    v1 = "message_id,clicked_at\nm1,2026-11-27T09:15:00Z\n"
    v2 = "message_id,clicked_at\nm1,2026-11-27T09:15:00Z\nm2,2026-11-27T09:16:00Z\n"
    for text in (v1, v2, v1):
        write_text(landing, "clicks", "clicks.csv", text)
        load(con, landing, "clicks")
    log = load_log(con, "clicks")
    assert [(r["rows_loaded"], r["is_current"]) for r in log] == [(1, False), (2, False), (1, True)]


# ================================================================ rejected rows

@dataclass(frozen=True)
class Reject:
    id: str
    entity: str
    name: str
    text: str    # the whole file; its 2nd record is the bad one
    reason: str  # expected in the reason (case-insensitive)
    token: str   # expected in the original row text


def _csv(header, good1, bad, good2):
    return csv_text(header, [good1, bad, good2])


MSG_H = ["message_id", "campaign_id", "contact_id", "sent_at", "segments"]
MSG_OK1 = ["m1", "c1", "k1", "2026-11-27T09:15:00Z", "1"]
MSG_OK3 = ["m3", "c1", "k3", "2026-11-27T09:15:00Z", ""]
ORD_H = ["order_id", "account_id", "contact_id", "phone_number", "ordered_at", "revenue", "currency", "status"]
ORD_OK1 = ["o1", "a1", "k1", "", "2026-11-27T10:00:00Z", "19.99", "GBP", "completed"]
ORD_OK3 = ["o3", "a1", "", "+447911123456", "2026-11-27T10:00:00Z", "0", "gbp", "Refunded"]
CLICK_OK1 = '{"message_id": "m1", "clicked_at": "2026-11-27T09:15:00Z"}'
CLICK_OK3 = '{"message_id": "m3", "clicked_at": "2026-11-27T09:17:00Z", "url": "https://x.test"}'


REJECTS = [
    Reject("missing-required", "messages", "m.csv",
           _csv(MSG_H, MSG_OK1, ["m2", "", "k2", "2026-11-27T09:15:00Z", "1"], MSG_OK3),
           "missing required value: campaign_id", "m2"),
    Reject("blank-required", "messages", "m.csv",
           _csv(MSG_H, MSG_OK1, ["m2", "c1", "   ", "2026-11-27T09:15:00Z", "1"], MSG_OK3),
           "missing required value: contact_id", "m2"),
    Reject("bad-timestamp", "messages", "m.csv",
           _csv(MSG_H, MSG_OK1, ["m2", "c1", "k2", "27/11/2026 09:15", "1"], MSG_OK3),
           "unparseable timestamp: sent_at", "27/11/2026 09:15"),
    Reject("bad-timestamp-jsonl", "messages", "m.jsonl",
           '{"message_id":"m1","campaign_id":"c1","contact_id":"k1","sent_at":"2026-11-27T09:15:00Z"}\n'
           '{"message_id":"m2","campaign_id":"c1","contact_id":"k2","sent_at":"yesterday"}\n'
           '{"message_id":"m3","campaign_id":"c1","contact_id":"k3","sent_at":"2026-11-27T09:15:00Z"}\n',
           "unparseable timestamp: sent_at", "yesterday"),
    Reject("bad-segments", "messages", "m.csv",
           _csv(MSG_H, MSG_OK1, ["m2", "c1", "k2", "2026-11-27T09:15:00Z", "two"], MSG_OK3),
           "unparseable number: segments", "two"),
    Reject("bad-revenue", "orders", "o.csv",
           _csv(ORD_H, ORD_OK1, ["o2", "a1", "k2", "", "2026-11-27T10:00:00Z", "£12.50", "GBP", ""], ORD_OK3),
           "unparseable number: revenue", "£12.50"),
    Reject("negative-revenue", "orders", "o.csv",
           _csv(ORD_H, ORD_OK1, ["o2", "a1", "k2", "", "2026-11-27T10:00:00Z", "-5.00", "GBP", ""], ORD_OK3),
           "negative revenue", "-5.00"),
    Reject("unknown-order-status", "orders", "o.csv",
           _csv(ORD_H, ORD_OK1, ["o2", "a1", "k2", "", "2026-11-27T10:00:00Z", "5", "GBP", "shipped"], ORD_OK3),
           "unknown status", "shipped"),
    Reject("order-without-contact", "orders", "o.csv",
           _csv(ORD_H, ORD_OK1, ["o2", "a1", "", "", "2026-11-27T10:00:00Z", "5", "GBP", ""], ORD_OK3),
           "missing required value: one of contact_id or phone_number", "o2"),
    Reject("order-invalid-phone", "orders", "o.csv",
           _csv(ORD_H, ORD_OK1, ["o2", "a1", "", "00123", "2026-11-27T10:00:00Z", "5", "GBP", ""], ORD_OK3),
           "invalid phone number: phone_number", "00123"),
    Reject("contact-invalid-phone", "contacts", "c.csv",
           _csv(["contact_id", "account_id", "phone_number"], ["k1", "a1", "07911 123456"],
                ["k2", "a1", "+44 12"], ["k3", "a1", "+447911123457"]),
           "invalid phone number: phone_number", "+44 12"),
    Reject("unknown-message-type", "campaigns", "c.csv",
           _csv(["campaign_id", "account_id", "name", "message_type"], ["c1", "a1", "Black Friday", "sms"],
                ["c2", "a1", "Rich", "RCS"], ["c3", "a1", "Pics", " MMS "]),
           "unknown message_type", "RCS"),
    Reject("receipt-without-ids", "receipts", "r.csv",
           _csv(["message_id", "provider", "provider_message_id", "status", "event_at"],
                ["m1", "twilio", "", "delivered", "2026-11-27T09:16:00Z"],
                ["", "vonage", "", "delivered", "2026-11-27T09:16:00Z"],
                ["", "sinch", "P3", "Delivered", "2026-11-27T09:16:00Z"]),
           "missing required value: one of message_id or provider_message_id", "vonage"),
    Reject("bad-boolean", "accounts", "a.csv",
           _csv(["account_id", "name", "hard_bounce_suppression"], ["a1", "One", "yes"],
                ["a2", "Two", "maybe"], ["a3", "Three", "0"]),
           "unparseable boolean: hard_bounce_suppression", "maybe"),
    Reject("bad-int", "accounts", "a.csv",
           _csv(["account_id", "attribution_window_hours"], ["a1", "120"], ["a2", "five days"], ["a3", ""]),
           "unparseable number: attribution_window_hours", "five days"),
    Reject("bad-unsubscribe-time", "unsubscribes", "u.csv",
           _csv(["account_id", "contact_id", "unsubscribed_at"], ["a1", "k1", "2026-11-27T09:15:00Z"],
                ["a1", "k2", "2026-13-45T09:15:00Z"], ["a1", "k3", "2026-11-27"]),
           "unparseable timestamp: unsubscribed_at", "2026-13-45"),
    Reject("csv-too-many-columns", "messages", "m.csv",
           csv_text(MSG_H, [MSG_OK1]) + "m2,c1,k2,2026-11-27T09:15:00Z,1,SURPLUS\n"
           + "m3,c1,k3,2026-11-27T09:15:00Z,\n",
           "too many columns", "SURPLUS"),
    Reject("invalid-json", "clicks", "k.jsonl",
           f'{CLICK_OK1}\n{{"message_id": "m2", "clicked_at": \n{CLICK_OK3}\n', "invalid JSON", '"m2"'),
    Reject("json-not-an-object", "clicks", "k.ndjson",
           f'{CLICK_OK1}\n["m2", "2026-11-27T09:16:00Z"]\n{CLICK_OK3}\n', "not an object", '"m2"'),
    Reject("smpp-missing-field", "smpp_receipts", "d.log",
           f"{SMPP_LINES[0]}\nid:m2 sub:001 stat:DELIVRD err:000\n{SMPP_LINES[1]}\n",
           "unparseable SMPP receipt: missing field(s): done date", "id:m2"),
    Reject("smpp-bad-date", "smpp_receipts", "d.log",
           f"{SMPP_LINES[0]}\nid:m2 done date:2613270916 stat:DELIVRD\n{SMPP_LINES[1]}\n",
           "unparseable date '2613270916'", "id:m2"),
    Reject("smpp-garbage", "smpp_receipts", "d.log.gz",
           f"{SMPP_LINES[0]}\n\x00\x01 garbage \ufffd\n{SMPP_LINES[1]}\n",
           "unparseable SMPP receipt", "garbage"),
]


@pytest.mark.parametrize("case", REJECTS, ids=[c.id for c in REJECTS])
def test_a_bad_row_is_rejected_with_its_reason_and_the_load_goes_on(landing, con, case):
    path = write_text(landing, case.entity, case.name, case.text)
    outcome = _only_outcome(load(con, landing, case.entity), case.entity)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 2, 1)

    [log] = load_log(con, case.entity)
    assert (log["status"], log["rows_loaded"], log["rows_rejected"]) == ("loaded", 2, 1)
    [rejected] = rejected_rows(con)
    assert rejected["entity"] == case.entity
    assert rejected["source_file"] == relative(landing, path)
    assert rejected["load_id"] == log["load_id"]
    assert rejected["row_number"] == 2
    assert case.reason.lower() in rejected["reason"].lower()
    assert case.token in rejected["original_row"]

    kept = raw_rows(con, case.entity)
    assert [r["_row_number"] for r in kept] == [1, 3]


def test_a_row_with_several_problems_lists_them_all(landing, con):
    write_csv(landing, "orders", "o.csv", ORD_H, [["o1", "", "", "", "soon", "-1", "GBP", "lost"]])
    load(con, landing, "orders")
    [rejected] = rejected_rows(con)
    for part in ("missing required value: account_id", "unparseable timestamp: ordered_at",
                 "negative revenue", "one of contact_id or phone_number", "unknown status"):
        assert part in rejected["reason"]


def test_rows_in_equals_loaded_plus_rejected_for_every_file(landing, con):
    # (file, number of records written)
    files = {
        write_text(landing, "messages", "a.csv", csv_text(MSG_H, [
            MSG_OK1, ["m2", "", "k2", "x", "y"], ["m3", "c1", "k3", "2026-11-27 10:00:00", "3"],
            ["m4", "c1", "k4", "2026-11-27 10:00:00", "-"]]) + "m5,c1,k5,2026-11-27 10:00:00,1,2,3\n"): 5,
        write_text(landing, "messages", "b.jsonl.gz", "".join(
            json.dumps({"message_id": f"j{i}", "campaign_id": "c1", "contact_id": "k",
                        "sent_at": "2026-11-27T09:00:00Z" if i % 3 else "never"}) + "\n" for i in range(30))
            + "{broken\n42\n"): 32,
        write_text(landing, "smpp_receipts", "d.log", "\n".join(
            [*SMPP_LINES, "id:x stat:DELIVRD", "nonsense", SMPP_LINES[0]]) + "\n"): 6,
    }
    load(con, landing, "messages", "smpp_receipts")
    for path, records_in in files.items():
        rel = relative(landing, path)
        [log] = [r for r in load_log(con) if r["path"] == rel]
        entity = log["entity"]
        loaded = query(con, f"select count(*) as n from raw.{entity} where _source_file = ?", [rel])[0]["n"]
        rejected = query(con, "select count(*) as n from raw.rejected_rows where source_file = ?", [rel])[0]["n"]
        assert (log["rows_loaded"], log["rows_rejected"]) == (loaded, rejected), rel
        assert loaded + rejected == records_in, rel
        assert rejected > 0, rel


def test_row_numbers_stay_with_their_rows_after_a_malformed_csv_line(landing, con):
    # Regression: valid CSV rows are numbered with row_number() over the rows DuckDB kept, while
    # malformed lines get DuckDB's file line number (header = line 1): rows after a malformed
    # line shift down by one and can collide with the malformed line's number.
    good = [["m1", "c1", "k1", "2026-11-27T09:15:00Z", "1"], ["m2", "c1", "k2", "2026-11-27T09:15:00Z", "1"],
            ["m3", "c1", "k3", "2026-11-27T09:15:00Z", "1"], ["m4", "c1", "k4", "2026-11-27T09:15:00Z", "1"]]
    write_text(landing, "messages", "clean.csv", csv_text(MSG_H, good), dt="dt=2026-11-26")
    broken = csv_text(MSG_H, good).replace("m2,c1,k2,2026-11-27T09:15:00Z,1", "m2,c1,k2,2026-11-27T09:15:00Z,1,X")
    write_text(landing, "messages", "broken.csv", broken, dt="dt=2026-11-27")
    load(con, landing, "messages")

    def numbers(source_suffix):
        kept = {r["message_id"]: r["_row_number"] for r in raw_rows(con, "messages")
                if r["_source_file"].endswith(source_suffix)}
        dropped = {r["row_number"] for r in rejected_rows(con) if r["source_file"].endswith(source_suffix)}
        return kept, dropped

    clean_kept, _ = numbers("clean.csv")
    broken_kept, broken_dropped = numbers("broken.csv")
    assert clean_kept == {"m1": 1, "m2": 2, "m3": 3, "m4": 4}
    assert broken_kept == {"m1": 1, "m3": 3, "m4": 4}
    assert broken_dropped == {2}


@pytest.mark.parametrize(("line", "problem"), [
    ("m2,c1,k2,2026-11-27T09:15:00Z,1,SURPLUS,MORE", "too many columns"),
    ("m2,c1", "missing columns"),
], ids=["two-extra-fields", "three-missing-fields"])
def test_a_malformed_csv_line_is_one_rejected_row(landing, con, line, problem):
    # Regression: DuckDB's reject_errors has one entry per surplus/missing field of the line, and the
    # reader turns each into a rejected row: the line is rejected 2 or 3 times (rows_rejected too).
    write_text(landing, "messages", "m.csv",
               csv_text(MSG_H, [MSG_OK1]) + line + "\n" + "m3,c1,k3,2026-11-27T09:15:00Z,\n")
    outcome = _only_outcome(load(con, landing, "messages"), "messages")
    assert (outcome.rows_loaded, outcome.rows_rejected) == (2, 1)
    [rejected] = rejected_rows(con)
    assert problem in rejected["reason"].lower()
    assert rejected["original_row"] == line


def test_large_csv_keeps_file_order_in_row_numbers(landing, con):
    rows = [[str(i), "c1", f"k{i}", "2026-11-27T09:15:00Z", ""] for i in range(1, 120_001)]
    write_csv(landing, "messages", "big.csv", MSG_H, rows)
    load(con, landing, "messages")
    assert raw_count(con, "messages") == 120_000
    assert query(con, "select count(*) as n from raw.messages where cast(message_id as bigint) <> _row_number") == [
        {"n": 0}]


def test_non_integer_segments_are_rejected(landing, con):
    # Regression: try_cast('3.7' as integer) rounds to 4 in DuckDB, so a non-integer count is silently accepted.
    write_csv(landing, "messages", "m.csv", MSG_H, [["m1", "c1", "k1", "2026-11-27T09:15:00Z", "3.7"]])
    load(con, landing, "messages")
    assert raw_rows(con, "messages") == []
    assert [r["reason"] for r in rejected_rows(con)] == ["unparseable number: segments"]


@pytest.mark.parametrize("value", ["infinity", "-infinity", "epoch"])
def test_special_timestamp_words_are_not_timestamps(landing, con, value):
    # Regression: DuckDB's cast accepts 'infinity' / 'epoch' and stores 9999-12-31 / 1970-01-01 as sent_at.
    write_csv(landing, "messages", "m.csv", MSG_H, [["m1", "c1", "k1", value, "1"]])
    load(con, landing, "messages")
    assert raw_rows(con, "messages") == []
    assert [r["reason"] for r in rejected_rows(con)] == ["unparseable timestamp: sent_at"]


# ================================================================ files that cannot be loaded

def _truncated_gzip(text: str) -> bytes:
    data = gzip.compress(text.encode())
    return data[: len(data) // 2]


def _failure_landing(landing):
    big_csv = csv_text(MSG_H, [[f"m{i}", "c1", "k", "2026-11-27T09:15:00Z", "1"] for i in range(5000)])
    paths = {
        "corrupt_gz": write_bytes(landing, "messages", "a_corrupt.csv.gz", _truncated_gzip(big_csv)),
        "not_gzip": write_bytes(landing, "messages", "b_plain_text.csv.gz", big_csv.encode()[:200]),
        "garbage_parquet": write_bytes(landing, "messages", "c_garbage.parquet", b"PAR1 this is not parquet"),
        "missing_column": write_csv(landing, "messages", "d_missing.csv", ["message_id", "Campaign_ID", "contact_id"],
                                    [["m1", "c1", "k1"]]),
        "truncated_ndjson": write_bytes(landing, "messages", "e_truncated.ndjson.gz", _truncated_gzip(
            "".join(json.dumps({"message_id": f"n{i}"}) + "\n" for i in range(5000)))),
        "good": write_csv(landing, "messages", "f_good.csv", MSG_H, [MSG_OK1, MSG_OK3]),
        "missing_key_jsonl": write_text(landing, "receipts", "r.jsonl",
                                        '{"message_id": "m1", "provider": "twilio", "event_at": "2026-11-27"}\n'),
    }
    return paths


def test_unreadable_files_are_recorded_as_failed_and_the_rest_loads(landing, con):
    paths = _failure_landing(landing)
    summaries = load(con, landing, "messages", "receipts")
    statuses = {f.path: f.status for s in summaries.values() for f in s.files}
    assert statuses == {relative(landing, p): ("loaded" if k == "good" else "failed") for k, p in paths.items()}

    log = {r["path"]: r for r in load_log(con)}
    for key, path in paths.items():
        row = log[relative(landing, path)]
        if key == "good":
            assert (row["status"], row["rows_loaded"], row["is_current"]) == ("loaded", 2, True)
            continue
        assert row["status"] == "failed", key
        assert row["is_current"] is False, key
        assert (row["rows_loaded"], row["rows_rejected"]) == (0, 0), key
        assert relative(landing, path) in row["error"], key
    assert "sent_at" in log[relative(landing, paths["missing_column"])]["error"]
    assert "campaign_id" not in log[relative(landing, paths["missing_column"])]["error"]  # matched case-insensitively
    assert "status" in log[relative(landing, paths["missing_key_jsonl"])]["error"]

    # nothing of a failed file reaches raw
    assert {r["_source_file"] for r in raw_rows(con, "messages")} == {relative(landing, paths["good"])}
    assert raw_count(con, "receipts") == 0
    assert rejected_rows(con) == []
    assert sorted(f.path for s in summaries.values() for f in s.failures) == sorted(
        relative(landing, p) for k, p in paths.items() if k != "good")


def test_rerunning_does_not_duplicate_failed_log_rows(tmp_path, landing):
    _failure_landing(landing)
    for _ in range(3):  # each run on a fresh connection, like a nightly run
        con = open_warehouse(tmp_path)
        try:
            summaries = load(con, landing, "messages", "receipts")
            log = load_log(con)
        finally:
            con.close()
    assert sum(1 for r in log if r["status"] == "failed") == 6
    assert sum(1 for r in log if r["status"] == "loaded") == 1
    assert len({r["path"] for r in log}) == len(log)
    # failed files are retried every run (and fail again); the good one is skipped
    assert sorted(f.status for s in summaries.values() for f in s.files) == ["failed"] * 6 + ["skipped"]


def test_a_failed_file_is_logged_once_however_the_landing_folder_is_spelled(tmp_path, landing, con, monkeypatch):
    # Regression: a failure is de-duplicated on (path, content_hash, error) and DuckDB's error text holds the
    # absolute file path as passed in, so `--landing data/landing` after `--landing /abs/data/landing`
    # (or a moved/remounted landing folder) logs the same failure again.
    write_bytes(landing, "messages", "bad.parquet", b"not parquet")
    write_bytes(landing, "messages", "bad.csv.gz", _truncated_gzip("message_id\n" + "m\n" * 9000))
    load(con, landing, "messages")
    monkeypatch.chdir(tmp_path)
    load(con, landing.relative_to(tmp_path), "messages")
    load(con, tmp_path / "." / "landing", "messages")
    assert [r["status"] for r in load_log(con)] == ["failed", "failed"]


def test_a_repaired_file_loads_and_keeps_its_failure_in_the_log(landing, con):
    path = write_bytes(landing, "clicks", "k.csv.gz", _truncated_gzip("message_id,clicked_at\n" + "m,x\n" * 9000))
    load(con, landing, "clicks")
    write_text(landing, "clicks", "k.csv.gz", "message_id,clicked_at\nm1,2026-11-27T09:15:00Z\n")
    load(con, landing, "clicks")
    log = load_log(con, "clicks")
    assert [(r["status"], r["is_current"]) for r in log] == [("failed", False), ("loaded", True)]
    assert {r["path"] for r in log} == {relative(landing, path)}
    assert [r["message_id"] for r in raw_rows(con, "clicks")] == ["m1"]


def test_a_loaded_file_that_turns_unreadable_keeps_its_last_good_version(landing, con):
    path = write_text(landing, "clicks", "k.csv", "message_id,clicked_at\nm1,2026-11-27T09:15:00Z\n")
    load(con, landing, "clicks")
    write_text(landing, "clicks", "k.csv", "message_id,url\nm1,https://x.test\n")
    load(con, landing, "clicks")
    load(con, landing, "clicks")
    log = load_log(con, "clicks")
    assert [(r["status"], r["is_current"]) for r in log] == [("loaded", True), ("failed", False)]
    assert relative(landing, path) in log[1]["error"] and "clicked_at" in log[1]["error"]
    assert [r["message_id"] for r in raw_rows(con, "clicks")] == ["m1"]


@pytest.mark.parametrize(("name", "text"), [
    ("header_only.csv", "message_id,clicked_at\n"),
    ("empty.log", ""),
    ("empty.jsonl", ""),
    ("blank_lines.ndjson", "\n\n  \n"),
])
def test_a_file_without_records_loads_zero_rows(landing, con, name, text):
    # Regression (jsonl/ndjson): an empty JSON-lines file has no keys, so validate() raises
    # MissingColumnError and the file is recorded as failed ("missing required column(s) ...").
    entity = "smpp_receipts" if name.endswith(".log") else "clicks"
    write_text(landing, entity, name, text)
    outcome = _only_outcome(load(con, landing, entity), entity)
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected, outcome.error) == ("loaded", 0, 0, None)


def test_a_jsonl_file_of_only_bad_lines_keeps_them_as_rejected_rows(landing, con):
    # Regression: with no valid object the file has no columns -> "missing required column(s)" failure,
    # and the invalid lines never reach raw.rejected_rows.
    path = write_text(landing, "clicks", "k.jsonl", '{"message_id": \n[1, 2]\n')
    outcome = _only_outcome(load(con, landing, "clicks"), "clicks")
    assert (outcome.status, outcome.rows_loaded, outcome.rows_rejected) == ("loaded", 0, 2)
    assert [(r["source_file"], r["row_number"]) for r in rejected_rows(con)] == [
        (relative(landing, path), 1), (relative(landing, path), 2)]


def test_apostrophes_in_csv_values_are_text_not_quotes(landing, con):
    # Regression (found by the fuzz tests): with two apostrophes on a data line DuckDB's dialect
    # sniffer took ' as the quote character, so the file failed or 'x' loaded as x.
    text = ("message_id,campaign_id,contact_id,sent_at,body\n"
            "m1,c1,k1,2026-11-27T09:15:00Z,It's Bob's day\n"
            "m2,c1,k2,2026-11-27T09:15:00Z,'quoted'\n")
    write_text(landing, "messages", "apostrophes.csv", text)
    load(con, landing, "messages")
    assert [(r["message_id"], r["body"]) for r in raw_rows(con, "messages")] == [
        ("m1", "It's Bob's day"), ("m2", "'quoted'")]


def test_an_impossible_utc_offset_is_a_rejected_row(landing, con):
    # Regression (found by the fuzz tests): DuckDB reads +25:00 as an offset of a day and an hour.
    text = ("message_id,clicked_at\n"
            "m1,2026-11-27T09:15:00+25:00\n"
            "m2,2026-11-27T09:15:00+14:00\n")
    write_text(landing, "clicks", "offsets.csv", text)
    load(con, landing, "clicks")
    assert [(r["message_id"], r["clicked_at"]) for r in raw_rows(con, "clicks")] == [
        ("m2", utc(2026, 11, 26, 19, 15))]
    assert [r["reason"] for r in rejected_rows(con)] == ["unparseable timestamp: clicked_at"]
