"""Where each page of the site lives, as paths relative to the site root."""

from __future__ import annotations

import hashlib
import re

PAGE_ROWS = 100  # contacts per page of a delivery tab or a suppression list (site.js reads it from the pager)

TABS = [("delivered", "Delivered"), ("pending", "Pending"), ("soft_bounce", "Soft bounces"),
        ("hard_bounce", "Hard bounces"), ("deleted", "Deleted")]

_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")


def slug(identifier: str) -> str:
    """A file-name-safe, collision-free name for an id: the id itself when it is safe, else a hash of it."""
    if _SAFE.fullmatch(identifier) and not identifier.endswith("."):
        return identifier
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", identifier).strip("-")[:40]
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:12]
    return f"{cleaned}-{digest}" if cleaned else digest


def campaign_page(campaign_id: str) -> str:
    return f"campaigns/{slug(campaign_id)}.html"


def campaign_contacts(campaign_id: str) -> str:
    """The campaign's contacts of every delivery tab, as a script that site.js pages through."""
    return f"campaigns/{slug(campaign_id)}/contacts.js"


def account_page(account_id: str) -> str:
    """The account's suppression list (site.js pages through its suppressions file)."""
    return f"accounts/{slug(account_id)}.html"


def account_suppressions(account_id: str) -> str:
    """The account's suppressed contacts, as a script that site.js pages through."""
    return f"accounts/{slug(account_id)}/suppressions.js"


def pages_for(count: int) -> int:
    return max(1, -(-count // PAGE_ROWS))


def rel(from_page: str, to_path: str) -> str:
    """Relative link from one page to another path, both relative to the site root."""
    depth = from_page.split("#", 1)[0].count("/")
    return "../" * depth + to_path


def deliverability_page(account_id: str) -> str:
    """An account's deliverability page (issue 18); outside accounts/<id>/, whose files are its suppression pages."""
    return f"deliverability/{slug(account_id)}.html"
