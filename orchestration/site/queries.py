"""The SQL the site reads, all from the marts, with parameters for every value.

Large results (delivery tabs, suppression lists) are streamed in order, so the
site is written page by page without holding a campaign's contacts in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import duckdb

HOUR_BUCKETS = 48  # hours 0..47 after send, then one bucket for 48 h and later
FETCH_ROWS = 10_000


@dataclass
class Campaign:
    campaign_id: str
    account_id: str
    account_name: str | None
    campaign_name: str | None
    message_type: str | None
    body: str | None
    media_url: str | None
    created_at: object
    has_attribution: bool
    overview: dict
    clicks_by_hour: list[int] = field(default_factory=lambda: [0] * (HOUR_BUCKETS + 1))
    direct_orders_by_hour: list[int] = field(default_factory=lambda: [0] * (HOUR_BUCKETS + 1))
    assisted_orders_by_hour: list[int] = field(default_factory=lambda: [0] * (HOUR_BUCKETS + 1))
    # marts.fct_campaign_costs rows: (currency, priced, estimated, unpriced, cost, cost_per_delivered)
    costs: list[tuple] = field(default_factory=list)


@dataclass
class Account:
    account_id: str
    account_name: str | None
    currency: str
    has_attribution: bool
    campaigns: int = 0
    hard_bounced_contacts: int = 0
    suppressed_contacts: int = 0


CAMPAIGNS_SQL = """
select o.*, d.account_name, d.body, d.media_url, d.created_at, coalesce(a.has_attribution, false) as has_attribution
from marts.fct_campaign_overview o
left join marts.dim_campaigns d on d.campaign_id = o.campaign_id
left join marts.dim_accounts a on a.account_id = o.account_id
order by o.last_sent_at desc nulls last, o.campaign_id
"""

# The accounts with a campaign or a hard-bounced contact; their settings are those of marts.dim_accounts.
ACCOUNTS_SQL = """
with campaigns as (
    select account_id, count(*) as campaigns from marts.dim_campaigns group by account_id
),
suppressions as (
    select account_id, count(*) as hard_bounced, count(*) filter (where is_suppressed) as suppressed
    from marts.contact_suppressions group by account_id
)
select a.account_id, a.account_name, a.currency, a.has_attribution,
    coalesce(campaigns.campaigns, 0), coalesce(suppressions.hard_bounced, 0), coalesce(suppressions.suppressed, 0)
from marts.dim_accounts a
left join campaigns on campaigns.account_id = a.account_id
left join suppressions on suppressions.account_id = a.account_id
where campaigns.account_id is not null or suppressions.account_id is not null
order by a.account_id
"""

# What each campaign cost, one row per currency (never added across currencies).
COSTS_SQL = """
select campaign_id, currency, messages_priced, messages_estimated, messages_unpriced, cost, cost_per_delivered
from marts.fct_campaign_costs
order by campaign_id, currency
"""

# A click (or order) before its message's send time would be bad data; it goes to hour 0.
CLICKS_BY_HOUR_SQL = """
select campaign_id,
    least(greatest(floor(date_diff('second', sent_at, clicked_at) / 3600), 0), ?) as hour,
    count(*)
from marts.fct_clicks
group by all
"""

# An order's hour after send: from the send of the message whose click is the
# campaign's last click before the order (last_click_at) to the order.
ORDERS_BY_HOUR_SQL = """
with orders as (
    select a.order_id, a.campaign_id, a.is_direct, a.ordered_at, max(c.sent_at) as sent_at
    from marts.fct_order_attribution a
    left join marts.fct_clicks c
        on c.campaign_id = a.campaign_id and c.contact_id = a.contact_id and c.clicked_at = a.last_click_at
    group by all
)
select campaign_id, is_direct,
    least(greatest(floor(date_diff('second', coalesce(sent_at, ordered_at), ordered_at) / 3600), 0), ?) as hour,
    count(*)
from orders
group by all
"""

# One row per contact of a tab, in page order, with its cells as the site shows them (fmt.time, fmt.integer,
# "—" for a missing value), formatted set-based here rather than row by row in Python. The status time and
# error code are the mart's (fct_campaign_contacts: those of the contact's deciding message), as in
# `mmsreport report`.
TAB_ROWS_SQL = """
select cc.campaign_id, cc.delivery_status,
    shown(cc.contact_id), shown(d.phone_number_masked), shown(strftime(cc.status_at, '%Y-%m-%d %H:%M')),
    shown(cc.error_code), shown(format('{{:,}}', cc.messages)), shown(format('{{:,}}', cc.clicks))
