"""Where each page of the site lives, as paths relative to the site root."""

from __future__ import annotations

import hashlib
import re

PAGE_ROWS = 100  # contacts per delivery-tab or suppression-list page

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


def tab_page(campaign_id: str, status: str, page: int) -> str:
    """Page 1 of every tab is on the campaign page; later pages are files of their own."""
    if page == 1:
        return f"{campaign_page(campaign_id)}#tab-{status}"
    return f"campaigns/{slug(campaign_id)}/{status}-{page}.html"


def account_page(account_id: str, page: int = 1) -> str:
    if page == 1:
        return f"accounts/{slug(account_id)}.html"
    return f"accounts/{slug(account_id)}/suppressions-{page}.html"


def pages_for(count: int) -> int:
    return max(1, -(-count // PAGE_ROWS))


def rel(from_page: str, to_path: str) -> str:
    """Relative link from one page to another path, both relative to the site root."""
    depth = from_page.split("#", 1)[0].count("/")
    return "../" * depth + to_path


def deliverability_page(account_id: str) -> str:
    """An account's deliverability page (issue 18); outside accounts/<id>/, whose files are its suppression pages."""
    return f"deliverability/{slug(account_id)}.html"
