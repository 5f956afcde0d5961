"""Reference entities: accounts, campaigns and contacts (first version and later updates)."""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers, incident, scale
from orchestration.generate.plan import ACCOUNTS, DAY, RENAMED_ACCOUNT, Plan
from orchestration.generate.sqlkit import load_table

INVALID_PHONES = ("12345", "0791112", "+44 12", "n/a", "+49 000", "07911 12345a", "999")


def register(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Load the Python plan into small tables the per-day SQL joins to."""
    load_table(con, "plan_accounts", {
        "ai": "integer", "account_id": "varchar", "region": "varchar", "currency": "varchar",
        "pool_start": "bigint", "pool_size": "bigint"}, [
        (i, a.account_id, a.region, a.currency_eff, *plan.pools[i])
        for i, a in enumerate(ACCOUNTS)])
    load_table(con, "plan_campaigns", {
        "camp_idx": "integer", "campaign_id": "varchar", "ai": "integer",
        "message_type": "varchar", "is_mms": "boolean", "name": "varchar", "body": "varchar",
        "media_url": "varchar", "landing_url": "varchar", "created_s": "bigint",
        "updated_s": "bigint", "folder_day": "integer", "update_day": "integer",
        "msg_base": "bigint", "n_unique": "bigint", "a": "bigint", "step": "bigint",
        "seg_base": "integer", "seg_ref": "integer"},
        [(c.idx, c.campaign_id, c.ai, c.message_type, c.is_mms, c.name, c.body, c.media_url,
          c.landing_url, c.created_s, c.updated_s, c.folder_day, c.update_day, c.msg_base,
          c.n_unique, c.a, c.step, c.seg_base, c.seg_ref) for c in plan.campaigns])


def _accounts(con, plan: Plan, days: range) -> int:
    rows = []
    if 0 in days:
        for i, a in enumerate(ACCOUNTS):
            updated = plan.epoch0 - 30 * DAY + i * 3600 if a.currency else None
            rows.append((i, a.account_id, a.name, a.currency, a.default_region,
                         a.hard_bounce_suppression, a.attribution_window_hours, updated, 0))
    rename_day = plan.days // 2
    if plan.days > 1 and rename_day in days:
        i, new_name = RENAMED_ACCOUNT
        a = ACCOUNTS[i]
        rows.append((i, a.account_id, new_name, a.currency, a.default_region,
                     a.hard_bounce_suppression, a.attribution_window_hours,
                     plan.epoch0 + rename_day * DAY + 10 * 3600, rename_day))
    if not rows:
        return 0
    load_table(con, "acc_rows", {
        "ai": "integer", "account_id": "varchar", "name": "varchar", "currency": "varchar",
        "default_region": "varchar", "hbs": "varchar", "awh": "varchar", "updated_s": "bigint",
        "fd": "integer"}, rows)
    return buffers.insert(con, "accounts", """
        select account_id, name, nullif(currency, '') as currency,
            nullif(default_region, '') as default_region,
            nullif(hbs, '') as hard_bounce_suppression,
            nullif(awh, '') as attribution_window_hours,
            case when updated_s is not null then iso(updated_s, 0) end as updated_at,
            fd, coalesce(updated_s, 0) as sk, ai * 16 as tk
        from acc_rows""", plan.days)


def _campaigns(con, plan: Plan, days: range) -> int:
    lo, hi = days.start, days.stop - 1
    return buffers.insert(con, "campaigns", f"""
        select campaign_id, p.account_id, c.name || case when v = 1 then ' (resend)' else '' end
                as name,
            message_type, body, media_url,
            iso(created_s, ri('tf', camp_idx, 50, 100)) as created_at,
            case when v = 1 then iso({plan.epoch0} + update_day * {DAY}
                    + ri('cu', camp_idx, 0, 86400), ri('tf', camp_idx, 51, 100))
                when updated_s is not null then iso(updated_s, ri('tf', camp_idx, 52, 100))
                end as updated_at,
            case when v = 1 then update_day else folder_day end as fd,
            created_s + v * 10 * {DAY} as sk, camp_idx * 16 + v as tk
        from plan_campaigns c join plan_accounts p using (ai),
            (select unnest([0, 1]) as v) versions
        where (v = 0 and folder_day between {lo} and {hi})
            or (v = 1 and update_day between {lo} and {hi})""", plan.days)


def _contact_rows(version: int, where: str) -> str:
    """SQL of contact rows (version 0 = original, 1 = updated phone formatting)."""
    return f"""
        select contact_id(c, ai) as contact_id, account_id,
            case when c >= n_valid then {list(INVALID_PHONES)}[c % {len(INVALID_PHONES)} + 1]
                else phone_fmt(cc, nsn, ri('pv', c, {version}, 100)) end as phone_number,
            iso(created_s, ri('tf', c, 60, 100)) as created_at,
            case when {version} = 1 then iso(upd_s, ri('tf', c, 61, 100))
                when ru('cnu', c, 0) < 0.7 then iso(created_s + ri('cu', c, 0, 30 * {DAY}),
                    ri('tf', c, 62, 100)) end as updated_at,
            {'upd_day' if version else '0'} as fd, {version} as sk, c * 16 + {version} as tk
        from (select *, cc_of(c, region) as cc, nsn(c, region) as nsn from contact_base
            where {where})"""


def _contacts(con, plan: Plan, days: range) -> int:
    sc = plan.scale
    n = 0
    if 0 in days:
        con.execute(f"""create or replace temp table contact_base as
            select c, coalesce(p.ai, (c - {sc.contacts}) % {len(ACCOUNTS)}) as ai,
                {sc.contacts} as n_valid,
                {plan.epoch0} - {DAY} - ri('cc', c, 0, 400 * {DAY}) as created_s,
                1 + ri('cud', c, 0, {max(1, plan.days - 1)}) as upd_day,
                {plan.epoch0} + (1 + ri('cud', c, 0, {max(1, plan.days - 1)})) * {DAY}
                    + ri('cut', c, 0, {DAY}) as upd_s,
                ru('cupd', c, 0) < {scale.P_CONTACT_UPDATE} and c < {sc.contacts} as updates
            from range({sc.contacts + sc.invalid_contacts}) t(c)
            left join plan_accounts p on c >= p.pool_start and c < p.pool_start + p.pool_size""")
        con.execute("""create or replace temp table contact_base as
            select b.*, p.account_id, p.region from contact_base b
            join plan_accounts p using (ai)""")
        incident.load_carriers(con, sc.contacts)
        n += buffers.insert(con, "contacts", _contact_rows(0, "true"), plan.days)
    where = f"updates and upd_day between {days.start} and {days.stop - 1}"
    return n + buffers.insert(con, "contacts", _contact_rows(1, where), plan.days)


def stage(con: duckdb.DuckDBPyConnection, plan: Plan, days: range) -> dict[str, int]:
    """Stage the reference rows whose folder is one of `days`; returns rows per entity."""
    return {"accounts": _accounts(con, plan, days), "campaigns": _campaigns(con, plan, days),
            "contacts": _contacts(con, plan, days)}