from marts.fct_campaign_contacts cc
left join marts.dim_contacts d on d.contact_id = cc.contact_id
where cc.delivery_status in ('delivered', 'pending', 'soft_bounce', 'hard_bounce', 'deleted') and {only}
order by cc.campaign_id, cc.delivery_status, cc.status_at desc nulls last, cc.contact_id
"""

SUPPRESSION_ROWS_SQL = """
select s.account_id,
    shown(s.contact_id), shown(d.phone_number_masked), shown(format('{{:,}}', s.hard_bounce_count)),
    shown(strftime(s.suppressed_at, '%Y-%m-%d %H:%M'))
from marts.contact_suppressions s
left join marts.dim_contacts d on d.contact_id = s.contact_id
where s.is_suppressed and s.account_id is not null and {only}
order by s.account_id, s.suppressed_at desc, s.contact_id
"""

# A shown cell: the text, "—" (fmt.DASH) when missing or empty. A macro of the site's DuckDB connection.
SHOWN_MACRO = "create or replace temp macro shown(x) as coalesce(nullif(x::varchar, ''), '—')"


# Digests of the rows behind each campaign's and each account's pages, for the incremental site build:
# one set-based pass per table, grouped by campaign (account). A digest is the row count and the sum of
# DuckDB's 64-bit hash() of each row's shown fields (order-independent: the page order is a function of
# the rows). Every contact row of a campaign counts, also those the tabs do not show (not_sent), so a
# digest may change without a visible change (a needless re-render), never the other way round.
# The campaign list's own figures (overview, charts, names) are hashed in Python from the Campaign
# objects the build loads anyway (assemble.py).
CAMPAIGN_ROWS_DIGEST_SQL = """
select cc.campaign_id,
    concat_ws(':', count(*), sum(hash(cc.contact_id, cc.delivery_status, cc.status_at, cc.error_code, cc.messages,
                                      cc.clicks, d.phone_number_masked)::hugeint))
from marts.fct_campaign_contacts cc
left join marts.dim_contacts d on d.contact_id = cc.contact_id
group by all
"""

ACCOUNT_ROWS_DIGEST_SQL = """
select s.account_id,
    concat_ws(':', count(*),
              sum(hash(s.contact_id, d.phone_number_masked, s.hard_bounce_count, s.suppressed_at)::hugeint))
from marts.contact_suppressions s
left join marts.dim_contacts d on d.contact_id = s.contact_id
where s.is_suppressed and s.account_id is not null
group by all
"""


def connect(warehouse) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse), read_only=True)
    con.execute("set TimeZone = 'UTC'")
    con.execute(SHOWN_MACRO)
    return con


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def campaigns(con: duckdb.DuckDBPyConnection, with_hours: bool = True) -> dict[str, Campaign]:
    """Every campaign of the overview; with_hours: also clicks and orders by hour (needs marts.fct_clicks)."""
    cursor = con.execute(CAMPAIGNS_SQL)
    names = [d[0] for d in cursor.description]
    result = {}
    for row in cursor.fetchall():
        r = dict(zip(names, row, strict=True))
        result[r["campaign_id"]] = Campaign(
            campaign_id=r["campaign_id"], account_id=r["account_id"], account_name=r["account_name"],
            campaign_name=r["campaign_name"], message_type=r["message_type"], body=r["body"],
            media_url=r["media_url"], created_at=r["created_at"], has_attribution=bool(r["has_attribution"]),
            overview=r)
    if has_table(con, "marts", "fct_campaign_costs"):
        for campaign_id, *row in con.execute(COSTS_SQL).fetchall():
            if campaign_id in result:
                result[campaign_id].costs.append(tuple(row))
    if not with_hours:
        return result
    for campaign_id, hour, count in con.execute(CLICKS_BY_HOUR_SQL, [HOUR_BUCKETS]).fetchall():
        if campaign_id in result:
            result[campaign_id].clicks_by_hour[int(hour)] += count
    for campaign_id, is_direct, hour, count in con.execute(ORDERS_BY_HOUR_SQL, [HOUR_BUCKETS]).fetchall():
        if campaign_id in result:
            series = result[campaign_id].direct_orders_by_hour if is_direct else \
                result[campaign_id].assisted_orders_by_hour
            series[int(hour)] += count
    return result


def accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    return [Account(*row) for row in con.execute(ACCOUNTS_SQL).fetchall()]


def _stream(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Iterator[tuple]:
    cursor = con.execute(sql, params or [])
    while rows := cursor.fetchmany(FETCH_ROWS):
        yield from rows


def _only(column: str, ids: list[str] | None) -> tuple[str, list]:
    """A where-condition keeping the rows of `ids` (all rows for None), and its parameters."""
    if ids is None:
        return "true", []
    return f"{column} in (select unnest(?::varchar[]))", [ids]


def tab_rows(con: duckdb.DuckDBPyConnection, campaign_ids: list[str] | None = None) -> Iterator[tuple]:
    """(campaign_id, status, then the shown texts of contact_id, masked number, status_at, error_code, messages,
    clicks), in page order; only the campaigns in campaign_ids when given."""
    only, params = _only("cc.campaign_id", campaign_ids)
    return _stream(con, TAB_ROWS_SQL.format(only=only), params)


def suppression_rows(con: duckdb.DuckDBPyConnection, account_ids: list[str] | None = None) -> Iterator[tuple]:
    """(account_id, then the shown texts of contact_id, masked number, hard_bounce_count, suppressed_at), in page
    order; only the accounts in account_ids when given."""
    only, params = _only("s.account_id", account_ids)
    return _stream(con, SUPPRESSION_ROWS_SQL.format(only=only), params)


def campaign_row_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """campaign_id -> digest of its delivery-tab rows (contacts, status times, error codes, masked numbers)."""
    return dict(con.execute(CAMPAIGN_ROWS_DIGEST_SQL).fetchall())


def account_row_digests(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """account_id -> digest of its suppression-list rows."""
    return dict(con.execute(ACCOUNT_ROWS_DIGEST_SQL).fetchall())


# ---------------------------------------------------------------- deliverability (issue 18)

DELIVERABILITY_DAYS = 14  # daily rows shown per account: its latest days with traffic
TOP_ERROR_CODES = 6  # error codes with their own colour in the chart; the others are "other"

DELIVERABILITY_TOTALS_SQL = """
select account_id, {keys},
    sum(messages_sent) as messages_sent, sum(delivered) as delivered, sum(pending) as pending,
    sum(soft_bounced) as soft_bounced, sum(hard_bounced) as hard_bounced, sum(deleted) as deleted,
    sum(delivered) / sum(messages_sent) as delivery_rate
