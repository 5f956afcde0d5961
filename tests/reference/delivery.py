"""Delivery status per message and per contact, segments, the campaign overview (docs/RULES.md, Delivery status,
Segments, Campaign overview)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timedelta

from tests.reference.landing import Landing, first_occurrences, latest_versions

PENDING, DELIVERED, SOFT, HARD, DELETED, NOT_SENT = (
    "pending", "delivered", "soft_bounce", "hard_bounce", "deleted", "not_sent")

# docs/RULES.md, Delivery status table: (provider, lower-case status) -> (canonical, final); error-code rules below.
STATUS_TABLE = {
    **{("generic", s): (s, s != PENDING) for s in (PENDING, DELIVERED, SOFT, HARD, DELETED, NOT_SENT)},
    ("smpp", "delivrd"): (DELIVERED, True), **{("smpp", s): (PENDING, False) for s in (
        "enroute", "acceptd", "schedld", "unknown")},
    ("smpp", "expired"): (SOFT, True), ("smpp", "undeliv"): (HARD, True), ("smpp", "rejectd"): (HARD, True),
    ("smpp", "deleted"): (DELETED, True), ("smpp", "skipped"): (NOT_SENT, True),
    **{("twilio", s): (PENDING, False) for s in ("queued", "accepted", "scheduled", "sending", "sent")},
    ("twilio", "delivered"): (DELIVERED, True), ("twilio", "read"): (DELIVERED, True),
    ("twilio", "canceled"): (NOT_SENT, True),
    ("vonage", "accepted"): (PENDING, False), ("vonage", "buffered"): (PENDING, False),
    ("vonage", "delivered"): (DELIVERED, True), ("vonage", "expired"): (SOFT, True),
    ("vonage", "failed"): (HARD, True), ("vonage", "rejected"): (HARD, True),
    ("vonage", "unknown"): (PENDING, False),
    **{("sinch", s): (PENDING, False) for s in ("queued", "dispatched", "unknown")},
    ("sinch", "delivered"): (DELIVERED, True), ("sinch", "expired"): (SOFT, True),
    ("sinch", "rejected"): (HARD, True), ("sinch", "failed"): (HARD, True), ("sinch", "deleted"): (DELETED, True),
    ("sinch", "aborted"): (NOT_SENT, True), ("sinch", "cancelled"): (NOT_SENT, True),
    **{("mm7", s): (PENDING, False) for s in ("forwarded", "deferred", "indeterminate")},
    ("mm7", "retrieved"): (DELIVERED, True), ("mm7", "expired"): (SOFT, True),
    ("mm7", "unreachable"): (SOFT, True), ("mm7", "rejected"): (HARD, True),
    ("mm7", "unrecognised"): (HARD, True), ("mm7", "unrecognized"): (HARD, True),
}
FINAL_TIE_ORDER = [DELIVERED, HARD, DELETED, SOFT, NOT_SENT]
CONTACT_PRECEDENCE = [DELIVERED, PENDING, SOFT, HARD, DELETED]


# Vonage err-codes that are not the contact's fault (docs/PROVIDERS.md): failed/rejected -> soft bounce.
VONAGE_SOFT_CODES = {"1", "2", "5", "6", "7", "8", "10", "11", "15", "16", "50", "51", "52", "53", "54", "99"}


def canonical(provider: str, status: str, error_code: str | None) -> tuple[str, bool]:
    provider, status = provider.lower(), status.lower()
    if provider == "twilio" and status == "undelivered":
        return (SOFT if error_code in ("30003", "30007", "30008", "30034") else HARD), True
    if provider == "twilio" and status == "failed":
        return (NOT_SENT if error_code == "21610" else SOFT if error_code == "30034" else HARD), True
    if provider == "vonage" and status in ("failed", "rejected"):
        return (SOFT if error_code in VONAGE_SOFT_CODES else HARD), True
    return STATUS_TABLE.get((provider, status), (PENDING, False))


GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = set("^{}\\[~]|€\f")


def segments_of(body: str | None) -> int:
    if not body:
        return 1
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in body):
        length = sum(2 if ch in GSM_EXTENSION else 1 for ch in body)
        return 1 if length <= 160 else math.ceil(length / 153)
    length = sum(2 if ord(ch) > 0xFFFF else 1 for ch in body)
    return 1 if length <= 70 else math.ceil(length / 67)


def message_statuses(landing: Landing, messages: dict[str, dict], pending_expiry_hours=None,
                     run_at: datetime | None = None) -> dict[str, tuple[str, datetime | None, str | None]]:
    """message_id -> (status, status_at, error_code)."""
    by_provider_id = {(m.get("provider"), m.get("provider_message_id")): m["message_id"]
                      for m in messages.values() if m.get("provider_message_id")}
    receipts = defaultdict(list)
    for r in landing.rows["receipts"]:
        message_id = r.get("message_id") or by_provider_id.get((r["provider"], r.get("provider_message_id")))
        if message_id in messages:
            receipts[message_id].append(r)
    result = {}
    for message_id, message in messages.items():
        items = receipts.get(message_id, [])
        finals = []
        for r in items:
            status, final = canonical(r["provider"], r["status"], r.get("error_code"))
            if final:
                finals.append((r["event_at"], r.get("received_at") or datetime.max,
                               FINAL_TIE_ORDER.index(status), status, r.get("error_code")))
        if finals:
            event_at, _, _, status, error = min(finals)
            result[message_id] = (status, event_at, error)
            continue
        latest = max((r["event_at"] for r in items), default=None)
        latest_error = None
        if pending_expiry_hours is not None and run_at is not None and \
                message["sent_at"] + timedelta(hours=pending_expiry_hours) <= run_at:
            result[message_id] = (SOFT, message["sent_at"] + timedelta(hours=pending_expiry_hours), None)
        else:
            result[message_id] = (PENDING, latest, latest_error)
    return result


def build(landing: Landing, **status_options) -> dict:
    """Everything the delivery status and overview rules derive, keyed for comparison with the marts."""
    campaigns = latest_versions(landing.rows["campaigns"], "campaign_id")
    accounts = latest_versions(landing.rows["accounts"], "account_id")
    messages = {m["message_id"]: m for m in first_occurrences(landing.rows["messages"], lambda r: r["message_id"])}
    statuses = message_statuses(landing, messages, **status_options)
    with_id = first_occurrences([c for c in landing.rows["clicks"] if c.get("click_id")], lambda r: r["click_id"])
    without_id = first_occurrences([c for c in landing.rows["clicks"] if not c.get("click_id")],
                                   lambda r: (r["message_id"], r["clicked_at"], r.get("url")))
    clicks = [c for c in with_id + without_id if c["message_id"] in messages]
    clicks_per_message = defaultdict(int)
    for c in clicks:
        clicks_per_message[c["message_id"]] += 1

    fct_messages = {}
    for message_id, m in messages.items():
        campaign = campaigns.get(m["campaign_id"], {})
        message_type = campaign.get("message_type")
        if m.get("segments") is not None:
            segments = m["segments"]
        elif message_type == "MMS":
            segments = 1
        else:
            segments = segments_of(m.get("body") or campaign.get("body"))
        status, status_at, error = statuses[message_id]
        fct_messages[message_id] = {**m, "delivery_status": status, "status_at": status_at, "error_code": error,
                                    "segments": segments, "clicks": clicks_per_message[message_id],
                                    "message_type": message_type}

    per_contact = defaultdict(list)
    for m in fct_messages.values():
        per_contact[(m["campaign_id"], m["contact_id"])].append(m)
    contact_status, contact_status_detail = {}, {}
    for key, items in per_contact.items():
        sent = [m["delivery_status"] for m in items if m["delivery_status"] != NOT_SENT]
        contact_status[key] = min(sent, key=CONTACT_PRECEDENCE.index) if sent else NOT_SENT
        # The deciding message: of those with the contact's status, the latest status_at (untimed last),
        # then the greater error code (none last), then the greater message_id.
        deciding = max((m for m in items if m["delivery_status"] == contact_status[key]),
                       key=lambda m: (m["status_at"] is not None, m["status_at"] or datetime.min,
                                      m["error_code"] is not None, m["error_code"] or "", m["message_id"]))
        contact_status_detail[key] = (deciding["status_at"], deciding["error_code"])

    overview = {}
    for campaign_id, campaign in campaigns.items():
        items = [m for m in fct_messages.values() if m["campaign_id"] == campaign_id]
        sent = [m for m in items if m["delivery_status"] != NOT_SENT]
        contacts = {k[1]: s for k, s in contact_status.items() if k[0] == campaign_id and s != NOT_SENT}
        clickers = {m["contact_id"] for m in items if m["clicks"] > 0}
        deliveries = sum(1 for s in contacts.values() if s == DELIVERED)
        account = accounts.get(campaign["account_id"], {})
        overview[campaign_id] = {
            "campaign_id": campaign_id, "account_id": campaign["account_id"], "campaign_name": campaign["name"],
            "message_type": campaign["message_type"],
            "last_sent_at": max((m["sent_at"] for m in items), default=None),
            "messages_sent": len(sent),
            "messages_delivered": sum(1 for m in items if m["delivery_status"] == DELIVERED),
            "total_segments": sum(m["segments"] for m in sent),
            "unique_sends": len(contacts), "unique_deliveries": deliveries,
            "pending": sum(1 for s in contacts.values() if s == PENDING),
            "soft_bounces": sum(1 for s in contacts.values() if s == SOFT),
            "hard_bounces": sum(1 for s in contacts.values() if s == HARD),
            "deleted": sum(1 for s in contacts.values() if s == DELETED),
            "total_clicks": sum(m["clicks"] for m in items),
            "unique_clicks": len(clickers),
            "click_to_delivered_rate": len(clickers) / deliveries if deliveries else None,
            "currency": (account.get("currency") or "GBP").upper(),
        }
    return {"campaigns": campaigns, "accounts": accounts, "messages": fct_messages,
            "contact_status": contact_status, "contact_status_detail": contact_status_detail, "overview": overview,
            "clicks": clicks}
