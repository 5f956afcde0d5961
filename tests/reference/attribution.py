"""docs/RULES.md, Revenue attribution: click-based order attribution and unsubscribe crediting."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from tests.reference.delivery import NOT_SENT
from tests.reference.landing import Landing, latest_versions


def contact_for(row: dict, contacts: dict[str, dict]) -> str | None:
    """The contact of an order or unsubscribe: its contact_id, else the contact of its (normalised)
    phone number in its account; several contacts sharing the number -> the smallest contact_id."""
    if row.get("contact_id"):
        return row["contact_id"]
    matches = sorted(c["contact_id"] for c in contacts.values()
                     if c["account_id"] == row["account_id"] and c["phone_number"] == row["phone_number"])
    return matches[0] if matches else None


def attribute(landing: Landing, delivery: dict, *, window_hours: int = 120, model: str = "last_click") -> dict:
    accounts = delivery["accounts"]
    contacts = latest_versions(landing.rows["contacts"], "contact_id")
    orders = latest_versions(landing.rows["orders"], "order_id")
    messages = delivery["messages"]
    clicks_by_contact = defaultdict(list)
    for click in delivery["clicks"]:
        message = messages[click["message_id"]]
        clicks_by_contact[message["contact_id"]].append((click["clicked_at"], message["campaign_id"]))

    rows, mismatches = [], []
    for order in orders.values():
        if order["status"] != "completed":
            continue
        account = accounts.get(order["account_id"], {})
        account_currency = (account.get("currency") or "GBP").upper()
        if (order.get("currency") or account_currency) != account_currency:
            mismatches.append(order["order_id"])
            continue
        contact_id = contact_for(order, contacts)
        if contact_id is None:
            continue
        window = account.get("attribution_window_hours")
        window = window_hours if window is None else window
        start, end = order["ordered_at"] - timedelta(hours=window), order["ordered_at"]
        in_window = [(at, campaign) for at, campaign in clicks_by_contact[contact_id] if start <= at <= end]
        if not in_window:
            continue
        if model == "last_click":
            direct = max(in_window)[1]
        else:
            direct = min(in_window, key=lambda c: (c[0], _desc(c[1])))[1]
        campaigns = sorted({c for _, c in in_window})
        linear = (order["revenue"] / len(campaigns)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        for campaign in campaigns:
            is_direct = campaign == direct
            rows.append({
                "order_id": order["order_id"], "account_id": order["account_id"], "contact_id": contact_id,
                "campaign_id": campaign, "ordered_at": order["ordered_at"], "revenue": order["revenue"],
                "is_direct": is_direct,
                "direct_revenue": order["revenue"] if is_direct else Decimal("0.00"),
                "assisted_revenue": Decimal("0.00") if is_direct else order["revenue"],
                "linear_revenue": linear,
                "last_click_at": max(at for at, c in in_window if c == campaign),
            })
    return {"rows": rows, "currency_mismatches": mismatches}


class _desc(str):
    """Sorts in reverse, so that min() picks the greater campaign_id on a tie."""

    def __lt__(self, other):
        return str.__gt__(self, other)


def credit_unsubscribes(landing: Landing, delivery: dict) -> dict[str, int]:
    """campaign_id -> unsubscribes credited."""
    contacts = latest_versions(landing.rows["contacts"], "contact_id")
    sends = defaultdict(list)
    for m in delivery["messages"].values():
        if m["delivery_status"] != NOT_SENT:
            sends[m["contact_id"]].append((m["sent_at"], m["campaign_id"]))
    seen, credited = set(), defaultdict(int)
    for row in landing.rows["unsubscribes"]:
        contact_id = contact_for(row, contacts)
        key = (row["account_id"], contact_id or row.get("phone_number"), row["unsubscribed_at"])
        if key in seen:
            continue
        seen.add(key)
        earlier = [s for s in sends.get(contact_id, []) if s[0] <= row["unsubscribed_at"]]
        if earlier:
            credited[max(earlier)[1]] += 1
    return credited
