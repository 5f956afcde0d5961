"""HTML for each kind of page. Every value from data goes through fmt.esc (names and bodies are user content)."""

from __future__ import annotations

import json
from datetime import timedelta

from orchestration.site import charts, fmt, layout
from orchestration.site.fmt import DASH, esc
from orchestration.site.layout import PAGE_ROWS, TABS, account_page, campaign_page, pages_for, rel
from orchestration.site.queries import DELIVERABILITY_DAYS, TOP_ERROR_CODES, Account, Campaign, Deliverability

# Only files of the site itself: no request can leave the machine (see DECISIONS.md).
CSP = ("default-src 'none'; script-src 'self' file:; style-src 'self' file:; "
       "img-src 'self' file: data:; base-uri 'none'; form-action 'none'")

NO_ATTRIBUTION = ("No attributed orders for this account: revenue, orders and conversion need "
                  "advanced revenue attribution (tracked link clicks and order data).")

# (column, header, kind, needs attribution data)
INDEX_COLUMNS = [
    ("name", "Campaign", "text", False),
    ("account", "Account", "text", False),
    ("type", "Type", "text", False),
    ("last_sent", "Last sent", "time", False),
    ("messages_sent", "Sent", "int", False),
    ("messages_delivered", "Delivered", "int", False),
    ("total_segments", "Segments", "int", False),
    ("total_clicks", "Clicks", "int", False),
    ("unique_clicks", "Unique clickers", "int", False),
    ("click_to_delivered_rate", "Click-to-delivered", "rate", False),
    ("conversion_rate", "Conversion", "rate", True),
    ("direct_orders", "Orders", "int", True),
    ("direct_revenue", "Revenue", "money", True),
    ("assisted_revenue", "Assisted revenue", "money", True),
    ("unsubscribes", "Unsubscribes", "int", False),
]


def page(path: str, title: str, body: str, built_at: str | None, kind: str, data_script: str | None = None) -> str:
    """A whole page. Only the index carries the build time (built_at): every other page depends on its
    own data alone, so an incremental build can reuse it unchanged (see DECISIONS.md).
    data_script: the site path of the page's rows file (data_file), loaded before site.js."""
    root = rel(path, "")
    data = f'<script src="{esc(rel(path, data_script))}"></script>' if data_script else ""
    built = f"Built {esc(built_at)} UTC from the warehouse marts" if built_at else "From the warehouse marts"
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)} · Campaign reports</title>"
        f'<link rel="stylesheet" href="{root}static/site.css"></head>\n'
        f'<body class="{kind}"><header class="top"><a href="{root}index.html">Campaign reports</a>'
        f'<span class="built">{built}</span></header>\n'
        f"<main>{body}</main>\n"
        f'{data}<script src="{root}static/site.js"></script></body></html>\n'
    )


def _account_label(name: str | None, account_id: str) -> str:
    return name or account_id


# ---------------------------------------------------------------- index


def _index_cell(column: str, kind: str, needs_attr: bool, c: Campaign, path: str) -> str:
    o = c.overview
    if needs_attr and not c.has_attribution:
        return f'<td data-col="{column}" data-v="" class="num na" title="{esc(NO_ATTRIBUTION)}">{DASH}</td>'
    if column == "name":
        link = rel(path, campaign_page(c.campaign_id))
        name = c.campaign_name or c.campaign_id
        return (f'<td data-col="name" data-v="{esc(name)}"><a href="{esc(link)}">{esc(name)}</a>'
                f'<div class="sub">{esc(c.campaign_id)}</div></td>')
    if column == "account":
        label = _account_label(c.account_name, c.account_id)
        return f'<td data-col="account" data-v="{esc(label)}">{esc(label)}</td>'
    if column == "type":
        kind = esc(c.message_type)
        return f'<td data-col="type" data-v="{kind}"><span class="badge">{kind}</span></td>'
    if column == "last_sent":
        return f'<td data-col="last_sent" data-v="{fmt.iso(o["last_sent_at"])}">{fmt.time(o["last_sent_at"])}</td>'
    value = o[column]
    if kind == "int":
        return f'<td data-col="{column}" data-v="{int(value)}" class="num">{fmt.integer(value)}</td>'
    if kind == "rate":
        raw = "" if value is None else repr(float(value))
        return f'<td data-col="{column}" data-v="{raw}" class="num">{fmt.rate(value)}</td>'
    amount = fmt.cents(value)
    return (f'<td data-col="{column}" data-v="{amount}" class="num">'
            f"{fmt.money_cents(amount, o['currency'])}</td>")