from marts.fct_deliverability_daily
group by all
order by account_id, messages_sent desc, {keys}
"""

DELIVERABILITY_DAILY_SQL = """
select *
from marts.fct_deliverability_daily
qualify dense_rank() over (partition by account_id order by sent_date desc) <= ?
order by account_id, sent_date desc, messages_sent desc, provider, country_code, carrier
"""

DELIVERY_ERRORS_SQL = """
select account_id, provider, error_code, delivery_status, sum(messages) as messages,
    min(sent_date) as first_date, max(sent_date) as last_date
from marts.fct_delivery_errors
group by all
order by account_id, messages desc, provider, error_code, delivery_status
"""

DELIVERY_ERRORS_BY_DAY_SQL = """
select account_id, sent_date, error_code, sum(messages) as messages
from marts.fct_delivery_errors
group by all
order by account_id, sent_date, error_code
"""

ALERTS_SQL = """
select *
from audit.deliverability_alerts
order by account_id, sent_date desc, drop_points desc, provider, country_code, carrier
"""


@dataclass
class Deliverability:
    """What an account's deliverability page shows (rows as dicts of the marts' columns)."""

    account_id: str
    by_carrier: list[dict] = field(default_factory=list)  # per country and carrier, whole period
    by_provider: list[dict] = field(default_factory=list)  # per provider, whole period
    daily: list[dict] = field(default_factory=list)  # fct_deliverability_daily, latest days first
    errors: list[dict] = field(default_factory=list)  # per provider, error code, status: messages
    errors_by_day: list[dict] = field(default_factory=list)  # per send day and error code: messages
    alerts: list[dict] = field(default_factory=list)  # audit.deliverability_alerts, latest first


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def has_deliverability(con: duckdb.DuckDBPyConnection) -> bool:
    return (has_table(con, "marts", "fct_deliverability_daily") and has_table(con, "marts", "fct_delivery_errors")
            and has_table(con, "audit", "deliverability_alerts"))


def deliverability(con: duckdb.DuckDBPyConnection) -> dict[str, Deliverability]:
    """account_id -> its deliverability figures (marts.fct_deliverability_daily, marts.fct_delivery_errors,
    audit.deliverability_alerts); call only when has_deliverability()."""
    result: dict[str, Deliverability] = {}

    def add(attribute: str, rows: list[dict]) -> None:
        for row in rows:
            entry = result.setdefault(row["account_id"], Deliverability(row["account_id"]))
            getattr(entry, attribute).append(row)

    add("by_carrier", _dicts(con, DELIVERABILITY_TOTALS_SQL.format(keys="country_code, carrier")))
    add("by_provider", _dicts(con, DELIVERABILITY_TOTALS_SQL.format(keys="provider")))
    add("daily", _dicts(con, DELIVERABILITY_DAILY_SQL, [DELIVERABILITY_DAYS]))
    add("errors", _dicts(con, DELIVERY_ERRORS_SQL))
    add("errors_by_day", _dicts(con, DELIVERY_ERRORS_BY_DAY_SQL))
    add("alerts", _dicts(con, ALERTS_SQL))
    return result
