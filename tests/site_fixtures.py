"""A tiny hand-made warehouse with only the marts the site reads, shaped to hit its edge cases.

Accounts: acc_gb (GBP) and acc_eu (EUR) with attributed orders, acc_none without any.
Campaigns: c_xss (SMS, a name and body with HTML in them, 250 contacts: paginated tabs),
c_remote (MMS with an https image), c_local (MMS with a local image file, account without
attribution), c_draft (no messages).
"""

from __future__ import annotations

import atexit
import base64
import shutil
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from orchestration.paths import REPO_ROOT

XSS_NAME = '<script>alert("x")</script> & Sons'
XSS_BODY = "Hi <b>there</b> & welcome: https://shop.example/x?a=1&b=2"
REMOTE_MEDIA = "https://cdn.example.com/mms/hero.jpg"
T0 = datetime(2026, 11, 2, 10, 0)
# 1x1 transparent PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
                       "AAAABJRU5ErkJggg==")

# The marts the site reads. Their tables are created from the models' contracts (the column names and
# data types of the dbt yml files), so the fixture cannot drift from what dbt builds.
MARTS = ["dim_accounts", "dim_campaigns", "dim_contacts", "fct_messages", "fct_campaign_contacts", "fct_clicks",
         "fct_order_attribution", "contact_suppressions", "fct_campaign_overview"]


def contract_columns() -> dict[str, list[tuple[str, str]]]:
    """model -> [(column, data_type)] of every contracted mart, from the dbt yml files."""
    models = {}
    for yml in sorted((REPO_ROOT / "dbt_project" / "models" / "marts").rglob("_*__models.yml")):
        for model in yaml.safe_load(yml.read_text(encoding="utf-8")).get("models", []):
            if model.get("config", {}).get("contract", {}).get("enforced"):
                models[model["name"]] = [(c["name"], c["data_type"]) for c in model["columns"]]
    return models


def create_marts(con: duckdb.DuckDBPyConnection) -> None:
    contracts = contract_columns()
    con.execute("create schema marts")
    for name in MARTS:
        columns = ", ".join(f"{column} {data_type}" for column, data_type in contracts[name])
        con.execute(f"create table marts.{name} ({columns})")


def insert(con: duckdb.DuckDBPyConnection, table: str, **values) -> None:
    """One row; columns not given are null."""
    con.execute(f"insert into marts.{table} ({', '.join(values)}) values ({', '.join('?' * len(values))})",
                list(values.values()))


# The derived marts, computed here by the fixture's own (simplified) rules from the rows above them.
ACCOUNTS = """
delete from marts.dim_accounts;
insert into marts.dim_accounts by name
select account_id, any_value(account_name) as account_name, any_value(currency) as currency,
    'GB' as default_region, true as hard_bounce_suppression, 120 as attribution_window_hours,
    account_id in (select account_id from marts.fct_order_attribution) as has_attribution, true as is_loaded
from marts.dim_campaigns group by account_id
"""

OVERVIEW = """
delete from marts.fct_campaign_overview;
insert into marts.fct_campaign_overview by name
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


def rebuild_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute the overview and the accounts after a test changed the rows they are derived from."""
    con.execute(OVERVIEW)
    con.execute(ACCOUNTS)


_TEMPLATE: list[Path] = []  # built once per process in a folder of its own, never handed out itself


def make_warehouse(folder: Path) -> Path:
    """folder/mini.duckdb and the local MMS image folder/hero.png: a copy of a template built once per process."""
    if not _TEMPLATE:
        template_dir = Path(tempfile.mkdtemp(prefix="site-fixture-"))
        atexit.register(shutil.rmtree, template_dir, True)
        (template_dir / "hero.png").write_bytes(PNG)
        _build(template_dir / "mini.duckdb", template_dir / "hero.png")
        _TEMPLATE.append(template_dir / "mini.duckdb")
    image = folder / "hero.png"
    image.write_bytes(PNG)
    path = folder / "mini.duckdb"
    shutil.copyfile(_TEMPLATE[0], path)
    with duckdb.connect(str(path)) as con:
        con.execute("update marts.dim_campaigns set media_url = ? where media_url = ?",
                    [str(image), str(_TEMPLATE[0].with_name("hero.png"))])
    return path


