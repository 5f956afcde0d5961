"""Set-based loading (docs/RULES.md, Loading guarantees): new files are read, validated and written in batches.

A batch gives exactly what loading its files one by one gives (load_log, rejected rows with their row
numbers and reasons, every raw row), whatever the mix of formats and header layouts; CSV files of the
same header line are read in one scan, and when that scan fails its files are read one by one, so one
bad file never keeps the others out. A kill inside a batch's transaction is tests/test_loader_kill.py.
"""

from __future__ import annotations

import gzip

import duckdb
import pyarrow as pa
from ingestion_helpers import (
    MESSAGE_COLUMNS,
    csv_text,
    load_log,
    open_warehouse,
    raw_rows,
    rejected_rows,
    relative,
    write_bytes,
    write_jsonl,
    write_parquet,
    write_text,
)

import orchestration.ingestion.loader as loader
import orchestration.ingestion.validate as validate
from orchestration.ingestion.loader import load_entity, read_and_validate

HEADER = ",".join(MESSAGE_COLUMNS)
SENT = "2026-11-27T09:15:00Z"


def _messages(prefix: str, count: int, bad_every: int = 0) -> str:
    """A messages CSV of `count` rows; with `bad_every`, every n-th row has an unparseable sent_at."""
    lines = [HEADER]
    for i in range(1, count + 1):
        sent = "yesterday" if bad_every and i % bad_every == 0 else SENT
        lines.append(f"{prefix}{i},c1,k{i},{sent},Hi {i},1,twilio,SM{prefix}{i}")
    return "\n".join(lines) + "\n"


def _mixed_landing(landing) -> None:
    """Messages files of every kind a batch must take: same-header CSV groups (plain and gzip), other
    column orders, an extra and a duplicate column, a missing optional column, a record DuckDB cannot
    split, a header-only file, JSON Lines, Parquet of text columns (one scan) and of other types (alone), a
    file lacking a required column, an unreadable one."""
    write_text(landing, "messages", "a.csv", _messages("a", 30, bad_every=7))
    write_text(landing, "messages", "b.csv", _messages("b", 5))
    # An unsplittable record (too many fields) in the middle: later rows keep their own numbers.
    write_text(landing, "messages", "c.csv", _messages("c", 3) + "c9,c1,k9,x,y,1,twilio,SM,extra,more\n"
               + f"c4,c1,k4,{SENT},Hi,1,twilio,SMc4\n")
    write_text(landing, "messages", "d.csv.gz", _messages("d", 12, bad_every=5))
    write_text(landing, "messages", "e.csv.gz", _messages("e", 4))
    write_text(landing, "messages", "f_reordered.csv", csv_text(
        ["sent_at", "message_id", "contact_id", "campaign_id"], [[SENT, "f1", "k1", "c1"], ["", "f2", "k2", "c1"]]))
    write_text(landing, "messages", "g_extra_and_duplicate.csv", csv_text(
        ["message_id", "campaign_id", "contact_id", "sent_at", "region", "message_id"],
        [["g1", "c1", "k1", SENT, "eu", "dup"], ["g2", "c1", "k2", "2026-13-01", "us", ""]]))
    write_text(landing, "messages", "h_header_only.csv", HEADER + "\n")
    write_text(landing, "messages", "i_no_sent_at.csv", csv_text(["message_id", "campaign_id", "contact_id"],
                                                                 [["i1", "c1", "k1"]]))
    write_bytes(landing, "messages", "j_not_gzip.csv.gz", b"message_id,campaign_id\nthis is not gzip\n")
    write_jsonl(landing, "messages", "k.jsonl", [
        {"message_id": "k1", "campaign_id": "c1", "contact_id": "k1", "sent_at": SENT, "segments": "2"},
        {"message_id": "k2", "campaign_id": "c1", "contact_id": "k2", "sent_at": SENT, "segments": "2.5"}])
    write_parquet(landing, "messages", "l.parquet", pa.table({
        "message_id": ["l1", "l2"], "campaign_id": ["c1", None], "contact_id": ["k1", "k2"], "sent_at": [SENT, SENT]}))
    write_text(landing, "messages", "m.csv", _messages("m", 6, bad_every=2).replace("\n", "\r\n"))
    write_parquet(landing, "messages", "l2.parquet", pa.table({
        "message_id": ["n1", "n2", "n3"], "campaign_id": ["c1", "c1", "c1"], "contact_id": ["k1", "k2", "k3"],
        "sent_at": [SENT, "soon", SENT]}))
    write_parquet(landing, "messages", "l3_typed.parquet", pa.table({
        "message_id": ["o1", "o2"], "campaign_id": ["c1", "c1"], "contact_id": ["k1", "k2"], "sent_at": [SENT, SENT],
        "segments": pa.array([2, None], pa.int64())}))


