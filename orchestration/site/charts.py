"""Hand-made inline SVG charts: no script, no library, readable without colour (titles and labels)."""

from __future__ import annotations

from orchestration.site.fmt import esc, integer


def status_breakdown(items: list[tuple[str, str, int]], total: int) -> str:
    """Horizontal bars, one per delivery status: (css class, label, contacts)."""
    bar_w, row_h, label_w, value_w = 260, 26, 110, 110
    width, height = label_w + bar_w + value_w, row_h * len(items) + 4
    top = max((count for _, _, count in items), default=0) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Contacts by delivery status">']
    for i, (css, label, count) in enumerate(items):
        y = i * row_h + 4
        w = round(bar_w * count / top, 1)
        share = f"{count / total * 100:.1f}%" if total else "—"
        parts.append(
            f'<g class="{esc(css)}"><title>{esc(label)}: {integer(count)} contacts ({share})</title>'
            f'<text x="0" y="{y + 15}" class="lbl">{esc(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row_h - 8}" rx="3"></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 15}" class="val">{integer(count)} · {share}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def by_hour(series: list[tuple[str, str, list[int]]], label: str) -> str:
    """Stacked bars per hour after send; the last bucket is 'that many hours or later'.

    series: (css class, name, counts per hour bucket); every series has the same length.
    """
    buckets = len(series[0][2])
    bar, gap, left, bottom, plot_h = 8, 2, 36, 20, 110
    width, height = left + buckets * (bar + gap) + 16, plot_h + bottom + 8
    totals = [sum(s[2][i] for s in series) for i in range(buckets)]
    top = max(totals) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">',
             f'<line x1="{left}" y1="{plot_h + 4}" x2="{width}" y2="{plot_h + 4}" class="axis"></line>',
             f'<text x="{left - 4}" y="12" class="tick" text-anchor="end">{integer(top)}</text>',
             f'<text x="{left - 4}" y="{plot_h + 4}" class="tick" text-anchor="end">0</text>']
    for i in range(buckets):
        x = left + i * (bar + gap)
        hour = f"{i} h or later" if i == buckets - 1 else f"{i}–{i + 1} h"
        detail = ", ".join(f"{name} {integer(counts[i])}" for _, name, counts in series)
        parts.append(f"<g><title>{hour} after send: {esc(detail)}</title>")
        y = plot_h + 4
        for css, _, counts in series:
            h = round(plot_h * counts[i] / top, 1)
            if h:
                y -= h
                parts.append(f'<rect x="{x}" y="{round(y, 1)}" width="{bar}" height="{h}" class="{esc(css)}"></rect>')
        parts.append("</g>")
        if i % 6 == 0 or i == buckets - 1:
            tick = f"{i}h+" if i == buckets - 1 else f"{i}h"
            parts.append(f'<text x="{x + bar / 2}" y="{plot_h + 18}" class="tick" text-anchor="middle">{tick}</text>')
    parts.append("</svg>")
    return "".join(parts)


def by_day(days: list[str], series: list[tuple[str, str, list[int]]], label: str) -> str:
    """Stacked bars, one per day (label 'YYYY-MM-DD'); series: (css class, name, counts per day)."""
    bar = max(6, min(28, 480 // max(1, len(days)) - 4))
    gap, left, bottom, plot_h = 4, 36, 20, 120
    width, height = left + len(days) * (bar + gap) + 16, plot_h + bottom + 8
    totals = [sum(s[2][i] for s in series) for i in range(len(days))]
    top = max(totals, default=0) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">',
             f'<line x1="{left}" y1="{plot_h + 4}" x2="{width}" y2="{plot_h + 4}" class="axis"></line>',
             f'<text x="{left - 4}" y="12" class="tick" text-anchor="end">{integer(top)}</text>',
             f'<text x="{left - 4}" y="{plot_h + 4}" class="tick" text-anchor="end">0</text>']
    step = max(1, len(days) // 7)
    for i, day in enumerate(days):
        x = left + i * (bar + gap)
        detail = ", ".join(f"{name} {integer(counts[i])}" for _, name, counts in series if counts[i])
        parts.append(f'<g data-day="{esc(day)}" data-total="{totals[i]}"><title>{esc(day)}: '
                     f"{esc(detail) or 'none'}</title>")
        y = plot_h + 4
        for css, _, counts in series:
            h = round(plot_h * counts[i] / top, 1)
            if h:
                y -= h
                parts.append(f'<rect x="{x}" y="{round(y, 1)}" width="{bar}" height="{h}" class="{esc(css)}"></rect>')
        parts.append("</g>")
        if i % step == 0:
            parts.append(f'<text x="{x + bar / 2}" y="{plot_h + 18}" class="tick" text-anchor="middle">'
                         f"{esc(day[5:])}</text>")
    parts.append("</svg>")
    return "".join(parts)