def _build(path: Path, image: Path) -> None:
    con = duckdb.connect(str(path))
    create_marts(con)
    n = 0
    for cid, acc, acc_name, name, kind, body, media, cur, statuses in CAMPAIGNS:
        media = str(image) if media == "LOCAL" else media
        insert(con, "dim_campaigns", campaign_id=cid, account_id=acc, account_name=acc_name, campaign_name=name,
               message_type=kind, body=body, media_url=media, created_at=T0, updated_at=T0, currency=cur)
        for status, count in statuses.items():
            for _ in range(count):
                n += 1
                contact, message = f"k{n:04d}", f"m{n:04d}"
                sent = T0 + timedelta(minutes=n)
                number = f"+447700{n:06d}"
                masked = number[:3] + "*" * (len(number) - 7) + number[-4:]
                insert(con, "dim_contacts", contact_id=contact, account_id=acc, phone_number_masked=masked,
                       created_at=T0, updated_at=T0)
                clicks = 1 if n % 4 == 0 and status == "delivered" else 0
                status_at = None if status == "pending" else sent + timedelta(seconds=30)
                error_code = "30005" if status == "hard_bounce" else None
                insert(con, "fct_messages", message_id=message, campaign_id=cid, account_id=acc, contact_id=contact,
                       message_type=kind, sent_at=sent, delivery_status=status, status_at=status_at,
                       error_code=error_code, segments=1, clicks=clicks)
                insert(con, "fct_campaign_contacts", campaign_id=cid, contact_id=contact, account_id=acc,
                       delivery_status=status, status_at=status_at, error_code=error_code, messages=1, clicks=clicks)
                if clicks:
                    clicked = sent + timedelta(hours=n % 60)
                    insert(con, "fct_clicks", click_key=f"x{n}", click_id=f"x{n}", message_id=message, campaign_id=cid,
                           contact_id=contact, account_id=acc, clicked_at=clicked, sent_at=sent)
                    if acc != "acc_none" and n % 8 == 0:
                        revenue = Decimal("19.99") + n
                        insert(con, "fct_order_attribution", order_id=f"o{n}", account_id=acc, contact_id=contact,
                               campaign_id=cid, ordered_at=clicked + timedelta(hours=2), revenue=revenue,
                               is_direct=True, direct_revenue=revenue, assisted_revenue=Decimal(0),
                               linear_revenue=revenue, last_click_at=clicked)
                if status == "hard_bounce":
                    insert(con, "contact_suppressions", contact_id=contact, account_id=acc, hard_bounce_count=3,
                           consecutive_hard_bounces=3, threshold_reached_at=sent, is_suppressed=True,
                           suppressed_at=sent)
    rebuild_derived(con)
    con.close()


def add_campaign_costs(warehouse: Path) -> None:
    """marts.fct_campaign_costs for the mini warehouse: c_xss billed in USD and EUR with unpriced
    messages on its GBP row; c_draft with no billable message."""
    with duckdb.connect(str(warehouse)) as con:
        columns = ", ".join(f"{column} {data_type}" for column, data_type in contract_columns()["fct_campaign_costs"])
        con.execute(f"create table marts.fct_campaign_costs ({columns})")
        con.execute("""insert into marts.fct_campaign_costs values
            ('c_xss', 'acc_gb', 'USD', 100, 20, 0, 1.234567, 0.012346),
            ('c_xss', 'acc_gb', 'EUR', 0, 10, 0, 0.333, null),
            ('c_xss', 'acc_gb', 'GBP', 0, 0, 3, 0, null),
            ('c_draft', 'acc_gb', 'GBP', 0, 0, 0, 0, null)""")