def _contents(con) -> dict:
    """Everything loading wrote, without the load times."""
    times = {"loaded_at", "_loaded_at", "rejected_at"}
    return {
        "load_log": [{k: v for k, v in r.items() if k not in times} for r in load_log(con)],
        "rejected_rows": [{k: v for k, v in r.items() if k not in times} for r in rejected_rows(con)],
        "messages": [{k: v for k, v in r.items() if k not in times} for r in raw_rows(con, "messages")],
    }


def test_a_batch_loads_exactly_what_file_by_file_loading_loads(tmp_path, landing):
    _mixed_landing(landing)
    batched = open_warehouse(tmp_path / "batched")
    one_by_one = open_warehouse(tmp_path / "one_by_one")
    try:
        summary = load_entity(batched, landing, "messages")
        load_entity(one_by_one, landing, "messages", batch_files=1)
        got = _contents(batched)
        assert got == _contents(one_by_one)
    finally:
        batched.close()
        one_by_one.close()

    by_file = {outcome.path.rsplit("/", 1)[1]: outcome for outcome in summary.files}
    assert {name for name, o in by_file.items() if o.status == "failed"} == {"i_no_sent_at.csv", "j_not_gzip.csv.gz"}
    assert "missing required column(s) sent_at" in by_file["i_no_sent_at.csv"].error
    # Hand-counted: valid and rejected rows of each file.
    assert {name: (o.rows_loaded, o.rows_rejected) for name, o in by_file.items() if o.status == "loaded"} == {
        "a.csv": (26, 4), "b.csv": (5, 0), "c.csv": (4, 1), "d.csv.gz": (10, 2), "e.csv.gz": (4, 0),
        "f_reordered.csv": (1, 1), "g_extra_and_duplicate.csv": (1, 1), "h_header_only.csv": (0, 0),
        "k.jsonl": (1, 1), "l.parquet": (1, 1), "m.csv": (3, 3), "l2.parquet": (2, 1), "l3_typed.parquet": (2, 0)}
    assert {(r["message_id"], r["_row_number"], r["segments"]) for r in got["messages"] if r["message_id"] > "n"} == {
        ("n1", 1, None), ("n3", 3, None), ("o1", 1, 2), ("o2", 2, None)}
    rejected = {(r["source_file"].rsplit("/", 1)[1], r["row_number"]) for r in got["rejected_rows"]}
    assert {n for f, n in rejected if f == "a.csv"} == {7, 14, 21, 28}
    assert {n for f, n in rejected if f == "c.csv"} == {4}
    assert {n for f, n in rejected if f == "m.csv"} == {2, 4, 6}
    rows = {(r["message_id"], r["_row_number"]) for r in got["messages"] if r["_source_file"].endswith("c.csv")}
    assert rows == {("c1", 1), ("c2", 2), ("c3", 3), ("c4", 5)}
    extra = [r["_extra"] for r in got["messages"] if r["message_id"] == "g1"]
    assert extra == ['{"region":"eu","message_id_1":"dup"}']  # a repeated name is kept, renamed
    # One load id per file version, shared by its rows and its rejected rows.
    ids = {r["path"]: r["load_id"] for r in got["load_log"]}
    assert all(ids[r["_source_file"]] == r["_load_id"] for r in got["messages"])
    assert all(ids[r["source_file"]] == r["load_id"] for r in got["rejected_rows"])