def _totals(rows: list[Campaign]) -> dict[str, str]:
    """The totals row: sums of counts; rates from summed numerators and denominators; revenue per currency."""
    def total(column, only_attributed=False):
        return sum(int(c.overview[column]) for c in rows if c.has_attribution or not only_attributed)

    deliveries = total("unique_deliveries")
    attributed_deliveries = total("unique_deliveries", True)
    out = {column: fmt.integer(total(column, needs)) for column, _, kind, needs in INDEX_COLUMNS if kind == "int"}
    out["click_to_delivered_rate"] = fmt.rate(total("unique_clicks") / deliveries if deliveries else None)
    out["conversion_rate"] = fmt.rate(
        total("direct_orders", True) / attributed_deliveries if attributed_deliveries else None)
    for column in ("direct_revenue", "assisted_revenue"):
        by_currency: dict[str, int] = {}
        for c in rows:
            if c.has_attribution:
                by_currency[c.overview["currency"]] = by_currency.get(c.overview["currency"], 0) + \
                    fmt.cents(c.overview[column])
        out[column] = "<br>".join(esc(fmt.money_cents(v, cur)) for cur, v in sorted(by_currency.items())) or DASH
    out["name"] = f"Total ({len(rows)} campaigns)"
    return out


def _deliverability_cell(a: Account, alerts: dict[str, int] | None) -> str:
    """The accounts table's link to the account's deliverability page, with its alert count (issue 18)."""
    if alerts is None:
        return ""
    count = alerts.get(a.account_id, 0)
    note = (f' <span class="alert-count">{fmt.integer(count)} alert{"s" if count != 1 else ""}</span>' if count
            else "")
    return (f'<td data-col="deliverability"><a href="{esc(layout.deliverability_page(a.account_id))}">'
            f"Deliverability</a>{note}</td>")


