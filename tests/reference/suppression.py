"""SPEC §8: hard-bounce suppression in both modes."""

from __future__ import annotations

from collections import defaultdict

from tests.reference.delivery import DELIVERED, HARD


def suppressions(delivery: dict, *, mode: str = "total", threshold: int = 3) -> dict[str, dict]:
    by_contact = defaultdict(list)
    for m in delivery["messages"].values():
        by_contact[m["contact_id"]].append(m)
    contacts_accounts = {c["campaign_id"]: c["account_id"] for c in delivery["campaigns"].values()}
    result = {}
    for contact_id, items in by_contact.items():
        hard = [m for m in items if m["delivery_status"] == HARD]
        if not hard:
            continue
        reached_at, streak = None, 0
        for m in sorted(items, key=lambda m: (m["sent_at"], m["message_id"])):
            if m["delivery_status"] == HARD:
                streak += 1
                if mode == "consecutive" and streak == threshold and reached_at is None:
                    reached_at = m["status_at"]
            elif m["delivery_status"] == DELIVERED:
                streak = 0
        if mode == "total" and len(hard) >= threshold:
            reached_at = sorted(hard, key=lambda m: (m["status_at"], m["message_id"]))[threshold - 1]["status_at"]
        account_id = contacts_accounts.get(items[0]["campaign_id"])
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
