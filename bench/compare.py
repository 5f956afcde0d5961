"""Sanity check: the baseline's marts (B1) against the product's (B2) on the same landing data.

Totals of every count and revenue column of fct_campaign_overview, the row
counts of the five marts, and row by row: the rows of each mart found in one
warehouse and not the other (over the columns both have). Small differences are expected: the product
validates rows and normalises phone numbers exactly (libphonenumber), the
baseline approximates (see bench/README.md).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.baseline import MARTS

OVERVIEW_COLUMNS = (
    "messages_sent", "messages_delivered", "total_segments", "unique_sends", "unique_deliveries", "pending",
    "soft_bounces", "hard_bounces", "deleted", "total_clicks", "unique_clicks", "direct_orders",
    "direct_revenue", "assisted_orders", "assisted_revenue", "unsubscribes",
)
MART_ROWS = {
    "fct_messages": "count(*)",
    "fct_campaign_contacts": "count(*)",
    "fct_campaign_overview": "count(*)",
    "fct_order_attribution": "count(*)",
    "contact_suppressions": "count(*)",
    "contact_suppressions (is_suppressed)": "count_if(is_suppressed)",
}


def _totals(database: Path) -> dict[str, float | None]:
    totals: dict[str, float | None] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        overview_columns = set()
        if "fct_campaign_overview" in tables:
            overview_columns = {row[0] for row in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = 'marts' and table_name = 'fct_campaign_overview'").fetchall()}
        for column in OVERVIEW_COLUMNS:
            if column in overview_columns:
                value = con.execute(f"select sum({column}) from marts.fct_campaign_overview").fetchone()[0]
                totals[f"overview.{column}"] = float(value or 0)
            else:
                totals[f"overview.{column}"] = None
        for label, expression in MART_ROWS.items():
            table = label.split(" ")[0]
            totals[f"rows.{label}"] = (
                float(con.execute(f"select {expression} from marts.{table}").fetchone()[0])
                if table in tables else None)
    return totals


def compare(product: Path, baseline: Path) -> list[dict]:
    """One row per measure: product value, baseline value, difference and relative difference."""
    ours, theirs = _totals(product), _totals(baseline)
    rows = []
    for key in ours:
        p, b = ours[key], theirs.get(key)
        diff = None if p is None or b is None else b - p
        rel = None if diff is None or not p else diff / p
        rows.append({"measure": key, "product": p, "baseline": b, "diff": diff, "rel": rel})
    return rows


def row_differences(product: Path, baseline: Path) -> list[dict]:
    """Per mart: rows only in the product's table and only in the baseline's (EXCEPT ALL over their
    common columns); None when the product has no such table yet."""
    out = []
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.execute("attach ? as product (read_only)", [str(product)])
        con.execute("attach ? as baseline (read_only)", [str(baseline)])
        for mart in MARTS:
            columns = [row[0] for row in con.execute(
                "select b.column_name from information_schema.columns b "
                "join information_schema.columns p on p.table_catalog = 'product' and p.table_schema = 'marts' "
                "and p.table_name = b.table_name and p.column_name = b.column_name "
                "where b.table_catalog = 'baseline' and b.table_schema = 'marts' and b.table_name = ? "
                "order by b.ordinal_position", [mart]).fetchall()]
            if not columns:
                out.append({"mart": mart, "columns": 0, "only_product": None, "only_baseline": None})
                continue
            cols = ", ".join(f'"{c}"' for c in columns)
            counts = [con.execute(
                f"select count(*) from (select {cols} from {a}.marts.{mart} except all "  # noqa: S608
                f"select {cols} from {b}.marts.{mart})").fetchone()[0]
                for a, b in (("product", "baseline"), ("baseline", "product"))]
            out.append({"mart": mart, "columns": len(columns), "only_product": counts[0],
                        "only_baseline": counts[1]})
    finally:
        con.close()
    return out