def index(campaigns: list[Campaign], accounts: list[Account], built_at: str,
          alerts: dict[str, int] | None = None) -> str:
    """alerts: deliverability alerts per account, None when the warehouse has no deliverability marts."""
    path = "index.html"
    head = "".join(
        f'<th data-col="{column}" data-kind="{kind}" aria-sort="none"'
        f'{" class=num" if kind not in ("text", "time") else ""}><button type="button">{esc(label)}</button></th>'
        for column, label, kind, _ in INDEX_COLUMNS)
    body = []
    for c in campaigns:
        o = c.overview
        cells = "".join(_index_cell(column, kind, needs, c, path) for column, _, kind, needs in INDEX_COLUMNS)
        body.append(
            f'<tr data-id="{esc(c.campaign_id)}" data-type="{esc(c.message_type)}" data-account="{esc(c.account_id)}" '
            f'data-ud="{int(o["unique_deliveries"])}" data-attr="{int(c.has_attribution)}" '
            f'data-cur="{esc(o["currency"])}">{cells}</tr>')
    totals = _totals(campaigns)
    foot = "".join(
        f'<td data-total="{column}"{" class=num" if kind not in ("text", "time") else ""}>'
        f'{totals.get(column, "") if column in totals else ""}</td>'
        for column, _, kind, _ in INDEX_COLUMNS)
    account_options = "".join(
        f'<option value="{esc(a.account_id)}">{esc(_account_label(a.account_name, a.account_id))}</option>'
        for a in accounts if a.campaigns)
    account_rows = "".join(
        f'<tr><td><a href="{esc(account_page(a.account_id))}">{esc(_account_label(a.account_name, a.account_id))}</a>'
        f'<div class="sub">{esc(a.account_id)}</div></td><td class="num">{fmt.integer(a.campaigns)}</td>'
        f'<td class="num">{fmt.integer(a.hard_bounced_contacts)}</td>'
        f'<td class="num">{fmt.integer(a.suppressed_contacts)}</td>'
        f'<td>{"yes" if a.has_attribution else "no"}</td>{_deliverability_cell(a, alerts)}</tr>'
        for a in accounts)
    html = f"""
<h1>SMS/MMS campaigns</h1>
<div class="filters">
  <label>Type <select id="filter-type"><option value="">All</option><option value="SMS">SMS</option>
  <option value="MMS">MMS</option></select></label>
  <label>Account <select id="filter-account"><option value="">All accounts</option>{account_options}</select></label>
  <span id="shown" aria-live="polite">{len(campaigns)} of {len(campaigns)} campaigns</span>
</div>
<p class="note">Click a column header to sort. Revenue, orders and conversion need advanced revenue attribution:
they show {DASH} for accounts without attributed orders and are left out of the totals. Revenue is totalled per
currency. Rates in the totals row are recomputed from the summed counts.</p>
<div class="scroll"><table id="campaigns" class="report">
<thead><tr>{head}</tr></thead>
<tbody>{"".join(body)}</tbody>
<tfoot><tr>{foot}</tr></tfoot>
</table></div>
<h2>Accounts and suppression lists</h2>
<table class="report" id="accounts"><thead><tr><th>Account</th><th class="num">Campaigns</th>
<th class="num">Contacts with hard bounces</th><th class="num">Suppressed contacts</th>
<th>Revenue attribution</th>{"" if alerts is None else "<th>Deliverability</th>"}</tr></thead>
<tbody>{account_rows}</tbody></table>
"""
    return page(path, "Campaigns", html, built_at, "index")


# ---------------------------------------------------------------- campaign page


def _preview(c: Campaign, media_src: str | None, path: str) -> str:
    body = f'<div class="bubble">{esc(c.body)}</div>' if c.body else '<div class="bubble empty">(no text)</div>'
    media = ""
    if c.message_type == "MMS":
        if media_src:
            media = f'<img class="media" src="{esc(rel(path, media_src))}" alt="MMS image">'
        else:
            url = f'<code class="url">{esc(c.media_url)}</code>' if c.media_url else ""
            media = (f'<div class="media placeholder" role="img" aria-label="Image not available offline">'
                     f"<span>Image not available offline</span>{url}</div>")
    return f"""
<section class="preview" aria-label="Message preview">
  <div class="orient" role="group" aria-label="Preview orientation">
    <button type="button" data-orient="portrait" aria-pressed="true">Portrait</button>
    <button type="button" data-orient="landscape" aria-pressed="false">Landscape</button>
  </div>
  <div class="phone portrait" id="phone"><div class="screen">
    <div class="sender">{esc(c.message_type)} · {esc(_account_label(c.account_name, c.account_id))}</div>
    {media}{body}
  </div></div>
</section>"""


def _tile(key: str, label: str, value: str, raw, note: str = "") -> str:
    title = f' title="{esc(note)}"' if note else ""
    return (f'<div class="tile" data-tile="{key}"{title}><div class="label">{esc(label)}</div>'
            f'<div class="value" data-v="{esc(raw)}">{value}</div>'
            + (f'<div class="note">{esc(note)}</div>' if note else "") + "</div>")


