"""A tiny hand-made warehouse with only the marts the site reads, shaped to hit its edge cases.

Accounts: acc_gb (GBP) and acc_eu (EUR) with attributed orders, acc_none without any.
Campaigns: c_xss (SMS, a name and body with HTML in them, 250 contacts: paginated tabs),
c_remote (MMS with an https image), c_local (MMS with a local image file, account without
attribution), c_draft (no messages).
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

XSS_NAME = '<script>alert("x")</script> & Sons'
XSS_BODY = "Hi <b>there</b> & welcome: https://shop.example/x?a=1&b=2"
REMOTE_MEDIA = "https://cdn.example.com/mms/hero.jpg"
T0 = datetime(2026, 11, 2, 10, 0)
# 1x1 transparent PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                       "AAAABJRU5ErkJggg==")

SCHEMA = """
create schema marts;
create table marts.dim_campaigns (campaign_id varchar, account_id varchar, account_name varchar,
    campaign_name varchar, message_type varchar, body varchar, media_url varchar, created_at timestamp,
    updated_at timestamp, currency varchar);
create table marts.dim_contacts (contact_id varchar, account_id varchar, phone_number_masked varchar,
    created_at timestamp, updated_at timestamp);
create table marts.fct_messages (message_id varchar, campaign_id varchar, account_id varchar, contact_id varchar,
    message_type varchar, sent_at timestamp, delivery_status varchar, status_at timestamp, error_code varchar,
    segments integer, clicks bigint);
create table marts.fct_campaign_contacts (campaign_id varchar, contact_id varchar, account_id varchar,
    delivery_status varchar, messages bigint, clicks bigint);
create table marts.fct_clicks (click_key varchar, click_id varchar, message_id varchar, campaign_id varchar,
    contact_id varchar, account_id varchar, url varchar, clicked_at timestamp, sent_at timestamp);
create table marts.fct_order_attribution (order_id varchar, account_id varchar, contact_id varchar,
    campaign_id varchar, ordered_at timestamp, revenue decimal(18,2), is_direct boolean,
    direct_revenue decimal(18,2), assisted_revenue decimal(18,2), linear_revenue decimal(18,2),
    last_click_at timestamp);
create table marts.contact_suppressions (contact_id varchar, account_id varchar, hard_bounce_count bigint,
    consecutive_hard_bounces bigint, threshold_reached_at timestamp, is_suppressed boolean,
    suppressed_at timestamp);
"""

OVERVIEW = """
create table marts.fct_campaign_overview as
with m as (
    select campaign_id, max(sent_at) as last_sent_at,
        count(*) filter (where delivery_status <> 'not_sent') as messages_sent,
        count(*) filter (where delivery_status = 'delivered') as messages_delivered,
        coalesce(sum(segments) filter (where delivery_status <> 'not_sent'), 0) as total_segments
    from marts.fct_messages group by 1
), cc as (
    select campaign_id,
        count(*) filter (where delivery_status <> 'not_sent') as unique_sends,
        count(*) filter (where delivery_status = 'delivered') as unique_deliveries,
        count(*) filter (where delivery_status = 'pending') as pending,
        count(*) filter (where delivery_status = 'soft_bounce') as soft_bounces,
        count(*) filter (where delivery_status = 'hard_bounce') as hard_bounces,
        count(*) filter (where delivery_status = 'deleted') as deleted,
        sum(clicks) as total_clicks, count(*) filter (where clicks > 0) as unique_clicks
    from marts.fct_campaign_contacts group by 1
), o as (
    select campaign_id, count(*) filter (where is_direct) as direct_orders, sum(direct_revenue) as direct_revenue,
        count(*) filter (where not is_direct) as assisted_orders, sum(assisted_revenue) as assisted_revenue
    from marts.fct_order_attribution group by 1
)
select d.campaign_id, d.account_id, d.campaign_name, d.message_type, m.last_sent_at,
    coalesce(m.messages_sent, 0)::bigint as messages_sent,
    coalesce(m.messages_delivered, 0)::bigint as messages_delivered,
    coalesce(m.total_segments, 0)::bigint as total_segments, coalesce(cc.unique_sends, 0)::bigint as unique_sends,
    coalesce(cc.unique_deliveries, 0)::bigint as unique_deliveries, coalesce(cc.pending, 0)::bigint as pending,
    coalesce(cc.soft_bounces, 0)::bigint as soft_bounces, coalesce(cc.hard_bounces, 0)::bigint as hard_bounces,
    coalesce(cc.deleted, 0)::bigint as deleted, coalesce(cc.total_clicks, 0)::bigint as total_clicks,
    coalesce(cc.unique_clicks, 0)::bigint as unique_clicks,
    cc.unique_clicks / nullif(cc.unique_deliveries, 0) as click_to_delivered_rate,
    coalesce(o.direct_orders, 0)::bigint as direct_orders, coalesce(o.direct_revenue, 0) as direct_revenue,
    coalesce(o.assisted_orders, 0)::bigint as assisted_orders, coalesce(o.assisted_revenue, 0) as assisted_revenue,
    o.direct_orders / nullif(cc.unique_deliveries, 0) as conversion_rate,
    0::bigint as unsubscribes, d.currency