def test_a_csv_group_whose_scan_fails_is_read_file_by_file(landing, con, monkeypatch):
    """One truncated gzip among files of the same header line: the others load, it alone fails."""
    good = [write_text(landing, "messages", f"{name}.csv.gz", _messages(name, 50)) for name in ("p", "r")]
    data = gzip.compress(_messages("q", 5000).encode())
    bad = write_bytes(landing, "messages", "q.csv.gz", data[: len(data) // 2])
    scans = []
    real = loader.read_csv_files
    monkeypatch.setattr(loader, "read_csv_files", lambda c, files: scans.append(len(files)) or real(c, files))

    summary = load_entity(con, landing, "messages")
    assert scans == [3]  # one scan for the three files, which failed; then each file alone
    outcomes = {o.path: o for o in summary.files}
    assert [(outcomes[relative(landing, p)].status, outcomes[relative(landing, p)].rows_loaded) for p in good] == [
        ("loaded", 50), ("loaded", 50)]
    assert outcomes[relative(landing, bad)].status == "failed"
    assert relative(landing, bad) in outcomes[relative(landing, bad)].error
    assert {r["_source_file"] for r in raw_rows(con, "messages")} == {relative(landing, p) for p in good}
    assert [(r["path"], r["status"]) for r in load_log(con, "messages")] == sorted(
        [(relative(landing, p), "loaded") for p in good] + [(relative(landing, bad), "failed")])
    # The failure is retried (not re-recorded) by the next run; the loaded files are not touched.
    again = load_entity(con, landing, "messages")
    assert sorted(o.status for o in again.files) == ["failed", "skipped", "skipped"]
    assert len(load_log(con, "messages")) == 3


def test_phone_numbers_are_parsed_once_per_distinct_number_and_region_of_a_batch(landing, con, monkeypatch):
    header = ["contact_id", "account_id", "phone_number"]
    write_text(landing, "accounts", "a.csv", "account_id,default_region\nus,US\ngb,\n")
    for n in range(3):  # the same two numbers in three files, for two accounts
        write_text(landing, "contacts", f"c{n}.csv", csv_text(header, [
            [f"k{n}1", "us", "(650) 253-0000"], [f"k{n}2", "gb", "020 7946 0000"], [f"k{n}3", "us", "020 7946 0000"]]))
    calls = []
    real = validate.normalise
    monkeypatch.setattr(validate, "normalise", lambda p, r: calls.append((p, r)) or real(p, r))
    load_entity(con, landing, "accounts")
    summary = load_entity(con, landing, "contacts")
    assert [(o.status, o.rows_loaded, o.rows_rejected) for o in summary.files] == [("loaded", 2, 1)] * 3
    assert sorted(calls) == [("(650) 253-0000", "US"), ("020 7946 0000", "GB"), ("020 7946 0000", "US")]
    assert {r["phone_number"] for r in raw_rows(con, "contacts")} == {"+16502530000", "+442079460000"}


def test_read_and_validate_needs_no_warehouse(landing):
    """The reading and checking half runs on any DuckDB connection (e.g. in a Spark executor): no raw table."""
    write_text(landing, "contacts", "c.csv", csv_text(["contact_id", "account_id", "phone_number"], [
        ["k1", "us", "(650) 253-0000"], ["k2", "gb", "020 7946 0000"], ["k3", "us", "not a number"]]))
    write_text(landing, "contacts", "d.csv", "contact_id\nk4\n")
    files = sorted((relative(landing, p), p) for p in landing.glob("contacts/*/*.csv"))
    con = duckdb.connect()  # in memory, no raw schema
    con.execute("set TimeZone = 'UTC'")
    validated = read_and_validate(con, "contacts", files, {"us": "US"})
    assert con.execute("select count(*) from duckdb_tables() where schema_name = 'raw'").fetchone()[0] == 0
    c_csv, d_csv = (relative for relative, _ in files)
    assert validated.counts == {c_csv: (2, 1)}
    assert validated.errors == {d_csv: f"{d_csv}: missing required column(s) account_id, phone_number"}
    assert con.execute("select _source_file, _row_number, phone_number, country_code from valid_rows "
                       "order by 2").fetchall() == [(c_csv, 1, "+16502530000", "US"), (c_csv, 2, "+442079460000", "GB")]
    assert con.execute("select _source_file, _row_number, _reason, _original from invalid_rows").fetchall() == [
        (c_csv, 3, "invalid phone number: phone_number",
         '{"contact_id":"k3","account_id":"us","phone_number":"not a number"}')]