def _tiles(c: Campaign) -> str:
    o = c.overview
    cur = o["currency"]
    if c.has_attribution:
        revenue = _tile("direct_revenue", "Revenue", esc(fmt.money(o["direct_revenue"], cur)),
                        fmt.cents(o["direct_revenue"]))
    else:
        revenue = _tile("direct_revenue", "Revenue", DASH, "", "Needs advanced revenue attribution")
    main = [revenue] + [
        _tile(key, label, fmt.integer(o[key]), int(o[key]))
        for key, label in [("unique_sends", "Unique sends"), ("unique_deliveries", "Unique deliveries"),
                           ("pending", "Pending"), ("soft_bounces", "Soft bounces"),
                           ("hard_bounces", "Hard bounced"), ("deleted", "Deleted"),
                           ("unsubscribes", "Unsubscribes")]]
    more = [_tile(key, label, fmt.integer(o[key]), int(o[key]))
            for key, label in [("messages_sent", "Total sent"), ("messages_delivered", "Total delivered"),
                               ("total_segments", "Segments"), ("total_clicks", "Clicks"),
                               ("unique_clicks", "Unique clickers")]]
    more.append(_tile("click_to_delivered_rate", "Click-to-delivered", fmt.rate(o["click_to_delivered_rate"]),
                      "" if o["click_to_delivered_rate"] is None else o["click_to_delivered_rate"]))
    if c.has_attribution:
        more += [
            _tile("conversion_rate", "Conversion", fmt.rate(o["conversion_rate"]),
                  "" if o["conversion_rate"] is None else o["conversion_rate"]),
            _tile("direct_orders", "Orders", fmt.integer(o["direct_orders"]), int(o["direct_orders"])),
            _tile("assisted_orders", "Assisted orders", fmt.integer(o["assisted_orders"]),
                  int(o["assisted_orders"])),
            _tile("assisted_revenue", "Assisted revenue", esc(fmt.money(o["assisted_revenue"], cur)),
                  fmt.cents(o["assisted_revenue"])),
        ]
    more += _cost_tiles(c)
    return (f'<section class="tiles main-tiles" aria-label="Overview">{"".join(main)}</section>'
            f'<section class="tiles more-tiles" aria-label="More figures">{"".join(more)}</section>')


def _cost_tiles(c: Campaign) -> list[str]:
    """Cost and cost per delivered message, one line per currency (currencies are never added)."""
    if not c.costs:
        return []
    costed = [row for row in c.costs if row[1] + row[2] > 0]
    unpriced = sum(row[3] for row in c.costs)
    note = f"{unpriced:,} message{'s' if unpriced != 1 else ''} without a price" if unpriced else ""
    cost = "<br>".join(esc(fmt.amount(row[4], row[0], 2)) for row in costed) or DASH
    per_delivered = "<br>".join(esc(fmt.amount(row[5], row[0], 4) if row[5] is not None else f"{DASH} {row[0]}")
                                for row in costed) or DASH
    raw = ";".join(f"{row[0]}:{row[4]}" for row in costed)
    raw_per = ";".join(f"{row[0]}:{'' if row[5] is None else row[5]}" for row in costed)
    return [_tile("cost", "Cost", cost, raw, note),
            _tile("cost_per_delivered", "Cost per delivered", per_delivered, raw_per)]


def _charts(c: Campaign, has_clicks_mart: bool) -> str:
    o = c.overview
    status = charts.status_breakdown(
        [("s-delivered", "Delivered", o["unique_deliveries"]), ("s-pending", "Pending", o["pending"]),
         ("s-soft", "Soft bounces", o["soft_bounces"]), ("s-hard", "Hard bounces", o["hard_bounces"]),
         ("s-deleted", "Deleted", o["deleted"])], o["unique_sends"])
    if not has_clicks_mart:
        hours = '<p class="note">Not available: rebuild the warehouse (mmsreport run) to add marts.fct_clicks.</p>'
    else:
        hours = ('<h3>Clicks by hour after send</h3>'
                 + charts.by_hour([("c-clicks", "clicks", c.clicks_by_hour)], "Clicks by hour after send"))
        if c.has_attribution:
            hours += ('<h3>Attributed orders by hour after send</h3>'
                      '<p class="legend"><span class="key c-direct"></span>direct '
                      '<span class="key c-assisted"></span>assisted</p>'
                      + charts.by_hour([("c-direct", "direct", c.direct_orders_by_hour),
                                        ("c-assisted", "assisted", c.assisted_orders_by_hour)],
                                       "Attributed orders by hour after send"))
    return f"""
<section class="charts">
  <figure><figcaption>Contacts by delivery status</figcaption>{status}</figure>
  <figure><figcaption>Engagement after send</figcaption>{hours}</figure>
</section>"""


