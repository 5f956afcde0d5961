"""The small, Python-side plan: accounts, contact pools and campaigns with their sends."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

from orchestration.generate import texts
from orchestration.generate.scale import Scale

DAY = 86_400


@dataclass(frozen=True)
class Account:
    """One account; file fields are given exactly as written ('' = left blank)."""

    account_id: str
    name: str
    currency: str
    default_region: str
    hard_bounce_suppression: str
    attribution_window_hours: str
    region: str  # effective region for phone numbers
    currency_eff: str
    brand: str
    short_domain: str
    site: str
    weight: float


ACCOUNTS: tuple[Account, ...] = (
    Account("acc_001", "Bramble & Co", "GBP", "GB", "true", "", "GB", "GBP",
            "Bramble & Co", "brmbl.co", "www.bramble.example", 0.45),
    Account("acc_002", "Köhler Versand GmbH", "EUR", "DE", "yes", "72", "DE", "EUR",
            "Köhler", "khlr.de", "www.koehler-versand.example", 0.25),
    Account("acc_003", "Maison Lumière", "EUR", "FR", "false", "", "FR", "EUR",
            "Maison Lumière", "mlum.fr", "www.maison-lumiere.example", 0.15),
    Account("acc_004", "Northwind Outdoors Ltd", "", "", "", "", "GB", "GBP",
            "Northwind", "nwnd.uk", "shop.northwind.example", 0.15),
)
RENAMED_ACCOUNT = (0, "Bramble & Co.")


@dataclass
class Campaign:
    idx: int
    campaign_id: str
    ai: int  # account index
    message_type: str  # as written in the file (any case)
    is_mms: bool
    name: str
    body: str
    media_url: str | None
    landing_url: str
    created_s: int
    updated_s: int | None
    folder_day: int
    update_day: int | None
    start_day: int = 0
    span: int = 1
    n_total: int = 0
    n_unique: int = 0
    msg_base: int = 0
    a: int = 0
    step: int = 1
    seg_base: int = 1
    seg_ref: int = 1
    send_hour_s: tuple[int, ...] = ()


@dataclass
class Plan:
    seed: int
    start_date: dt.date
    epoch0: int
    scale: Scale
    pools: list[tuple[int, int]]  # (first contact index, size) per account
    campaigns: list[Campaign]

    @property
    def days(self) -> int:
        return self.scale.days

    def day_slices(self, day: int) -> list[tuple[int, int, int, int, int]]:
        """(campaign idx, lo, hi, burst start epoch s, burst duration s) sent on `day`."""
        out = []
        for c in self.campaigns:
            j = day - c.start_day
            if c.n_total == 0 or not 0 <= j < c.span:
                continue
            lo, hi = c.n_total * j // c.span, c.n_total * (j + 1) // c.span
            if hi > lo:
                dur = min(4 * 3600, max(300, (hi - lo) // 4))
                out.append((c.idx, lo, hi, self.epoch0 + day * DAY + c.send_hour_s[j], dur))
        return out


def _pools(scale: Scale) -> list[tuple[int, int]]:
    pools, start = [], 0
    for i, acc in enumerate(ACCOUNTS):
        size = (scale.contacts - start if i == len(ACCOUNTS) - 1
                else max(10, round(scale.contacts * acc.weight)))
        pools.append((start, size))
        start += size
    return pools


def _sizes(rng: random.Random, total: int, accounts: list[int], pools) -> list[int]:
    """Messages per sending campaign: lognormal shares of `total`, capped by the pool."""
    weights = [rng.lognormvariate(0, 0.6) for _ in accounts]
    caps = [int(pools[a][1] * 1.5) for a in accounts]
    sizes = [0.0] * len(accounts)
    for _ in range(4):  # hand what the capped campaigns cannot take to the others
        left = total - sum(sizes)
        open_w = sum(w for w, s, c in zip(weights, sizes, caps, strict=True) if s < c)
        if left < 1 or open_w == 0:
            break
        sizes = [min(c, s + left * w / open_w) if s < c else s
                 for w, s, c in zip(weights, sizes, caps, strict=True)]
    return [max(1, round(s)) for s in sizes]


def _coprime_step(rng: random.Random, n: int) -> int:
    if n <= 2:
        return 1
    while True:
        step = rng.randrange(1, n)
        if math.gcd(step, n) == 1:
            return step


def _campaign(rng: random.Random, i: int, ai: int, draft: bool, days: int,
              epoch0: int) -> Campaign:
    """A campaign's texts and timing (sends are assigned by `build_plan`)."""
    acc, lang = ACCOUNTS[ai], texts.LANG_BY_ACCOUNT[ai]
    cid = f"cmp_{i + 1:05d}"
    is_mms = rng.random() < 0.25
    code = "".join(rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                   for _ in range(5))
    body = (texts.mms_body if is_mms else texts.sms_body)(
        rng, lang, acc.brand, f"https://{acc.short_domain}/{code}")
    mtype = "MMS" if is_mms else "SMS"
    mtype = rng.choice([mtype] * 6 + [mtype.lower(), mtype.capitalize()])
    span = 1 if days == 1 or rng.random() < 0.8 else rng.randint(2, min(3, days))
    start_day = rng.randrange(0, days - span + 1)
    created_s = epoch0 + start_day * DAY - rng.randint(3600, 10 * DAY)
    if draft:  # created during the period, never sent
        created_s = epoch0 + rng.randrange(0, days * DAY)
    folder_day = max(0, (created_s - epoch0) // DAY)
    update_day = None
    if rng.random() < 0.12 and folder_day < days - 1:
        update_day = rng.randint(folder_day + 1, days - 1)
    return Campaign(
        idx=i, campaign_id=cid, ai=ai, message_type=mtype, is_mms=is_mms,
        name=texts.campaign_name(rng, lang), body=body,
        media_url=f"https://cdn.{acc.site.split('.', 1)[1]}/mms/{cid}/hero.jpg"
        if is_mms else None,
        landing_url=f"https://{acc.site}/offers/{code.lower()}?utm_source="
                    f"{'mms' if is_mms else 'sms'}&utm_campaign={cid}",
        created_s=created_s,
        updated_s=None if rng.random() < 0.2 else created_s + rng.randint(60, 7200),
        folder_day=folder_day, update_day=update_day, start_day=start_day, span=span,
        seg_base=texts.segments(body, is_mms), seg_ref=texts.segments(body + " Ref AB12", is_mms),
    )


def build_plan(seed: int, scale: Scale, start_date: dt.date) -> Plan:
    """Accounts' contact pools and all campaigns with the messages each sends."""
    rng = random.Random(f"mmsreport-generate-{seed}")
    epoch0 = int(dt.datetime(start_date.year, start_date.month, start_date.day,
                             tzinfo=dt.UTC).timestamp())
    pools = _pools(scale)
    n_send = scale.campaigns
    accounts = [i % len(ACCOUNTS) if i < len(ACCOUNTS) else
                rng.choices(range(len(ACCOUNTS)), [a.weight for a in ACCOUNTS])[0]
                for i in range(n_send + scale.drafts)]
    sizes = _sizes(rng, scale.messages, accounts[:n_send], pools)
    campaigns = [_campaign(rng, i, ai, i >= n_send, scale.days, epoch0)
                 for i, ai in enumerate(accounts)]
    late = next((c for c in campaigns[:n_send] if 1 <= c.start_day < scale.days - 1), None)
    if late:  # its row arrives the day after its first sends (late-arriving reference)
        late.folder_day = late.start_day + 1
        if late.update_day is not None and late.update_day <= late.folder_day:
            late.update_day = None
    msg_base = 0
    for c in campaigns[:n_send]:
        pool = pools[c.ai][1]
        c.n_total = sizes[c.idx]
        c.n_unique = max(1, min(pool, round(c.n_total * 0.97)))
        c.msg_base, msg_base = msg_base, msg_base + c.n_total
        c.a, c.step = rng.randrange(pool), _coprime_step(rng, pool)
        c.send_hour_s = tuple(rng.randint(8 * 3600, 19 * 3600 + 3599) for _ in range(c.span))
    return Plan(seed, start_date, epoch0, scale, pools, campaigns)
