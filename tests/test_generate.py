"""Tests of the synthetic landing-data generator (`mmsreport generate`)."""

from __future__ import annotations

import collections
import datetime as dt
import json
import re
from pathlib import Path

import phonenumbers
import pytest

from orchestration.generate import generate, runner
from orchestration.generate.layout import COLUMNS, ENTITIES, REQUIRED
from orchestration.generate.readback import entity_files, read_entity, read_file
from orchestration.generate.texts import segments
from orchestration.generate.vocab import RECEIPT_VOCAB

START = dt.date(2026, 11, 1)
EXTENSIONS = ("csv", "csv.gz", "jsonl", "ndjson.gz", "parquet", "log", "log.gz", "txt")


def files_of(root: Path, entity: str) -> list[Path]:
    return entity_files(root, entity)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def parse_ts(value: str | None) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return t.astimezone(dt.UTC) if t.tzinfo else t.replace(tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing")
    return out, generate(out)


@pytest.fixture(scope="module")
def data(landing) -> dict[str, list[dict]]:
    return {e: read_entity(landing[0], e) for e in ENTITIES}


def test_same_seed_gives_identical_bytes_and_other_seed_differs(landing, tmp_path):
    root, _ = landing
    generate(tmp_path / "again")
    assert tree_bytes(tmp_path / "again") == tree_bytes(root)
    generate(tmp_path / "other", seed=7)
    assert tree_bytes(tmp_path / "other") != tree_bytes(root)


def test_output_does_not_depend_on_threads_or_batching(landing, tmp_path, monkeypatch):
    root, _ = landing
    monkeypatch.setattr(runner, "CHUNK_MESSAGES", 1)  # one day per batch
    generate(tmp_path / "one_thread", threads=1)
    assert tree_bytes(tmp_path / "one_thread") == tree_bytes(root)


def test_refuses_to_mix_with_existing_data_unless_overwrite(landing, tmp_path):
    generate(tmp_path, messages=200, days=2)
    with pytest.raises(FileExistsError):
        generate(tmp_path, messages=200, days=2)
    generate(tmp_path, messages=200, days=2, overwrite=True)


def test_entity_folders_hold_daily_dt_folders(landing):
    root, summary = landing
    days = {f"dt={START + dt.timedelta(days=i)}" for i in range(7)}
    for entity in ENTITIES:
        folders = {p.name for p in (root / entity).iterdir()}
        assert folders and folders <= days, entity
        for path in files_of(root, entity):
            assert path.parent.parent.name == entity
            assert path.name.startswith(f"{entity}_"), path
            assert path.name.split(".", 1)[1] in EXTENSIONS, path
    for entity in ("messages", "receipts", "clicks"):
        assert len(list((root / entity).iterdir())) >= 6, entity
    assert {p.parent.name for p in files_of(root, "accounts")} > {f"dt={START}"}
    assert summary["files_written"] == sum(len(files_of(root, e)) for e in ENTITIES)


def test_required_columns_present_in_every_file(landing):
    root, _ = landing
    for entity, required in REQUIRED.items():
        for path in files_of(root, entity):
            rows = read_file(path)
            assert rows, path
            columns = set(rows[0])
            assert set(COLUMNS[entity]) <= columns, path
            for column in required:
                assert any(c in columns for c in column.split("|")), (path, column)


def test_mix_of_formats(landing):
    root, summary = landing
    exts = {e: {p.name.split(".", 1)[1] for p in files_of(root, e)} for e in ENTITIES}
    assert set().union(*exts.values()) == set(EXTENSIONS)
    for entity in ("messages", "receipts", "clicks", "contacts", "campaigns"):
        assert len(exts[entity]) >= 3, entity
    assert {"log", "log.gz"} <= exts["smpp_receipts"]
    assert summary["formats"]["receipts"] == collections.Counter(
        p.name.split(".", 1)[1] for p in files_of(root, "receipts"))


def test_summary_row_counts_match_files(landing, data):
    _, summary = landing
    assert summary["rows"] == {e: len(rows) for e, rows in data.items()}
    assert 4500 <= len({m["message_id"] for m in data["messages"]}) <= 5500


def test_bad_rows_are_present_few_and_counted(landing, data):
    _, summary = landing
    bad = summary["bad_rows"]
    assert set(bad) == {"campaigns", "contacts", "messages", "receipts", "smpp_receipts",
                        "clicks", "orders", "unsubscribes"}
    assert 0 < summary["bad_rows_total"] < 0.01 * sum(summary["rows"].values())
    msgs = data["messages"]
    assert sum(m["contact_id"] is None for m in msgs) == bad["messages"]["missing_required"]
    assert sum(m["segments"] == "two" for m in msgs) == bad["messages"]["unparseable_number"]
    unparseable = sum(parse_ts(m["sent_at"]) is None for m in msgs)
    assert unparseable == bad["messages"]["unparseable_timestamp"]
    revenue = [o["revenue"] for o in data["orders"]]
    assert sum(r.startswith("-") for r in revenue) == bad["orders"]["negative_revenue"]
    types = collections.Counter(c["message_type"].upper() for c in data["campaigns"])
    assert types["RCS"] == bad["campaigns"]["unknown_message_type"]
    assert set(types) == {"SMS", "MMS", "RCS"}


def test_timestamps_are_iso_with_mixed_offsets(data):
    stamps = [m["sent_at"] for m in data["messages"]]
    shapes = collections.Counter(re.sub(r"\d", "9", s) for s in stamps)
    assert shapes["9999-99-99T99:99:99Z"] > 0.7 * len(stamps)
    assert shapes["9999-99-99T99:99:99+99:99"] > 0
    assert shapes["9999-99-99T99:99:99"] + shapes["9999-99-99 99:99:99"] > 0
    assert sum(parse_ts(s) is None for s in stamps) < 0.01 * len(stamps)
    local = [s for s in stamps if s.endswith("+01:00")]
    assert all(parse_ts(s).hour == (int(s[11:13]) - 1) % 24 for s in local)


def test_accounts_cover_configuration_variants(data):
    latest = {a["account_id"]: a for a in data["accounts"]}
    assert 3 <= len(latest) <= 5
    assert any(a["currency"] == "EUR" and a["default_region"] in ("DE", "FR")
               for a in latest.values())
    assert any(a["hard_bounce_suppression"] in ("false", "no", "0") for a in latest.values())
    assert any(a["attribution_window_hours"] for a in latest.values())
    assert any(a["currency"] is None for a in latest.values())  # defaults apply
    assert len(data["accounts"]) > len(latest)  # an updated version arrives later


def test_contact_phone_numbers_are_valid_national_or_e164(landing, data):
    _, summary = landing
    region = {a["account_id"]: a["default_region"] or "GB" for a in data["accounts"]}
    invalid, national = 0, 0
    contacts = [c for c in data["contacts"] if c["account_id"]]
    for c in contacts:
        number = c["phone_number"]
        national += not number.startswith(("+", "00"))
        try:
            ok = phonenumbers.is_valid_number(phonenumbers.parse(number, region[c["account_id"]]))
        except phonenumbers.NumberParseException:
            ok = False
        invalid += not ok
    assert invalid == summary["bad_rows"]["contacts"]["invalid_phone"]
    assert national > 0.5 * len(contacts)
    ids = [c["contact_id"] for c in data["contacts"]]
    assert any(i.startswith("0") and i.isdigit() for i in ids)


def test_send_log_shape(data):
    msgs = [m for m in data["messages"] if m["contact_id"] and parse_ts(m["sent_at"])]
    by_provider = collections.defaultdict(list)
    for m in msgs:
        by_provider[m["provider"]].append(m["provider_message_id"])
    assert set(by_provider) == {"twilio", "vonage", "sinch", "smpp", "mm7"}
    for provider, ids in by_provider.items():
        assert all(ids), provider
        assert len(set(ids)) == len({m["message_id"] for m in msgs if m["provider"] == provider})
    blank = sum(m["segments"] is None for m in msgs)
    assert 0.2 * len(msgs) < blank < 0.5 * len(msgs)
    per_contact = collections.Counter((m["campaign_id"], m["contact_id"]) for m in msgs)
    assert any(n > 1 for n in per_contact.values())
    campaigns = {c["campaign_id"] for c in data["campaigns"] if c["message_type"] != "RCS"}
    assert campaigns - {m["campaign_id"] for m in msgs}  # some campaigns have no messages


def test_given_segments_follow_the_spec_rule(data):
    campaigns = {c["campaign_id"]: c for c in data["campaigns"]}
    checked = 0
    for m in data["messages"]:
        if m["segments"] in (None, "two"):
            continue
        camp = campaigns[m["campaign_id"]]
        body = m["body"] or camp["body"]
        assert int(m["segments"]) == segments(body, camp["message_type"].upper() == "MMS")
        checked += 1
    assert checked > 1000
    sms_segments = {segments(c["body"]) for c in campaigns.values() if c["media_url"] is None}
    assert len(sms_segments) >= 2


def test_receipts_use_provider_vocabularies(data):
    known = {(p, s.lower()) for p, kinds in RECEIPT_VOCAB.items()
             for kind, choices in kinds.items() if kind != "unknown" for s, _, _ in choices}
    statuses = collections.Counter((r["provider"], (r["status"] or "").lower())
                                   for r in data["receipts"])
    unknown = {k for k in statuses if k not in known and k[1]}
    assert unknown and sum(statuses[k] for k in unknown) < 0.01 * len(data["receipts"])
    assert {p for p, _ in statuses} == {"twilio", "vonage", "sinch", "mm7"}
    by_id = sum(r["message_id"] is not None for r in data["receipts"])
    by_pmid = sum(r["message_id"] is None for r in data["receipts"])
    assert by_id > 0.3 * len(data["receipts"]) and by_pmid > 0.2 * len(data["receipts"])
    twilio_codes = {r["error_code"] for r in data["receipts"] if r["provider"] == "twilio"}
    assert {"30003", "30005", "21610"} <= twilio_codes


def test_receipt_realism(landing, data):
    _, summary = landing
    receipts = data["receipts"]
    n_msgs = summary["messages_generated"]
    assert 2.0 * n_msgs < len(receipts) + len(data["smpp_receipts"]) < 3.0 * n_msgs
    keys = collections.Counter(tuple(sorted((k, str(v)) for k, v in r.items()))
                               for r in receipts)
    assert any(n > 1 for n in keys.values())  # exact duplicates
    late = [r for r in receipts if parse_ts(r["event_at"]) and parse_ts(r["received_at"])
            and parse_ts(r["received_at"]) - parse_ts(r["event_at"]) > dt.timedelta(days=1)]
    assert late
    assert summary["orphan_receipts"] > 0
    delivered = sum((r["status"] or "").lower() in ("delivered", "read", "retrieved")
                    for r in receipts)
    assert delivered > 0.3 * len(receipts)


def test_smpp_receipt_lines_vary_like_real_smscs(data):
    lines = [r["line"] for r in data["smpp_receipts"]]
    assert all(re.search(r"(?i)\bid:\S+", line) for line in lines)
    assert any(line.startswith("id:") for line in lines)
    assert any("SUBMIT DATE:" in line for line in lines)
    assert any(line.lower().startswith("stat:") for line in lines)
    assert any(re.search(r"(?i)done date:\d{12}\b", line) for line in lines)
    assert any(re.search(r"(?i)done date:\d{14}\b", line) for line in lines)
    assert any("text:" not in line.lower() for line in lines)
    assert any("  " in line for line in lines)
    assert any(re.search(r"(?i)err:\S+ (mcc|nwk):", line) for line in lines)
    stats = {m.lower() for line in lines for m in re.findall(r"(?i)stat:(\w+)", line)}
    assert {"delivrd", "enroute", "undeliv"} <= stats


def test_clicks_orders_unsubscribes(landing, data):
    _, summary = landing
    n_msgs = summary["messages_generated"]
    clicks = data["clicks"]
    assert 0.03 * n_msgs < len(clicks) < 0.12 * n_msgs
    assert any(c["click_id"] is None for c in clicks)
    per_msg = collections.Counter(c["message_id"] for c in clicks)
    assert any(n > 1 for n in per_msg.values())
    orders = data["orders"]
    assert any(o["contact_id"] is None and o["phone_number"] for o in orders)
    assert any(o["status"] != "completed" for o in orders)
    versions = collections.Counter(o["order_id"] for o in orders)
    assert any(n > 1 for n in versions.values())
    valid = [o for o in orders if re.fullmatch(r"\d+\.\d\d", o["revenue"] or "")]
    assert len(valid) > 0.8 * len(orders)
    unsubs = data["unsubscribes"]
    assert any(u["keyword"] == "STOP" for u in unsubs)
    assert any(u["contact_id"] for u in unsubs)


def test_volumes_scale_with_messages(tmp_path):
    lines = []
    small = generate(tmp_path / "small", messages=2000, progress=lines.append)
    assert len(lines) == 7 and lines[0].startswith("2026-11-01:")
    large = generate(tmp_path / "large", messages=8000)
    for entity, low, high in (("messages", 3.6, 4.4), ("receipts", 3.0, 5.0),
                              ("clicks", 2.5, 6.0)):
        ratio = large["rows"][entity] / small["rows"][entity]
        assert low < ratio < high, (entity, ratio)
    assert large["rows"]["contacts"] > small["rows"]["contacts"]


def _range_carriers(data) -> dict[str, tuple[str, str | None]]:
    """contact_id -> (region, original range carrier) by phonenumbers, for valid numbers."""
    from phonenumbers import carrier

    region = {a["account_id"]: a["default_region"] or "GB" for a in data["accounts"]}
    out = {}
    for c in data["contacts"]:
        try:
            n = phonenumbers.parse(c["phone_number"], region.get(c["account_id"], "GB"))
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(n):
            out[c["contact_id"]] = (phonenumbers.region_code_for_number(n),
                                    carrier.name_for_number(n, "en") or None)
    return out


def test_contacts_span_several_real_carriers(data):
    carriers = _range_carriers(data)
    by_region = collections.defaultdict(collections.Counter)
    for region, name in carriers.values():
        by_region[region][name] += 1
    assert {"GB", "DE", "FR", "IE"} <= set(by_region)
    assert {"O2", "EE", "Three", "Vodafone"} <= set(by_region["GB"])
    for region in ("GB", "DE", "FR"):
        assert len([n for n in by_region[region] if n]) >= 4, by_region[region]


def test_incident_days_are_in_the_middle_of_the_period():
    from orchestration.generate.incident import incident_days

    assert list(incident_days(7)) == [3, 4, 5]
    assert list(incident_days(3)) == [1, 2]
    assert list(incident_days(2)) == []
    assert list(incident_days(30)) == [15, 16, 17]


def test_twilio_route_to_o2_uk_degrades_during_the_incident(data):
    """Days 3-5 of the week: most Twilio messages to O2 UK numbers end in a 30007 (carrier
    filtering) receipt, and acc_001, which routes its O2 UK SMS through Twilio, sends at least
    100 of them on one of those days, after normal days with such traffic."""
    carriers = _range_carriers(data)
    account = {c["campaign_id"]: c["account_id"] for c in data["campaigns"]}
    by_pmid = {m["provider_message_id"]: m["message_id"] for m in data["messages"]}
    filtered = {r["message_id"] or by_pmid.get(r["provider_message_id"]) for r in data["receipts"]
                if r["provider"] == "twilio" and r["error_code"] == "30007"}
    incident = {str(START + dt.timedelta(days=d)) for d in (3, 4, 5)}
    sent, hit = collections.Counter(), collections.Counter()
    for m in data["messages"]:
        ts = parse_ts(m["sent_at"])
        if m["provider"] != "twilio" or ts is None or carriers.get(m["contact_id"]) != ("GB", "O2"):
            continue
        key = (account.get(m["campaign_id"]), str(ts.date()) in incident, str(ts.date()))
        sent[key] += 1
        hit[key] += m["message_id"] in filtered
    during = [k for k in sent if k[1]]
    before = [k for k in sent if not k[1] and k[2] < min(incident)]
    assert sum(hit[k] for k in during) > 0.4 * sum(sent[k] for k in during)
    assert sum(hit[k] for k in sent if not k[1]) < 0.1 * sum(sent[k] for k in sent if not k[1])
    assert any(k[0] == "acc_001" and sent[k] >= 100 for k in during)
    assert any(k[0] == "acc_001" and sent[k] >= 100 for k in before)
def test_provider_native_files_look_like_the_providers_own(landing, data):
    root, summary = landing
    exports, callbacks = data["twilio_messages"], data["twilio_status_callbacks"]
    assert exports and callbacks and data["vonage_dlr"] and data["sinch_delivery_reports"]
    # Twilio: RFC 2822 dates and negative prices in the exports (JSON, or the console's CSV headers).
    assert all(re.fullmatch(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000",
                            r.get("date_updated") or r.get("dateupdated")) for r in exports)
    assert any((r.get("price") or "").startswith("-0.0") for r in exports)
    assert any("sentdate" in r for r in exports) and any("date_sent" in r for r in exports)
    assert {r["messagestatus"] for r in callbacks} >= {"delivered", "undelivered", "sent"}
    assert all(r["rawdlrdonedate"] is None or re.fullmatch(r"\d{10}", r["rawdlrdonedate"]) for r in callbacks)
    keys = collections.Counter(json.dumps(r, sort_keys=True) for r in callbacks)
    assert any(n > 1 for n in keys.values())  # exact duplicates
    # Vonage: query-string lines (some logged as GET requests) and JSON objects.
    lines = [r["line"] for r in data["vonage_dlr"] if "line" in r]
    assert lines and all("messageId=" in line and "status=" in line for line in lines)
    assert any(line.startswith("GET /") for line in lines)
    assert any("messageid" in r for r in data["vonage_dlr"])
    assert summary["duplicates"]["twilio_status_callbacks"] > 0