def tab_cells(r: tuple) -> list[str]:
    """The shown text of a delivery-tab row (queries.tab_rows, which formats it), cell by cell."""
    return list(r[2:])


def suppression_cells(r: tuple) -> list[str]:
    """The shown text of a suppression-list row (queries.suppression_rows, which formats it), cell by cell."""
    return list(r[1:])


# The class of each cell of a contact table's rows; site.js gives the rows it renders the classes of the first row.
TAB_CELLS = ["", "phone-no", "", "", "num", "num"]
SUPPRESSION_CELLS = ["", "phone-no", "num", ""]


def _rows_html(rows: list[list[str]], classes: list[str]) -> str:
    return "".join("<tr>" + "".join(f'<td class="{cls}">{esc(text)}</td>' if cls else f"<td>{esc(text)}</td>"
                                    for cls, text in zip(classes, cells, strict=True)) + "</tr>"
                   for cells in rows)


def data_file(rows: dict[str, list[list[str]]]) -> str:
    """The rows of a page's paged sections (section id -> rows of cell texts), as a script that site.js reads:
    a file, not a request, so it works from file:// (see DECISIONS.md). site.js sets the texts as textContent,
    so no value is ever parsed as HTML; JSON escapes every quote and line end."""
    return "".join(f"(window.mmsreportRows = window.mmsreportRows || {{}})[{json.dumps(key)}] = "
                   f"{json.dumps(value, ensure_ascii=False, separators=(',', ':'))};\n"
                   for key, value in rows.items())


def tab_table(rows: list[list[str]]) -> str:
    """The first page of a delivery tab; rows: tab_cells of its rows."""
    if not rows:
        return '<p class="empty">No contacts.</p>'
    return ('<table class="report contacts"><thead><tr><th>Contact</th><th>Number</th><th>Status at (UTC)</th>'
            f'<th>Error code</th><th class="num">Messages</th><th class="num">Clicks</th></tr></thead>'
            f"<tbody>{_rows_html(rows[:PAGE_ROWS], TAB_CELLS)}</tbody></table>")


def pager(section: str, count: int) -> str:
    """Page 1's 'Showing a–b of n' and previous/next links of the paged section `section` (its element id);
    site.js turns the pages, with '#<section>-p<page>' in the address."""
    pages = pages_for(count)
    last = min(PAGE_ROWS, count)
    nxt = (f'<a class="next" href="#{esc(section)}-p2">Next ›</a>' if pages > 1
           else '<span class="next off">Next ›</span>')
    return (f'<nav class="pager" data-page="1" data-pages="{pages}" data-rows="{PAGE_ROWS}">'
            '<span class="prev off">‹ Previous</span>'
            f'<span class="where">Showing {fmt.integer(1 if count else 0)}–{fmt.integer(last)} of {fmt.integer(count)}'
            f" · page 1 of {pages}</span>{nxt}</nav>")


def _campaign_header(c: Campaign, path: str) -> str:
    o = c.overview
    account = _account_label(c.account_name, c.account_id)
    return (f'<p class="crumbs"><a href="{rel(path, "index.html")}">‹ All campaigns</a></p>'
            f'<h1>{esc(c.campaign_name or c.campaign_id)} <span class="badge">{esc(c.message_type)}</span></h1>'
            f'<p class="meta">{esc(c.campaign_id)} · account <a href="{esc(rel(path, account_page(c.account_id)))}">'
            f"{esc(account)}</a> · last sent {fmt.time(o['last_sent_at'])} UTC</p>")


