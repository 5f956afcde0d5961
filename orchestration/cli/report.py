"""`mmsreport report`: the campaign list, or one campaign's overview tiles and delivery tabs.

Fits an 80-column terminal: the campaign list is printed as two stacked tables
(delivery and engagement, then revenue), as the seed report's columns do not fit one.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import duckdb

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
