"""`mmsreport report`: the campaign list, or one campaign's overview tiles and delivery tabs.

Fits an 80-column terminal: the campaign list is printed as two stacked tables
(delivery and engagement, then revenue), as the seed report's columns do not fit one.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.site.fmt import amount

TABS = [("delivered", "Delivered"), ("pending", "Pending"), ("soft_bounce", "Soft bounces"),
        ("hard_bounce", "Hard bounces"), ("deleted", "Deleted")]
TAB_ROWS = 5
WIDTH = 80


def _fmt(value, kind: str = "int") -> str:
    if value is None:
        return "-"
    if kind == "rate":
        return f"{value * 100:.1f}%"
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if kind == "time":
        return value.strftime("%Y-%m-%d %H:%M")
    return f"{value:,}"


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> list[str]:
    """Columns right-aligned except the first `left`; widths from content."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    def line(cells):
        return "  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                              strict=True)))
    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _short(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def campaign_list(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select campaign_id, campaign_name, message_type, last_sent_at, messages_sent, messages_delivered, "
        "total_segments, total_clicks, unique_clicks, click_to_delivered_rate, conversion_rate, direct_orders, "
        "direct_revenue, assisted_orders, assisted_revenue, unsubscribes, currency "
        "from marts.fct_campaign_overview order by last_sent_at desc nulls last, campaign_id"
    ).fetchall()
    if not rows:
        return ["No campaigns yet."]
    campaigns = [[r[0], _short(r[1], 30), r[2], _fmt(r[3], "time")] for r in rows]
    delivery = [[r[0], _fmt(r[4]), _fmt(r[5]), _fmt(r[6]), _fmt(r[7]), _fmt(r[8]), _fmt(r[9], "rate")]
                for r in rows]
    revenue = [[r[0], _fmt(r[10], "rate"), _fmt(r[11]), _fmt(r[12], "money"), _fmt(r[13]), _fmt(r[14], "money"),
                _fmt(r[15]), r[16] or ""] for r in rows]
    out = [f"SMS/MMS campaigns ({len(rows)})", ""]
    out += _table(["Campaign", "Name", "Type", "Last sent"], campaigns, left=4)
    out += ["", "Delivery and clicks", ""]
    out += _table(["Campaign", "Sent", "Delivered", "Segments", "Clicks", "Uniq. clickers", "Click/deliv."],
                  delivery)
    out += ["", "Revenue (advanced revenue attribution, in the account's currency)", ""]
    out += _table(["Campaign", "Conv.", "Orders", "Revenue", "Assisted", "Assisted rev.", "Unsubs", "Cur."],
                  revenue)
    return out


def _cost_lines(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[str]:
    """Cost and cost per delivered message, one line per currency: currencies are never added."""
    if not con.execute("select count(*) from information_schema.tables "
                       "where table_schema = 'marts' and table_name = 'fct_campaign_costs'").fetchone()[0]:
        return []
    rows = con.execute(
        "select currency, messages_priced, messages_estimated, messages_unpriced, cost, cost_per_delivered "
        "from marts.fct_campaign_costs where campaign_id = ? order by currency", [campaign_id]).fetchall()
    out = ["", "Cost (provider-reported prices, else the price list seeds/sms_prices.csv)"]
    for currency, priced, estimated, unpriced, cost, per_delivered in rows:
        if priced + estimated == 0 and unpriced == 0:
            continue
        per = "-" if per_delivered is None else amount(per_delivered, None, 4)
        line = (f"  {currency}: {amount(cost, None, 2):>12}   per delivered {per:>8}"
                f"   ({priced:,} reported, {estimated:,} estimated")
        out.append(line + (f", {unpriced:,} without a price)" if unpriced else ")"))
    if len(out) == 2:
        out.append("  no billable message")
    return out


def campaign_detail(con: duckdb.DuckDBPyConnection, campaign_id: str) -> list[str] | None:
    row = con.execute("select * from marts.fct_campaign_overview where campaign_id = ?", [campaign_id]).fetchone()
    if row is None:
        return None
    o = dict(zip([d[0] for d in con.description], row, strict=True))
    out = [f"{o['campaign_name']} ({o['campaign_id']}, {o['message_type']}, account {o['account_id']})",
           f"Last sent {_fmt(o['last_sent_at'], 'time')}", ""]
    tiles = [
        ("Revenue", f"{_fmt(o['direct_revenue'], 'money')} {o['currency'] or ''}".strip()),
        ("Assisted revenue", _fmt(o["assisted_revenue"], "money")),
        ("Orders", _fmt(o["direct_orders"])), ("Conversion", _fmt(o["conversion_rate"], "rate")),
        ("Unique sends", _fmt(o["unique_sends"])), ("Unique deliveries", _fmt(o["unique_deliveries"])),
        ("Pending", _fmt(o["pending"])), ("Soft bounces", _fmt(o["soft_bounces"])),
        ("Hard bounced", _fmt(o["hard_bounces"])), ("Deleted", _fmt(o["deleted"])),
        ("Unsubscribes", _fmt(o["unsubscribes"])), ("Unique clickers", _fmt(o["unique_clicks"])),
        ("Total sent", _fmt(o["messages_sent"])), ("Total delivered", _fmt(o["messages_delivered"])),
        ("Segments", _fmt(o["total_segments"])), ("Click/delivered", _fmt(o["click_to_delivered_rate"], "rate")),
    ]
    cells = [f"{label:<18}{value:>18}" for label, value in tiles]
    out += ["  ".join(cells[i:i + 2]) for i in range(0, len(cells), 2)]
    out += _cost_lines(con, campaign_id)
    for status, title in TABS:
        count, = con.execute(
            "select count(*) from marts.fct_campaign_contacts where campaign_id = ? and delivery_status = ?",
            [campaign_id, status],
        ).fetchone()
        out += ["", f"{title} ({count:,} contacts)"]
        contacts = con.execute(
            "select c.contact_id, d.phone_number_masked, c.messages, c.clicks, c.status_at, c.error_code "
            "from marts.fct_campaign_contacts c "
            "left join marts.dim_contacts d on d.contact_id = c.contact_id "
            "where c.campaign_id = ? and c.delivery_status = ? "
            "order by c.contact_id limit ?",
            [campaign_id, status, TAB_ROWS],
        ).fetchall()
        if contacts:
            out += ["  " + line for line in _table(
                ["Contact", "Number", "Msgs", "Clicks", "Status at", "Error"],
                [[_short(c[0], 16), c[1] or "-", _fmt(c[2]), _fmt(c[3]), _fmt(c[4], "time"), c[5] or ""]
                 for c in contacts], left=2)]
            if count > TAB_ROWS:
                out.append(f"  … and {count - TAB_ROWS:,} more")
    return out


def print_report(warehouse: Path, campaign_id: str | None = None, out=sys.stdout) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        if campaign_id is None:
            lines = campaign_list(con)
        else:
            lines = campaign_detail(con, campaign_id)
            if lines is None:
                print(f"mmsreport report: no campaign {campaign_id!r} (run `mmsreport report` for the list)",
                      file=sys.stderr)
                return 2
    print("\n".join(lines), file=out)
    return 0


# ---------------------------------------------------------------- deliverability (issue 18)

DELIVERABILITY_ROWS = 10  # carriers and error codes shown per account


def deliverability(con: duckdb.DuckDBPyConnection, account_id: str | None = None) -> list[str] | None:
    """Per account: delivery rates by country and carrier, the top error codes and the alerts; None when the
    warehouse has no deliverability marts (built before them)."""
    tables = {r[0] for r in con.execute(
        "select table_schema || '.' || table_name from information_schema.tables").fetchall()}
    if not {"marts.fct_deliverability_daily", "marts.fct_delivery_errors", "audit.deliverability_alerts"} <= tables:
        return None
    only = "" if account_id is None else "where account_id = ?"
    params = [] if account_id is None else [account_id]
    carriers = con.execute(
        "select account_id, country_code, carrier, sum(messages_sent), sum(delivered), sum(soft_bounced), "
        "sum(hard_bounced), sum(delivered) / sum(messages_sent) "
        f"from marts.fct_deliverability_daily {only} group by all "
        "order by account_id, sum(messages_sent) desc, country_code, carrier", params).fetchall()
    errors = con.execute(
        "select account_id, provider, error_code, delivery_status, sum(messages) "
        f"from marts.fct_delivery_errors {only} group by all "
        "order by account_id, sum(messages) desc, provider, error_code, delivery_status", params).fetchall()
    alerts = con.execute(
        "select account_id, sent_date, provider, country_code, carrier, messages_sent, delivery_rate, "
        f"trailing_delivery_rate, drop_points from audit.deliverability_alerts {only} "
        "order by account_id, sent_date, provider, country_code, carrier", params).fetchall()
    accounts = sorted({r[0] for r in carriers} | {r[0] for r in alerts})
    if not accounts:
        return ["No messages sent yet." if account_id is None else f"No messages sent for account {account_id}."]
    out = [f"Deliverability ({len(alerts)} alert{'s' if len(alerts) != 1 else ''})",
           "Carrier: the original carrier of the number's range (libphonenumber's offline",
           "data), not the network a number was ported to."]
    for account in accounts:
        mine = [r for r in carriers if r[0] == account]
        out += ["", f"Account {account}: delivery by country and carrier", ""]
        out += ["  " + line for line in _table(
            ["Country", "Carrier", "Sent", "Delivered", "Soft b.", "Hard b.", "Deliv. rate"],
            [[r[1], _short(r[2], 20), _fmt(r[3]), _fmt(r[4]), _fmt(r[5]), _fmt(r[6]), _fmt(r[7], "rate")]
             for r in mine[:DELIVERABILITY_ROWS]], left=2)]
        if len(mine) > DELIVERABILITY_ROWS:
            out.append(f"  … and {len(mine) - DELIVERABILITY_ROWS:,} more")
        codes = [r for r in errors if r[0] == account]
        out += ["", "  Top error codes", ""]
        out += ["  " + line for line in _table(
            ["Provider", "Error code", "Status", "Messages"],
            [[r[1], _short(r[2], 16), r[3], _fmt(r[4])] for r in codes[:DELIVERABILITY_ROWS]], left=3)] \
            if codes else ["  None."]
        mine_alerts = [r for r in alerts if r[0] == account]
        out += ["", "  Alerts (delivery rate at least alert_drop_points below the trailing 7 days)", ""]
        out += ["  " + line for line in _table(
            ["Send day", "Provider", "Country", "Carrier", "Sent", "Rate", "7-day", "Drop"],
            [[r[1].isoformat(), r[2], r[3], _short(r[4], 16), _fmt(r[5]), _fmt(r[6], "rate"), _fmt(r[7], "rate"),
              f"{r[8]:.1f}"] for r in mine_alerts], left=4)] if mine_alerts else ["  None."]
    return out


def print_deliverability(warehouse: Path, account_id: str | None = None, out=sys.stdout) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        lines = deliverability(con, account_id)
    if lines is None:
        print("mmsreport report: this warehouse has no deliverability marts (rebuild it with `mmsreport run`)",
              file=sys.stderr)
        return 2
    print("\n".join(lines), file=out)
    return 0


def alert_summary(warehouse: Path) -> list[str]:
    """The deliverability alerts in a few lines, for `mmsreport demo`; [] without alerts or marts."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        try:
            alerts = con.execute(
                "select account_id, sent_date, provider, country_code, carrier, messages_sent, delivery_rate, "
                "trailing_delivery_rate from audit.deliverability_alerts "
                "order by sent_date, account_id, provider, country_code, carrier").fetchall()
        except duckdb.CatalogException:
            return []
    return [f"Deliverability alert: {r[0]} {r[1].isoformat()} {r[2]} → {r[3]} {r[4]}: {_fmt(r[6], 'rate')} delivered "
            f"of {_fmt(r[5])} (trailing 7 days {_fmt(r[7], 'rate')})" for r in alerts]