def campaign(c: Campaign, rows: dict[str, list[list[str]]], media_src: str | None, has_clicks_mart: bool) -> str:
    """rows: tab_cells of every contact row per status; page 1 of each tab is in the page, all pages in the
    campaign's contacts file (layout.campaign_contacts), which the page loads when it has rows."""
    path = campaign_page(c.campaign_id)
    counts = {"delivered": c.overview["unique_deliveries"], "pending": c.overview["pending"],
              "soft_bounce": c.overview["soft_bounces"], "hard_bounce": c.overview["hard_bounces"],
              "deleted": c.overview["deleted"]}
    tabs = "".join(
        f'<button type="button" role="tab" id="tabbtn-{status}" data-tab="{status}" aria-controls="tab-{status}" '
        f'aria-selected="{"true" if i == 0 else "false"}">{label} <span class="count">{fmt.integer(counts[status])}'
        f"</span></button>"
        for i, (status, label) in enumerate(TABS))
    panels = "".join(
        f'<section role="tabpanel" id="tab-{status}" data-status="{status}" data-count="{counts[status]}" '
        f'data-paged="tab" aria-labelledby="tabbtn-{status}"{"" if i == 0 else " hidden"}>'
        + pager(f"tab-{status}", counts[status])
        + tab_table(rows.get(status, []))
        + "</section>"
        for i, (status, _) in enumerate(TABS))
    body = (_campaign_header(c, path)
            + f'<div class="top-grid">{_preview(c, media_src, path)}<div>{_tiles(c)}</div></div>'
            + _charts(c, has_clicks_mart)
            + f'<h2>Delivery details</h2><div class="tabs" role="tablist">{tabs}</div>{panels}')
    return page(path, c.campaign_name or c.campaign_id, body, None, "campaign",
                layout.campaign_contacts(c.campaign_id) if rows else None)


# ---------------------------------------------------------------- suppression lists


def suppression_page(a: Account, rows: list[list[str]]) -> str:
    """rows: suppression_cells of every suppressed contact; page 1 is in the page, all pages in the account's
    suppressions file (layout.account_suppressions), which the page loads when it has rows."""
    path = account_page(a.account_id)
    name = _account_label(a.account_name, a.account_id)
    if rows:
        table = ('<table class="report contacts"><thead><tr><th>Contact</th><th>Number</th>'
                 '<th class="num">Hard bounces</th><th>Suppressed at (UTC)</th></tr></thead><tbody>'
                 + _rows_html(rows[:PAGE_ROWS], SUPPRESSION_CELLS) + "</tbody></table>")
    else:
        table = '<p class="empty">No suppressed contacts.</p>'
    body = (f'<p class="crumbs"><a href="{rel(path, "index.html")}">‹ All campaigns</a></p>'
            f"<h1>Suppression list: {esc(name)}</h1>"
            f'<p class="meta">{esc(a.account_id)} · {fmt.integer(a.hard_bounced_contacts)} contacts with hard bounces'
            f" · {fmt.integer(a.suppressed_contacts)} suppressed. Numbers are masked; the sending platform gets "
            "the full list from <code>mmsreport export-suppressions</code>.</p>"
            f'<section id="suppressions" data-paged="list" data-count="{a.suppressed_contacts}">'
            + pager("suppressions", a.suppressed_contacts) + table + "</section>")
    return page(path, f"Suppression list: {name}", body, None, "suppressions",
                layout.account_suppressions(a.account_id) if rows else None)


# ---------------------------------------------------------------- deliverability (issue 18)

CARRIER_NOTE = ("Destination country and carrier come from the contact's number with libphonenumber's offline "
                "data: the carrier is the number range's original network, not the one a number may have been "
                "ported to.")


def _seconds(value) -> str:
    return DASH if value is None else f"{float(value):,.1f}"


def _status_counts(r: dict) -> str:
    return "".join(f'<td class="num" data-col="{key}">{fmt.integer(r[key])}</td>'
                   for key in ("messages_sent", "delivered", "pending", "soft_bounced", "hard_bounced", "deleted"))