from marts.dim_campaigns d
left join m using (campaign_id) left join cc using (campaign_id) left join o using (campaign_id)
"""

# (campaign, account, account name, name, type, body, media, currency, contacts by status)
CAMPAIGNS = [
    ("c_xss", "acc_gb", "GB Shop", XSS_NAME, "SMS", XSS_BODY, None, "GBP",
     {"delivered": 230, "pending": 10, "soft_bounce": 5, "hard_bounce": 3, "deleted": 2, "not_sent": 1}),
    ("c_remote", "acc_eu", "EU Shop", "Remote image", "MMS", "Look!", REMOTE_MEDIA, "EUR",
     {"delivered": 20, "hard_bounce": 4}),
    ("c_local", "acc_none", "No Attribution Ltd", "Local image", "MMS", "Local", "LOCAL", "GBP",
     {"delivered": 7, "pending": 1}),
    ("c_draft", "acc_gb", "GB Shop", "Draft", "SMS", None, None, "GBP", {}),
]


def make_warehouse(folder: Path) -> Path:
    image = folder / "hero.png"
    image.write_bytes(PNG)
    path = folder / "mini.duckdb"
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    n = 0
    for cid, acc, acc_name, name, kind, body, media, cur, statuses in CAMPAIGNS:
        media = str(image) if media == "LOCAL" else media
        con.execute("insert into marts.dim_campaigns values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [cid, acc, acc_name, name, kind, body, media, T0, T0, cur])
        for status, count in statuses.items():
            for _ in range(count):
                n += 1
                contact, message = f"k{n:04d}", f"m{n:04d}"
                sent = T0 + timedelta(minutes=n)
                number = f"+447700{n:06d}"
                masked = number[:3] + "*" * (len(number) - 7) + number[-4:]
                con.execute("insert into marts.dim_contacts values (?, ?, ?, ?, ?)", [contact, acc, masked, T0, T0])
                clicks = 1 if n % 4 == 0 and status == "delivered" else 0
                con.execute("insert into marts.fct_messages values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [message, cid, acc, contact, kind, sent, status,
                             None if status == "pending" else sent + timedelta(seconds=30),
                             "30005" if status == "hard_bounce" else None, 1, clicks])
                con.execute("insert into marts.fct_campaign_contacts values (?, ?, ?, ?, ?, ?)",
                            [cid, contact, acc, status, 1, clicks])
                if clicks:
                    clicked = sent + timedelta(hours=n % 60)
                    con.execute("insert into marts.fct_clicks values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                [f"x{n}", f"x{n}", message, cid, contact, acc, None, clicked, sent])
                    if acc != "acc_none" and n % 8 == 0:
                        revenue = Decimal("19.99") + n
                        con.execute("insert into marts.fct_order_attribution values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    [f"o{n}", acc, contact, cid, clicked + timedelta(hours=2), revenue, True, revenue,
                                     Decimal(0), revenue, clicked])
                if status == "hard_bounce":
                    con.execute("insert into marts.contact_suppressions values (?, ?, ?, ?, ?, ?, ?)",
                                [contact, acc, 3, 3, sent, True, sent])
    con.execute(OVERVIEW)
    con.close()
    return path


def add_campaign_costs(warehouse: Path) -> None:
    """marts.fct_campaign_costs for the mini warehouse: c_xss billed in USD and EUR with unpriced
    messages on its GBP row; c_draft with no billable message."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("""create table marts.fct_campaign_costs (campaign_id varchar, account_id varchar,
            currency varchar, messages_priced bigint, messages_estimated bigint, messages_unpriced bigint,
            cost decimal(18, 6), cost_per_delivered decimal(18, 6))""")
        con.execute("""insert into marts.fct_campaign_costs values
            ('c_xss', 'acc_gb', 'USD', 100, 20, 0, 1.234567, 0.012346),
            ('c_xss', 'acc_gb', 'EUR', 0, 10, 0, 0.333, null),
            ('c_xss', 'acc_gb', 'GBP', 0, 0, 3, 0, null),
            ('c_draft', 'acc_gb', 'GBP', 0, 0, 0, 0, null)""")
