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


def _stacked_chart(series: list[tuple[str, str, list[int]]], label: str, bar: int, gap: int, plot_h: int,
                   group, tick) -> str:
    """Stacked bars, one per bucket; group(i, totals) opens bucket i's <g> with its <title>, tick(i) gives its
    axis label or None."""
    buckets = len(series[0][2]) if series else 0
    left, bottom = 36, 20
    width, height = left + buckets * (bar + gap) + 16, plot_h + bottom + 8
    totals = [sum(s[2][i] for s in series) for i in range(buckets)]
    top = max(totals, default=0) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{esc(label)}">',
             f'<line x1="{left}" y1="{plot_h + 4}" x2="{width}" y2="{plot_h + 4}" class="axis"></line>',
             f'<text x="{left - 4}" y="12" class="tick" text-anchor="end">{integer(top)}</text>',
             f'<text x="{left - 4}" y="{plot_h + 4}" class="tick" text-anchor="end">0</text>']
    for i in range(buckets):
        x = left + i * (bar + gap)
        parts.append(group(i, totals))
        y = plot_h + 4
        for css, _, counts in series:
            h = round(plot_h * counts[i] / top, 1)
            if h:
                y -= h
                parts.append(f'<rect x="{x}" y="{round(y, 1)}" width="{bar}" height="{h}" class="{esc(css)}"></rect>')
        parts.append("</g>")
        label_text = tick(i)
        if label_text is not None:
            parts.append(f'<text x="{x + bar / 2}" y="{plot_h + 18}" class="tick" text-anchor="middle">'
                         f"{label_text}</text>")
    parts.append("</svg>")
    return "".join(parts)


def by_hour(series: list[tuple[str, str, list[int]]], label: str) -> str:
    """Stacked bars per hour after send; the last bucket is 'that many hours or later'.

    series: (css class, name, counts per hour bucket); every series has the same length.
    """
    buckets = len(series[0][2])

    def group(i, _totals):
        hour = f"{i} h or later" if i == buckets - 1 else f"{i}–{i + 1} h"
        detail = ", ".join(f"{name} {integer(counts[i])}" for _, name, counts in series)
        return f"<g><title>{hour} after send: {esc(detail)}</title>"

    def tick(i):
        if i % 6 == 0 or i == buckets - 1:
            return f"{i}h+" if i == buckets - 1 else f"{i}h"
        return None

    return _stacked_chart(series, label, 8, 2, 110, group, tick)


def by_day(days: list[str], series: list[tuple[str, str, list[int]]], label: str) -> str:
    """Stacked bars, one per day (label 'YYYY-MM-DD'); series: (css class, name, counts per day)."""
    step = max(1, len(days) // 7)

    def group(i, totals):
        detail = ", ".join(f"{name} {integer(counts[i])}" for _, name, counts in series if counts[i])
        return (f'<g data-day="{esc(days[i])}" data-total="{totals[i]}"><title>{esc(days[i])}: '
                f"{esc(detail) or 'none'}</title>")

    return _stacked_chart(series, label, max(4, min(64, 440 // max(1, len(days)) - 4)), 4, 120, group,
                          lambda i: esc(days[i][5:]) if i % step == 0 else None)
