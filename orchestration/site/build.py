"""Write the whole site from a published warehouse into a folder, then swap it into place.

The site is built in `<out>.tmp-<pid>` next to `out`; when complete, the previous
site (if any) is renamed to `<out>.old-<pid>`, the new one renamed to `out`, and
the old one deleted. A reader sees the old site or the new one, except during
the instant between the two renames, and a failed build leaves the old site as it
was (the temporary folder is removed).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from orchestration.site import queries, render
from orchestration.site.layout import PAGE_ROWS, account_page, campaign_page, tab_page

STATIC = Path(__file__).parent / "static"
MEDIA_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
MAX_MEDIA_BYTES = 5_000_000


@dataclass
class SiteResult:
    out: Path
    pages: int
    files: int
    bytes: int
    largest_page: str
    largest_page_bytes: int
    seconds: float


def default_site_dir(warehouse: Path) -> Path:
    """MMSREPORT_SITE when set, else `<warehouse stem>_site/` next to the warehouse
    (data/warehouse.duckdb -> data/warehouse_site/)."""
    if os.environ.get("MMSREPORT_SITE"):
        return Path(os.environ["MMSREPORT_SITE"]).expanduser().resolve()
    return warehouse.with_name(f"{warehouse.stem}_site")


class _Writer:
    def __init__(self, root: Path):
        self.root = root
        self.pages = 0
        self.largest = ("", 0)

    def write(self, relative: str, text: str) -> None:
        data = text.encode("utf-8")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.pages += 1
        if len(data) > self.largest[1]:
            self.largest = (relative, len(data))


def _local_media(media_url: str | None, root: Path) -> str | None:
    """Copy an MMS image that is a local file into the site; None for anything remote or missing.

    The site never references a remote URL: an http(s) image is shown as a placeholder.
    """
    if not media_url:
        return None
    parsed = urlparse(media_url)
    if parsed.scheme == "file":
        source = Path(unquote(parsed.path))
    elif parsed.scheme == "" and media_url.startswith("/"):
        source = Path(media_url)
    else:
        return None
    if source.suffix.lower() not in MEDIA_TYPES or not source.is_file() or source.stat().st_size > MAX_MEDIA_BYTES:
        return None
    if not (mimetypes.guess_type(source.name)[0] or "").startswith("image/"):
        return None
    data = source.read_bytes()
    relative = f"media/{hashlib.sha256(data).hexdigest()[:16]}{source.suffix.lower()}"
    (root / "media").mkdir(exist_ok=True)
    (root / relative).write_bytes(data)
    return relative


def _write_tabs(con, campaigns: dict, writer: _Writer, root: Path, has_clicks_mart: bool, built_at: str) -> None:
    """Stream every campaign's tab rows (ordered by campaign, status); write a campaign page as its rows end."""
    done: set[str] = set()
    current: str | None = None
    first_pages: dict[str, list[tuple]] = {}
    page_rows: list[tuple] = []
    key: tuple | None = None
    page_no = 0

    def flush_page():
        nonlocal page_rows
        if key is None or not page_rows:
            return
        campaign_id, status = key
        if page_no == 1:
            first_pages[status] = page_rows
        elif campaign_id in campaigns:
            count = _tab_count(campaigns[campaign_id], status)
            writer.write(tab_page(campaign_id, status, page_no),
                         render.tab_page_html(campaigns[campaign_id], status, count, page_no, page_rows, built_at))
        page_rows = []

    def finish_campaign(campaign_id):
        if campaign_id in campaigns:
            c = campaigns[campaign_id]
            writer.write(campaign_page(campaign_id),
                         render.campaign(c, first_pages, _local_media(c.media_url, root), has_clicks_mart, built_at))
            done.add(campaign_id)

    for row in queries.tab_rows(con):
        campaign_id, status = row[0], row[1]
        if (campaign_id, status) != key:
            flush_page()
            if campaign_id != current:
                if current is not None:
                    finish_campaign(current)
                current, first_pages = campaign_id, {}
            key, page_no = (campaign_id, status), 1
        elif len(page_rows) == PAGE_ROWS:
            flush_page()
            page_no += 1
        page_rows.append(row)
    flush_page()
    if current is not None:
        finish_campaign(current)
    for campaign_id, c in campaigns.items():  # campaigns without contacts yet
        if campaign_id not in done:
            writer.write(campaign_page(campaign_id),
                         render.campaign(c, {}, _local_media(c.media_url, root), has_clicks_mart, built_at))


def _tab_count(c: queries.Campaign, status: str) -> int:
    column = {"delivered": "unique_deliveries", "pending": "pending", "soft_bounce": "soft_bounces",
              "hard_bounce": "hard_bounces", "deleted": "deleted"}[status]
    return int(c.overview[column])


def _write_suppressions(con, accounts: list[queries.Account], writer: _Writer, built_at: str) -> None:
    by_id = {a.account_id: a for a in accounts}
    written: set[tuple[str, int]] = set()
    current, page_no, rows = None, 0, []

    def flush():
        if current in by_id and rows:
            writer.write(account_page(current, page_no), render.suppression_page(by_id[current], page_no, rows,
                                                                                 built_at))
            written.add((current, page_no))

    for row in queries.suppression_rows(con):
        if row[0] != current or len(rows) == PAGE_ROWS:
            flush()
            page_no = 1 if row[0] != current else page_no + 1
            current, rows = row[0], []
        rows.append(row)
    flush()
    for a in accounts:
        if (a.account_id, 1) not in written:
            writer.write(account_page(a.account_id), render.suppression_page(a, 1, [], built_at))


def _render_into(warehouse: Path, root: Path) -> _Writer:
    writer = _Writer(root)
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    shutil.copytree(STATIC, root / "static")
    with queries.connect(warehouse) as con:
        has_clicks_mart = queries.has_table(con, "marts", "fct_clicks")
        campaigns = queries.campaigns(con, has_clicks_mart)
        accounts = queries.accounts(con)
        writer.write("index.html", render.index(list(campaigns.values()), accounts, built_at))
        _write_tabs(con, campaigns, writer, root, has_clicks_mart, built_at)
        _write_suppressions(con, accounts, writer, built_at)
    return writer


def build_site(warehouse: str | Path, out: str | Path) -> SiteResult:
    """Build the site for `warehouse` (opened read-only) into `out`, replacing what was there."""
    started = time.monotonic()
    warehouse, out = Path(warehouse), Path(out)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        writer = _render_into(warehouse, tmp)
        files = [p for p in tmp.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        if out.exists():
            out.rename(old)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return SiteResult(out=out, pages=writer.pages, files=len(files), bytes=size, largest_page=writer.largest[0],
                      largest_page_bytes=writer.largest[1], seconds=time.monotonic() - started)
