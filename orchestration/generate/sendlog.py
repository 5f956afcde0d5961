"""The send log of a batch of days: table `m` (one row per message and its planned fate)."""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers, incident
from orchestration.generate import scale as sc
from orchestration.generate.plan import DAY, Plan
from orchestration.generate.sqlkit import load_table
from orchestration.generate.vocab import PROVIDER_MIX, buckets


def register(con: duckdb.DuckDBPyConnection) -> None:
    load_table(con, "provider_mix", {"ai": "integer", "bucket": "integer", "provider": "varchar"},
               [(ai, b, p[0]) for ai, mix in PROVIDER_MIX.items()
                for b, p in enumerate(buckets(mix))])


def _outcome_sql() -> str:
    parts = " ".join(f"when u_out < {bound} then '{name}'" for name, bound in sc.OUTCOMES)
    return f"case when dead then (case when u_out < 0.97 then 'dead' else 'none' end) {parts} end"


def build(con: duckdb.DuckDBPyConnection, plan: Plan, days: range) -> int:
    """Create temp table `m` for the messages sent on `days`; returns its row count."""
    slices = [s for day in days for s in plan.day_slices(day)]
    load_table(con, "day_slices", {"camp_idx": "integer", "lo": "bigint", "hi": "bigint",
                                   "start_s": "bigint", "dur": "bigint"}, slices)
    con.execute(f"""create or replace temp table m as
    with s as (
        select camp_idx, lo, hi, start_s, dur, unnest(range(lo, hi)) as i from day_slices
    ), b as (
        select p.msg_base + s.i as g, s.*, p.ai, p.campaign_id, p.is_mms, p.n_unique, p.a,
            p.step, p.seg_base, p.seg_ref, p.body, p.landing_url, a.pool_start, a.pool_size,
            a.account_id, a.region, a.currency
        from s join plan_campaigns p using (camp_idx) join plan_accounts a using (ai)
    ), c as (
        select b.*,
            pool_start + (case when i < n_unique then (a + i * step) % pool_size
                else (a + ri('rep', g, 0, n_unique) * step) % pool_size end) as c,
            start_s + ((i - lo) * dur) // (hi - lo) + ri('jit', g, 0, 20) as sent_s,
            ru('out', g, 0) as u_out
        from b
    ), o as (
        select c.*, ru('dead', c.c, 0) < {sc.DEAD_CONTACT_RATE} as dead,
            case when is_mms then 'mm7'
                when c.ai = {incident.ROUTED_ACCOUNT} and cc.carrier = '{incident.CARRIER}'
                    then '{incident.PROVIDER}'
                else pm.provider end as provider,
            cc.carrier, (sent_s - {plan.epoch0}) // {DAY} as sent_day
        from c join provider_mix pm on pm.ai = c.ai and pm.bucket = ri('prov', g, 0, 100)
        left join contact_carriers cc on cc.c = c.c
    ), f0 as (
        select o.*, {_outcome_sql()} as outcome0 from o
    ), f as (
        select f0.*, case when outcome0 = 'delivered' and {incident.is_incident_sql(plan.days)}
            then 'filtered' else outcome0 end as outcome
        from f0
    ), t as (
        select f.*,
            case outcome
                when 'delivered' then sent_s + 46 + ri('fs', g, 0, 240) + case
                    when ru('tail', g, 0) < 0.05 then ri('tail', g, 1, 6 * 3600) else 0 end
                when 'soft' then sent_s + {DAY} + ri('fs', g, 0, 2 * {DAY})
                when 'hard' then sent_s + 8 + ri('fs', g, 0, 60)
                when 'filtered' then sent_s + 5 + ri('fs', g, 0, 40)
                when 'dead' then sent_s + 8 + ri('fs', g, 0, 60)
                when 'not_sent' then sent_s + 1 + ri('fs', g, 0, 5)
                when 'deleted' then sent_s + 3600 + ri('fs', g, 0, 20 * 3600)
            end as final_s,
            outcome not in ('none', 'pending_only') and ru('cf', g, 0) < {sc.P_CONFLICT}
                as conflict
        from f
    )
    select t.*,
        final_s + 1 + ri('lag', g, 2, 90) + case
            when conflict and ru('cff', g, 0) < 0.5 then {DAY} + ri('late', g, 2, {DAY})
            when ru('late', g, 2) < {sc.P_LATE_RECEIPT} then {DAY} + ri('late', g, 2, 2 * {DAY})
            else 0 end as final_recv_s
    from t""")
    return con.execute("select count(*) from m").fetchall()[0][0]


def stage(con: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, int]:
    """Stage send-log rows of `m`; a few land a day late, a few repeat the next day."""
    rows = f"""
        select msg_id(g) as message_id, campaign_id, contact_id(c, ai) as contact_id,
            iso(sent_s, ri('tf', g, 0, 100)) as sent_at,
            case when bv < 12 then body when bv < 20 then body || ' Ref ' ||
                upper(substr(md5(g::varchar), 1, 4)) end as body,
            case when ru('sg', g, 0) < 0.65 then
                (case when is_mms then 1 when bv between 12 and 19 then seg_ref
                    else seg_base end)::varchar end as segments,
            provider, pmid(provider, g) as provider_message_id,
            (sent_s - {plan.epoch0}) // {DAY} + late as fd, sent_s + late * {DAY} as sk,
            g * 16 + cp as tk
        from (select *, ri('bv', g, 0, 100) as bv, {{late}} as late, {{cp}} as cp
            from m where {{where}})"""
    n = buffers.insert(con, "messages", rows.format(
        late=f"(ru('latem', g, 0) < {sc.P_LATE_MESSAGE})::int", cp=0, where="true"), plan.days)
    dups = buffers.insert(con, "messages", rows.format(
        late=1, cp=1, where=f"ru('mdup', g, 0) < {sc.P_MESSAGE_DUP}"), plan.days)
    return {"rows": n + dups, "duplicates": dups}
