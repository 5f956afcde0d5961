"""docs/RULES.md, Suppression: hard-bounce suppression in both modes.

The account of a contact is the contact's own (docs/RULES.md, Input files: every contact row carries its
`account_id`; suppression rows are per contact and use "the account's hard_bounce_suppression").
Pass `contacts` (latest versions, see `contacts_of`) for that; a contact that is not
loaded falls back to the account of the campaign of its last message by (sent_at,
message_id) — a deterministic choice, where the first version of this reference took
the campaign of whichever message came first in load order.
"""

from __future__ import annotations

from collections import defaultdict

from tests.reference.delivery import DELIVERED, HARD
from tests.reference.landing import Landing, latest_versions


def contacts_of(landing: Landing) -> dict[str, dict]:
    """contact_id -> the contact's latest version (docs/RULES.md, Versions and repeats)."""
    return latest_versions(landing.rows["contacts"], "contact_id")


def suppressions(delivery: dict, *, mode: str = "total", threshold: int = 3,
                 contacts: dict[str, dict] | None = None) -> dict[str, dict]:
    if mode not in ("total", "consecutive"):
        raise ValueError(f"unknown suppression mode {mode!r}")
    by_contact = defaultdict(list)
    for m in delivery["messages"].values():
        by_contact[m["contact_id"]].append(m)
    campaign_accounts = {c["campaign_id"]: c["account_id"] for c in delivery["campaigns"].values()}
    contacts = contacts or {}
    result = {}
    for contact_id, items in by_contact.items():
        hard = [m for m in items if m["delivery_status"] == HARD]
        if not hard:
            continue
        in_send_order = sorted(items, key=lambda m: (m["sent_at"], m["message_id"]))
        reached_at, streak = None, 0
        for m in in_send_order:
            if m["delivery_status"] == HARD:
                streak += 1
                if mode == "consecutive" and streak == threshold and reached_at is None:
                    reached_at = m["status_at"]
            elif m["delivery_status"] == DELIVERED:
                streak = 0
        if mode == "total" and len(hard) >= threshold:
            reached_at = sorted(hard, key=lambda m: (m["status_at"], m["message_id"]))[threshold - 1]["status_at"]
        if contact_id in contacts:
            account_id = contacts[contact_id]["account_id"]
        else:
            account_id = campaign_accounts.get(in_send_order[-1]["campaign_id"])
        account = delivery["accounts"].get(account_id, {})
        enabled = account.get("hard_bounce_suppression")
        enabled = True if enabled is None else enabled
        suppressed = reached_at is not None and enabled
        result[contact_id] = {
            "contact_id": contact_id, "account_id": account_id, "hard_bounce_count": len(hard),
            "consecutive_hard_bounces": streak, "threshold_reached_at": reached_at,
            "is_suppressed": suppressed, "suppressed_at": reached_at if suppressed else None,
        }
    return result


def sends_after_suppression(delivery: dict, suppressed: dict[str, dict]) -> dict[str, dict]:
    """message_id -> row: messages (not not_sent) sent strictly after their contact's suppressed_at."""
    result = {}
    for m in delivery["messages"].values():
        row = suppressed.get(m["contact_id"])
        if not row or not row["is_suppressed"] or m["delivery_status"] == "not_sent":
            continue
        if m["sent_at"] > row["suppressed_at"]:
            result[m["message_id"]] = {
                "message_id": m["message_id"], "campaign_id": m["campaign_id"], "contact_id": m["contact_id"],
                "account_id": row["account_id"], "sent_at": m["sent_at"], "suppressed_at": row["suppressed_at"],
                "delivery_status": m["delivery_status"],
            }
    return result
