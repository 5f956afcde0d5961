"""What each landing entity must and may contain (docs/RULES.md, Input files), as validation specs.

Kinds: text (trimmed, empty -> null), upper / lower (text with case folded),
timestamp (ISO 8601 -> UTC), int, money (DECIMAL(18,2), not negative),
bool (true/false/1/0/yes/no), phone (E.164 with the account's region);
for the provider-native entities also datetime (ISO 8601 or RFC 2822, as Twilio
writes dates), smpp_date (YYMMDDhhmm[ss] or YYYYMMDDhhmmss, UTC) and price
(DECIMAL(18,6), negative allowed: Twilio reports charges as negative amounts).
Derived kinds are not read from the file but computed from the entity's phone
column: phone_country (ISO alpha-2 region), phone_carrier (the range's original
carrier); a file column of the same name is kept as an extra column.
"""

from __future__ import annotations

from dataclasses import dataclass

# Storage type in raw.<entity> of each kind.
SQL_TYPES = {
    "text": "varchar", "upper": "varchar", "lower": "varchar", "phone": "varchar",
    "timestamp": "timestamp", "int": "integer", "money": "decimal(18, 2)", "bool": "boolean",
    "datetime": "timestamp", "smpp_date": "timestamp", "price": "decimal(18, 6)",
    "phone_country": "varchar", "phone_carrier": "varchar",
}

# Kinds computed from the phone column rather than read from the file.
DERIVED_KINDS = ("phone_country", "phone_carrier")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "text"
    required: bool = False

    @property
    def is_derived(self) -> bool:
        return self.kind in DERIVED_KINDS


@dataclass(frozen=True)
class EntitySpec:
    name: str
    columns: tuple[Column, ...]
    # Groups of which at least one column must have a value, e.g. contact_id or phone_number.
    one_of: tuple[tuple[str, ...], ...] = ()
    # Allowed values (after case folding) for some columns.
    allowed: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Provider-native entities: a file's field names match ignoring case, `_`, `-` and spaces
    # (`MessageSid` = `message_sid`, `err-code` = `err_code`), plus these aliases (loose name -> column).
    loose_names: bool = False
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column_name(self, name: str) -> str:
        """The spec column a file's (lower-cased) field name stands for, or the name itself."""
        if not self.loose_names:
            return name
        loose = loose_name(name)
        return dict(self.aliases).get(loose) or {loose_name(c.name): c.name for c in self.columns}.get(loose, name)


def loose_name(name: str) -> str:
    """A field name without case, `_`, `-`, `.` or spaces: how provider field names are matched."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


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
            _c("updated_at", "timestamp"), _c("country_code", "phone_country"),
            _c("carrier", "phone_carrier"),
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
        # Provider-native inputs (docs/PROVIDERS.md): field names as the providers document them.
        EntitySpec("twilio_messages", (
            _c("sid", required=True), _c("status", "lower", required=True), _c("error_code"),
            _c("direction", "lower"), _c("num_segments", "int"), _c("price", "price"),
            _c("price_unit", "upper"), _c("date_created", "datetime"), _c("date_sent", "datetime"),
            _c("date_updated", "datetime"), _c("received_at", "timestamp"),
        ), one_of=(("date_updated", "date_sent", "received_at"),), loose_names=True,
            aliases=(("sentdate", "date_sent"), ("createddate", "date_created"), ("updateddate", "date_updated"))),
        EntitySpec("twilio_status_callbacks", (
            _c("message_sid", required=True), _c("message_status", "lower", required=True), _c("error_code"),
            _c("raw_dlr_done_date", "smpp_date"), _c("received_at", "timestamp"),
        ), one_of=(("raw_dlr_done_date", "received_at"),), loose_names=True),
        EntitySpec("vonage_dlr", (
            _c("message_id", required=True), _c("status", "lower", required=True), _c("err_code"),
            _c("price", "price"), _c("network_code"), _c("scts", "smpp_date"),
            _c("message_timestamp", "timestamp"), _c("client_ref"), _c("received_at", "timestamp"),
        ), one_of=(("scts", "message_timestamp", "received_at"),), loose_names=True),
        EntitySpec("sinch_delivery_reports", (
            _c("batch_id", required=True), _c("recipient"), _c("status", required=True), _c("code"),
            _c("created_at", "timestamp"), _c("operator_status_at", "timestamp"), _c("client_reference"),
            _c("received_at", "timestamp"),
        ), one_of=(("operator_status_at", "created_at", "received_at"),), loose_names=True,
            # `at` (when Sinch created the report) is an SQL keyword: stored as created_at.
            aliases=(("at", "created_at"),)),
    )
}

# Entities whose rows become delivery receipts besides `receipts` itself.
PROVIDER_ENTITIES = ("twilio_messages", "twilio_status_callbacks", "vonage_dlr", "sinch_delivery_reports")