def _rate_cell(column: str, value) -> str:
    raw = "" if value is None else repr(float(value))
    return f'<td class="num" data-col="{column}" data-v="{raw}">{fmt.rate(value)}</td>'


def _error_chart(d: Deliverability) -> str:
    if not d.errors_by_day:
        return '<p class="empty">No failed messages.</p>'
    first, last = d.errors_by_day[0]["sent_date"], max(r["sent_date"] for r in d.errors_by_day)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    totals: dict[str, int] = {}
    for r in d.errors_by_day:
        totals[r["error_code"]] = totals.get(r["error_code"], 0) + int(r["messages"])
    top = [code for code, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_ERROR_CODES]]
    index = {day: i for i, day in enumerate(days)}
    counts = {code: [0] * len(days) for code in [*top, "other"]}
    for r in d.errors_by_day:
        counts[r["error_code"] if r["error_code"] in top else "other"][index[r["sent_date"]]] += int(r["messages"])
    series = [(f"e-{i}", code, counts[code]) for i, code in enumerate(top)]
    if any(counts["other"]):
        series.append(("e-other", "other", counts["other"]))
    legend = "".join(f'<span class="key {css}"></span>{esc(name)} ' for css, name, _ in series)
    return (f'<p class="legend">{legend}</p>'
            + charts.by_day([day.isoformat() for day in days], series, "Failed messages by error code and send day"))


