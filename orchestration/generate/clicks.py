"""Link clicks on delivered messages of `m`: temp table `ck` and the clicks buffer."""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers
from orchestration.generate import scale as sc
from orchestration.generate.plan import DAY, Plan
from orchestration.generate.vocab import USER_AGENTS


def build(con: duckdb.DuckDBPyConnection) -> None:
    """Create `ck`: one row per click (message g, click number k) with its time."""
    con.execute(f"""create or replace temp table ck as
    with clickers as (
        select g, c, ai, account_id, region, currency, landing_url,
            coalesce(case when outcome = 'delivered' then final_s end, sent_s + 30) as base_s,
            ru('nclk', g, 0) as u
        from m
        where (outcome = 'delivered' and ru('clk', g, 0) < {sc.P_CLICK})
            or (outcome in ('none', 'pending_only') and ru('clk', g, 0) < 0.02)
    )
    select clickers.* exclude (u), k,
        base_s + 20 + (pow(ru('cd', g, k), 2) * 43200)::bigint
            + k * (60 + ri('cg', g, k, 2 * {DAY})) as click_s
    from clickers, (select unnest([0, 1, 2, 3]) as k) ks
    where k < case when u < 0.72 then 1 when u < 0.92 then 2 when u < 0.98 then 3 else 4 end""")


def stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, int]:
    """Stage clicks of `ck`; a few exact duplicates follow later (some the next day)."""
    agents = "[" + ", ".join("'" + a.replace("'", "''") + "'" for a in USER_AGENTS) + "]"
    late = "(ru('clate', g, k) < 0.01)::int"
    rows = f"""
        select case when ru('cnoid', g, k) >= {sc.P_CLICK_NO_ID} then
                printf('clk_%012x', scramble(g * 4 + k + 1, 48)) end as click_id,
            msg_id(g) as message_id,
            landing_url || case when ru('uq', g, k) < 0.2 then '&ref=share' else '' end as url,
            iso(click_s, ri('tf', g, 30 + k, 100)) as clicked_at,
            case when ru('noua', g, k) < 0.05 then null
                else {agents}[ri('ua', g, k, {len(USER_AGENTS)}) + 1] end as user_agent,
            (click_s - {plan.epoch0}) // {DAY} + {late} + nd as fd,
            click_s + ({late} + nd) * {DAY} + cp * (60 + ri('cds', g, k, 3600)) as sk,
            (g * 4 + k) * 16 + cp as tk
        from (select *, {{cp}} as cp, {{nd}} as nd from ck where {{where}})"""
    n = buffers.insert(con, "clicks", rows.format(cp=0, nd=0, where="true"), plan.days)
    dups = buffers.insert(con, "clicks", rows.format(
        cp=1, nd="(ru('cdsh', g, k) < 0.3)::int",
        where=f"ru('cdup', g, k) < {sc.P_CLICK_DUP}"), plan.days)
    return {"rows": n + dups, "duplicates": dups}
