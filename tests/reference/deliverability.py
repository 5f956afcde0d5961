"""Deliverability (issue 18): daily rates by account, provider, destination country and carrier, error
codes, and the drop alerts, from the reference delivery statuses and the contacts' numbers."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import timedelta

import phonenumbers
from phonenumbers import carrier as pn_carrier

from tests.reference.delivery import DELETED, DELIVERED, HARD, NOT_SENT, PENDING, SOFT
from tests.reference.landing import Landing, latest_versions

FAILED = (SOFT, HARD, DELETED, NOT_SENT)


def destination(e164: str | None) -> tuple[str, str]:
    """(ISO region, original carrier of the number's range) by libphonenumber; ('ZZ', 'unknown') if unknown."""
    if not e164:
        return "ZZ", "unknown"
    number = phonenumbers.parse(e164)
    region = phonenumbers.region_code_for_number(number) or ""
    return (region if len(region) == 2 and region.isalpha() else "ZZ",  # not '001' (non-geographic)
            pn_carrier.name_for_number(number, "en") or "unknown")


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (h = (n - 1) * fraction)."""
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * fraction
    low = math.floor(h)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (h - low) * (xs[high] - xs[low])


def build(landing: Landing, reference: dict, drop_points: int = 15, min_messages: int = 100) -> dict:
    """reference: tests.reference.delivery.build(landing). Returns {"daily": {(account, provider, country,
    carrier, day): row}, "errors": {(account, provider, code, status, day): messages}, "alerts": {key: row}}."""
    contacts = latest_versions(landing.rows["contacts"], "contact_id")
    receipt_providers = defaultdict(set)  # the send log's provider, else the first of its receipts' (by name)
    for r in landing.rows["receipts"]:
        if r.get("message_id"):
            receipt_providers[r["message_id"]].add(r["provider"])
    receipt_provider = {m: min(p) for m, p in receipt_providers.items()}
    groups: dict[tuple, list[dict]] = defaultdict(list)
    errors: dict[tuple, int] = defaultdict(int)
    for m in reference["messages"].values():
        account = reference["campaigns"].get(m["campaign_id"], {}).get("account_id")
        if account is None:
            continue
        provider = m.get("provider") or receipt_provider.get(m["message_id"]) or "unknown"
        day = m["sent_at"].date()
        if m["delivery_status"] in FAILED:
            errors[(account, provider, m["error_code"] or "none", m["delivery_status"], day)] += 1
        if m["delivery_status"] == NOT_SENT:
            continue
        country, carrier = destination(contacts.get(m["contact_id"], {}).get("phone_number"))
        groups[(account, provider, country, carrier, day)].append(m)
    daily = {}
    for key, items in groups.items():
        count = {s: sum(1 for m in items if m["delivery_status"] == s) for s in (DELIVERED, PENDING, SOFT, HARD,
                                                                                 DELETED)}
        seconds = [max((m["status_at"] - m["sent_at"]).total_seconds(), 0.0) for m in items
                   if m["delivery_status"] == DELIVERED and m["status_at"] is not None]
        daily[key] = {"messages_sent": len(items), "delivered": count[DELIVERED], "pending": count[PENDING],
                      "soft_bounced": count[SOFT], "hard_bounced": count[HARD], "deleted": count[DELETED],
                      "delivery_rate": count[DELIVERED] / len(items),
                      "median_delivery_seconds": percentile(seconds, 0.5),
                      "p95_delivery_seconds": percentile(seconds, 0.95)}
    alerts = {}
    for key, row in daily.items():
        *group, day = key
        before = [daily[(*group, day - timedelta(days=k))] for k in range(1, 8)
                  if (*group, day - timedelta(days=k)) in daily]
        sent_before = sum(r["messages_sent"] for r in before)
        delivered_before = sum(r["delivered"] for r in before)
        n, d = row["messages_sent"], row["delivered"]
        if n >= min_messages and sent_before and \
                100 * (delivered_before * n - d * sent_before) >= drop_points * n * sent_before:
            alerts[key] = {"messages_sent": n, "delivered": d, "trailing_messages_sent": sent_before,
                           "trailing_delivered": delivered_before}
    return {"daily": daily, "errors": dict(errors), "alerts": alerts}
