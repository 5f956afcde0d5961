"""What each landing entity must and may contain (docs/RULES.md, Input files), as validation specs.

Kinds: text (trimmed, empty -> null), upper / lower (text with case folded),
timestamp (ISO 8601 -> UTC), int, money (DECIMAL(18,2), not negative),
bool (true/false/1/0/yes/no), phone (E.164 with the account's region).
"""

from __future__ import annotations

from dataclasses import dataclass

# Storage type in raw.<entity> of each kind.
SQL_TYPES = {
    "text": "varchar", "upper": "varchar", "lower": "varchar", "phone": "varchar",
    "timestamp": "timestamp", "int": "integer", "money": "decimal(18, 2)", "bool": "boolean",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = False


@dataclass(frozen=True)
class EntitySpec:
    name: str
    columns: tuple[Column, ...]
    # Groups of which at least one column must have a value, e.g. contact_id or phone_number.
    one_of: tuple[tuple[str, ...], ...] = ()
    # Allowed values (after case folding) for some columns.
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _c(name: str, kind: str = "text", required: bool = False) -> Column:
    return Column(name, kind, required)


SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        EntitySpec("accounts", (
            _c("account_id", required=True), _c("name"), _c("currency", "upper"),
            _c("default_region", "upper"), _c("hard_bounce_suppression", "bool"),
            _c("attribution_window_hours", "int"), _c("updated_at", "timestamp"),
        )),
        EntitySpec("campaigns", (
            _c("campaign_id", required=True), _c("account_id", required=True),
            _c("name", required=True), _c("message_type", "upper", required=True),
            _c("body"), _c("media_url"), _c("created_at", "timestamp"),
            _c("updated_at", "timestamp"),
        ), allowed=(("message_type", ("SMS", "MMS")),)),
        EntitySpec("contacts", (
            _c("contact_id", required=True), _c("account_id", required=True),
            _c("phone_number", "phone", required=True), _c("created_at", "timestamp"),
            _c("updated_at", "timestamp"),
        )),
        EntitySpec("messages", (
            _c("message_id", required=True), _c("campaign_id", required=True),
            _c("contact_id", required=True), _c("sent_at", "timestamp", required=True),
            _c("body"), _c("segments", "int"), _c("provider", "lower"),
            _c("provider_message_id"),
        )),
        EntitySpec("receipts", (
            _c("message_id"), _c("provider", "lower", required=True),
            _c("provider_message_id"), _c("status", required=True), _c("error_code"),
            _c("event_at", "timestamp", required=True), _c("received_at", "timestamp"),
        ), one_of=(("message_id", "provider_message_id"),)),
        EntitySpec("smpp_receipts", (
            _c("provider_message_id", required=True), _c("status", "upper", required=True),
            _c("error_code"), _c("submitted_at", "timestamp"),
            _c("event_at", "timestamp", required=True),
        )),
        EntitySpec("clicks", (
            _c("click_id"), _c("message_id", required=True), _c("url"),
            _c("clicked_at", "timestamp", required=True), _c("user_agent"),
        )),
        EntitySpec("orders", (
            _c("order_id", required=True), _c("account_id", required=True), _c("contact_id"),
            _c("phone_number", "phone"), _c("ordered_at", "timestamp", required=True),
            _c("revenue", "money", required=True), _c("currency", "upper"),
            _c("status", "lower"), _c("updated_at", "timestamp"),
        ), one_of=(("contact_id", "phone_number"),),
            allowed=(("status", ("completed", "cancelled", "refunded")),)),
        EntitySpec("unsubscribes", (
            _c("account_id", required=True), _c("contact_id"), _c("phone_number", "phone"),
            _c("unsubscribed_at", "timestamp", required=True), _c("keyword"),
        ), one_of=(("contact_id", "phone_number"),)),
    )
}