def deliverability_page(a: Account, d: Deliverability | None) -> str:
    """An account's deliverability page: alerts, rates by country and carrier and by provider, error codes over
    time, and the daily rows. `d` is its queries.Deliverability (None: no message sent yet)."""
    path = layout.deliverability_page(a.account_id)
    name = _account_label(a.account_name, a.account_id)
    head = (f'<p class="crumbs"><a href="{rel(path, "index.html")}">‹ All campaigns</a></p>'
            f"<h1>Deliverability: {esc(name)}</h1>"
            f'<p class="meta">{esc(a.account_id)} · messages that left (not "not sent"), by UTC send day. '
            f"{esc(CARRIER_NOTE)}</p>")
    if d is None:
        return page(path, f"Deliverability: {name}", head + '<p class="empty">No messages sent yet.</p>', None,
                    "deliverability")
    alert_rows = "".join(
        f'<tr class="alert" data-day="{r["sent_date"].isoformat()}" data-provider="{esc(r["provider"])}" '
        f'data-country="{esc(r["country_code"])}" data-carrier="{esc(r["carrier"])}">'
        f'<td>{r["sent_date"].isoformat()}</td><td>{esc(r["provider"])}</td><td>{esc(r["country_code"])}</td>'
        f'<td>{esc(r["carrier"])}</td><td class="num" data-col="messages_sent">{fmt.integer(r["messages_sent"])}</td>'
        f'<td class="num" data-col="delivered">{fmt.integer(r["delivered"])}</td>'
        + _rate_cell("delivery_rate", r["delivery_rate"])
        + _rate_cell("trailing_delivery_rate", r["trailing_delivery_rate"])
        + f'<td class="num" data-col="drop_points">{float(r["drop_points"]):.1f}</td></tr>'
        for r in d.alerts)
    alerts = (
        '<table class="report alerts" id="alerts"><thead><tr><th>Send day</th><th>Provider</th><th>Country</th>'
        '<th>Carrier</th><th class="num">Sent</th><th class="num">Delivered</th><th class="num">Delivery rate</th>'
        '<th class="num">Trailing 7-day rate</th><th class="num">Drop (points)</th></tr></thead>'
        f"<tbody>{alert_rows}</tbody></table>" if d.alerts else '<p class="empty" id="no-alerts">No alerts.</p>')
    counts_head = ('<th class="num">Sent</th><th class="num">Delivered</th><th class="num">Pending</th>'
                   '<th class="num">Soft bounced</th><th class="num">Hard bounced</th><th class="num">Deleted</th>'
                   '<th class="num">Delivery rate</th>')
    carrier_rows = "".join(
        f'<tr data-country="{esc(r["country_code"])}" data-carrier="{esc(r["carrier"])}">'
        f'<td>{esc(r["country_code"])}</td><td>{esc(r["carrier"])}</td>{_status_counts(r)}'
        + _rate_cell("delivery_rate", r["delivery_rate"]) + "</tr>"
        for r in d.by_carrier)
    provider_rows = "".join(
        f'<tr data-provider="{esc(r["provider"])}"><td>{esc(r["provider"])}</td>{_status_counts(r)}'
        + _rate_cell("delivery_rate", r["delivery_rate"]) + "</tr>"
        for r in d.by_provider)
    error_rows = "".join(
        f'<tr data-provider="{esc(r["provider"])}" data-code="{esc(r["error_code"])}" '
        f'data-status="{esc(r["delivery_status"])}"><td>{esc(r["provider"])}</td><td>{esc(r["error_code"])}</td>'
        f'<td>{esc(r["delivery_status"])}</td><td class="num" data-col="messages">{fmt.integer(r["messages"])}</td>'
        f'<td>{r["first_date"].isoformat()}</td><td>{r["last_date"].isoformat()}</td></tr>'
        for r in d.errors)
    daily_rows = "".join(
        f'<tr data-day="{r["sent_date"].isoformat()}" data-provider="{esc(r["provider"])}" '
        f'data-country="{esc(r["country_code"])}" data-carrier="{esc(r["carrier"])}">'
        f'<td>{r["sent_date"].isoformat()}</td><td>{esc(r["provider"])}</td><td>{esc(r["country_code"])}</td>'
        f'<td>{esc(r["carrier"])}</td>{_status_counts(r)}' + _rate_cell("delivery_rate", r["delivery_rate"])
        + f'<td class="num" data-col="median_delivery_seconds">{_seconds(r["median_delivery_seconds"])}</td>'
        f'<td class="num" data-col="p95_delivery_seconds">{_seconds(r["p95_delivery_seconds"])}</td></tr>'
        for r in d.daily)
    body = (
        head
        + f'<h2>Alerts <span class="count">{fmt.integer(len(d.alerts))}</span></h2>'
        + '<p class="note">A day on which the delivery rate of a provider, country and carrier fell at least '
          "alert_drop_points (default 15) points below its rate over the 7 days before, with at least "
          "alert_min_messages (default 100) messages that day.</p>"
        + alerts
        + '<h2>By country and carrier</h2><div class="scroll"><table class="report" id="by-carrier"><thead><tr>'
          f"<th>Country</th><th>Carrier</th>{counts_head}</tr></thead><tbody>{carrier_rows}</tbody></table></div>"
        + '<h2>By provider</h2><div class="scroll"><table class="report" id="by-provider"><thead><tr>'
          f"<th>Provider</th>{counts_head}</tr></thead><tbody>{provider_rows}</tbody></table></div>"
        + '<h2>Error codes over time</h2><section class="charts"><figure><figcaption>Failed messages by error '
          f"code and send day</figcaption>{_error_chart(d)}</figure></section>"
        + '<div class="scroll"><table class="report" id="errors"><thead><tr><th>Provider</th><th>Error code</th>'
          '<th>Status</th><th class="num">Messages</th><th>First send day</th><th>Last send day</th></tr></thead>'
          f"<tbody>{error_rows}</tbody></table></div>"
        + f"<h2>Daily (latest {DELIVERABILITY_DAYS} send days)</h2>"
          '<div class="scroll"><table class="report" id="daily"><thead><tr><th>Send day</th><th>Provider</th>'
          f'<th>Country</th><th>Carrier</th>{counts_head}<th class="num">Median to delivered (s)</th>'
          f'<th class="num">p95 to delivered (s)</th></tr></thead><tbody>{daily_rows}</tbody></table></div>'
    )
    return page(path, f"Deliverability: {name}", body, None, "deliverability")
