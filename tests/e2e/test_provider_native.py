"""End to end: a campaign whose statuses come only from Twilio's own files (the console / REST
export and status callbacks), a Vonage campaign from delivery-receipt webhooks, and their
costs, all hand-computed from the documented rules (docs/PROVIDERS.md, docs/RULES.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import query, run_mmsreport

pytestmark = pytest.mark.slow

SENT = "2026-11-27T09:{:02d}:00Z"
CONTACTS = {f"k{i}": f"+44740012345{i}" for i in range(1, 7)}  # GB mobile numbers (Three)
# message -> (campaign, contact, provider, provider_message_id, minute sent)
MESSAGES = {
    "m1a": ("cmp_tw", "k1", "twilio", "SM1a", 0), "m1b": ("cmp_tw", "k1", "twilio", "SM1b", 1),
    "m1c": ("cmp_tw", "k1", "twilio", "SM1c", 2), "m2": ("cmp_tw", "k2", "twilio", "SM2", 3),
    "m3": ("cmp_tw", "k3", "twilio", "SM3", 4), "m4": ("cmp_tw", "k4", "twilio", "SM4", 5),
    "m5": ("cmp_tw", "k5", "twilio", "SM5", 6), "m6": ("cmp_tw", "k6", "twilio", "SM6", 7),
    "m7": ("cmp_vo", "k2", "vonage", "0C07", 10), "m8": ("cmp_vo", "k3", "vonage", "0C08", 11),
    "m9": ("cmp_mms", "k4", "vonage", "0C09", 12),
}

# The Twilio console's CSV export (its own header names) and a REST API JSON export.
CONSOLE_CSV = """Sid,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Direction,Price,PriceUnit
SM1a,+447400123451,Hello,undelivered,"Fri, 27 Nov 2026 09:00:01 +0000",2010-04-01,1,30005,ACX,outbound-api,-0.00790,USD
SM1b,+447400123451,Hello,undelivered,"Fri, 27 Nov 2026 09:01:01 +0000",2010-04-01,1,30005,ACX,outbound-api,-0.00790,USD
SM1c,+447400123451,Hello,undelivered,"Fri, 27 Nov 2026 09:02:01 +0000",2010-04-01,1,30005,ACX,outbound-api,-0.00790,USD
SM4,+447400123454,Hello,failed,"Fri, 27 Nov 2026 09:05:01 +0000",2010-04-01,1,21610,ACX,outbound-api,,USD
"""
REST_EXPORT = [
    {"sid": "SM2", "status": "delivered", "error_code": None, "num_segments": "1", "price": "-0.00790",
     "price_unit": "USD", "date_sent": "Fri, 27 Nov 2026 09:03:01 +0000",
     "date_updated": "Fri, 27 Nov 2026 09:03:40 +0000", "direction": "outbound-api", "to": "+447400123452"},
    {"sid": "SM6", "status": "delivered", "error_code": None, "num_segments": "2", "price": "-0.01580",
     "price_unit": "USD", "date_sent": "Fri, 27 Nov 2026 09:07:01 +0000",
     "date_updated": "Fri, 27 Nov 2026 09:08:30 +0000", "direction": "outbound-api"},
    {"sid": "SMin1", "status": "received", "date_updated": "Fri, 27 Nov 2026 10:00:00 +0000",
     "direction": "inbound", "price": "-0.00790", "price_unit": "USD"},
]


def _callback(sid, status, received, error=None, done=None):
    fields = {"SmsSid": sid, "SmsStatus": status, "MessageStatus": status, "MessageSid": sid,
              "AccountSid": "ACX", "ApiVersion": "2010-04-01", "received_at": received}
    if error:
        fields["ErrorCode"] = error
    if done:
        fields["RawDlrDoneDate"] = done
    return fields


CALLBACKS = [
    _callback("SM2", "delivered", "2026-11-27T09:03:41Z", done="2611270903"),
    _callback("SM2", "sent", "2026-11-27T09:03:50Z"),  # out of order: after the delivered one
    _callback("SM2", "delivered", "2026-11-27T09:03:41Z", done="2611270903"),  # an exact duplicate
    _callback("SM3", "undelivered", "2026-11-27T09:05:10Z", error="30003", done="2611270905"),
    _callback("SM3", "delivered", "2026-11-27T11:00:00Z", done="2611271059"),  # a later final: ignored
    _callback("SM5", "sent", "2026-11-27T09:06:05Z"),
    _callback("SM6", "delivered", "2026-11-27T09:08:31Z", done="2611270908"),
    _callback("SMunknown", "delivered", "2026-11-27T09:09:00Z", done="2611270909"),  # an orphan
]
VONAGE_LOG = (
    "GET /webhooks/delivery-receipt?msisdn=447400123452&to=SHOP&network-code=23410&messageId=0C07"
    "&price=0.03330000&status=delivered&scts=2611270911&err-code=0&client-ref=m7"
    "&message-timestamp=2026-11-27+09%3A11%3A30 HTTP/1.1\n"
    "msisdn=447400123453&to=SHOP&network-code=23410&messageId=0C08&status=failed&scts=2611270912"
    "&err-code=6&message-timestamp=2026-11-27+09%3A12%3A30\n"
)
VONAGE_JSON = {"msisdn": "447400123454", "to": "SHOP", "messageId": "0C09", "status": "delivered",
               "err-code": "0", "scts": "2611270913", "message-timestamp": "2026-11-27 09:13:30"}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _jsonl(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("native")
    landing = root / "landing"
    day = "dt=2026-11-27"
    _write(landing / "accounts" / day / "a.csv", "account_id,name,currency\nacc1,Shop,GBP\n")
    _write(landing / "campaigns" / day / "c.csv", "campaign_id,account_id,name,message_type,body\n"
           "cmp_tw,acc1,Twilio only,SMS,Hello\ncmp_vo,acc1,Vonage,SMS,Hello\ncmp_mms,acc1,Vonage MMS,MMS,Pic\n")
    _write(landing / "contacts" / day / "k.csv", "contact_id,account_id,phone_number\n"
           + "".join(f"{k},acc1,{n}\n" for k, n in CONTACTS.items()))
    _write(landing / "messages" / day / "m.csv", "message_id,campaign_id,contact_id,sent_at,provider,"
           "provider_message_id\n" + "".join(f"{m},{c},{k},{SENT.format(t)},{p},{pm}\n"
                                             for m, (c, k, p, pm, t) in MESSAGES.items()))
    _write(landing / "twilio_messages" / "dt=2026-11-28" / "console_export.csv", CONSOLE_CSV)
    _write(landing / "twilio_messages" / "dt=2026-11-28" / "messages.jsonl", _jsonl(REST_EXPORT))
    _write(landing / "twilio_status_callbacks" / day / "callbacks.jsonl", _jsonl(CALLBACKS))
    _write(landing / "vonage_dlr" / day / "dlr.log", VONAGE_LOG)
    _write(landing / "vonage_dlr" / day / "dlr.jsonl", _jsonl([VONAGE_JSON]))
    _write(landing / "twilio_exports" / "old.csv", "sid\nSMx\n")  # not an entity folder
    path = root / "warehouse.duckdb"
    result = run_mmsreport("run", "--landing", str(landing), "--warehouse", str(path), cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return path, result.stdout + result.stderr


def test_statuses_come_from_the_twilio_and_vonage_files(warehouse):
    rows = query(warehouse[0], "select message_id, delivery_status, error_code from marts.fct_messages")
    assert {r["message_id"]: (r["delivery_status"], r["error_code"]) for r in rows} == {
        "m1a": ("hard_bounce", "30005"), "m1b": ("hard_bounce", "30005"), "m1c": ("hard_bounce", "30005"),
        "m2": ("delivered", None), "m3": ("soft_bounce", "30003"), "m4": ("not_sent", "21610"),
        "m5": ("pending", None), "m6": ("delivered", None),
        "m7": ("delivered", "0"), "m8": ("soft_bounce", "6"), "m9": ("delivered", "0"),
    }
    status_at = {r["message_id"]: str(r["status_at"]) for r in query(
        warehouse[0], "select message_id, status_at from marts.fct_messages where message_id in ('m2', 'm3', 'm6')")}
    # RawDlrDoneDate (to the minute) before the export's date_updated; the earliest final receipt wins.
    assert status_at == {"m2": "2026-11-27 09:03:00", "m3": "2026-11-27 09:05:00", "m6": "2026-11-27 09:08:00"}


def test_bounces_and_suppression(warehouse):
    [overview] = query(warehouse[0], "select * from marts.fct_campaign_overview where campaign_id = 'cmp_tw'")
    assert (overview["messages_sent"], overview["unique_sends"], overview["unique_deliveries"],
            overview["pending"], overview["soft_bounces"], overview["hard_bounces"]) == (7, 5, 2, 1, 1, 1)
    rows = query(warehouse[0], "select contact_id, hard_bounce_count, is_suppressed from marts.contact_suppressions")
    assert [(r["contact_id"], r["hard_bounce_count"], r["is_suppressed"]) for r in rows] == [("k1", 3, True)]


def test_orphans_inbound_rows_and_unknown_folders(warehouse):
    orphans = query(warehouse[0], "select provider_message_id, source_entity from audit.orphan_receipts")
    assert [(r["provider_message_id"], r["source_entity"]) for r in orphans] == [
        ("SMunknown", "twilio_status_callbacks")]
    assert "twilio_exports/ is not a known entity" in warehouse[1]


def test_costs_equal_hand_computed_values(warehouse):
    rows = query(warehouse[0], "select * from marts.fct_campaign_costs order by campaign_id, currency")
    got = {(r["campaign_id"], r["currency"]): (r["messages_priced"], r["messages_estimated"],
                                                r["messages_unpriced"], r["cost"], r["cost_per_delivered"])
           for r in rows}
    # cmp_tw, USD: reported m1a-c 3 x 0.0079, m2 0.0079, m6 0.0158; estimated from the price list
    # (twilio, GB, SMS: 0.0524 per segment) m3 and m5, one segment each; m4 not_sent, unbilled.
    tw_cost = 3 * Decimal("0.0079") + Decimal("0.0079") + Decimal("0.0158") + 2 * Decimal("0.0524")
    # cmp_vo, EUR: m7 reported 0.0333; m8 estimated (vonage, GB, SMS: 0.0333); one delivered.
    # cmp_mms: no Vonage MMS price: unpriced, counted on the account's currency (GBP).
    assert got == {
        ("cmp_mms", "GBP"): (0, 0, 1, Decimal("0"), None),
        ("cmp_tw", "USD"): (5, 2, 0, tw_cost, (tw_cost / 2).quantize(Decimal("0.000001"))),
        ("cmp_vo", "EUR"): (1, 1, 0, Decimal("0.0666"), Decimal("0.0666")),
    }
