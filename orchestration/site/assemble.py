"""Write the whole site from a published warehouse into a folder, then swap it into place.

The site is built in `<out>.tmp-<pid>` next to `out`; when complete, the previous
site (if any) is renamed to `<out>.old-<pid>`, the new one renamed to `out`, and
the old one deleted. A reader sees the old site or the new one, except during
the instant between the two renames, and a failed build leaves the old site as it
was (the temporary folder is removed).

Incremental: the site folder holds `.build-manifest.json`, a fingerprint of the
site code (this package and its static files) and a digest per campaign and per
account of everything its pages show. A rebuild with the same fingerprint
hard-links (or copies) the files (page and data file) of every campaign and account whose digest is
unchanged from the old site into the temporary folder instead of rendering them,
and renders the others; the index, static files and media are always written.
The old site is only read, never written: a page that is linked is never
written to, and every written page is a new file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import mimetypes
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import duckdb

from orchestration.site import queries, render
from orchestration.site.layout import (
    account_page,
    account_suppressions,
    campaign_contacts,
    campaign_page,
    deliverability_page,
)

STATIC = Path(__file__).parent / "static"
MEDIA_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
MAX_MEDIA_BYTES = 5_000_000
MANIFEST = ".build-manifest.json"
MANIFEST_VERSION = 1


@dataclass
class SiteResult:
    out: Path
    pages: int  # HTML pages
    files: int  # every file: pages, data files, static files, media, the manifest
    bytes: int
    largest_page: str
    largest_page_bytes: int
    seconds: float
    campaigns_rendered: int = 0
    campaigns_reused: int = 0
    accounts_rendered: int = 0
    accounts_reused: int = 0
    full_reason: str | None = None  # why every page was rendered; None for an incremental build
    data_files: int = 0  # the campaigns' contacts and the accounts' suppressions files that pages page through


def default_site_dir(warehouse: Path) -> Path:
    """MMSREPORT_SITE when set, else `<warehouse stem>_site/` next to the warehouse
    (data/warehouse.duckdb -> data/warehouse_site/)."""
    if os.environ.get("MMSREPORT_SITE"):
        return Path(os.environ["MMSREPORT_SITE"]).expanduser().resolve()
    return warehouse.with_name(f"{warehouse.stem}_site")


class _Writer:
    """Writes pages and data files into the new site, or links them from the old one; counts files per owner."""

    def __init__(self, root: Path):
        self.root = root
        self.pages = 0
        self.data_files = 0
        self.largest = ("", 0)
        self.owned: dict[str, int] = {}  # "campaign:<id>" / "account:<id>" -> its files (pages and data files)

    def _count(self, relative: str, size: int, owner: str | None) -> None:
        if owner:
            self.owned[owner] = self.owned.get(owner, 0) + 1
        if not relative.endswith(".html"):
            self.data_files += 1
            return
        self.pages += 1
        if size > self.largest[1]:
            self.largest = (relative, size)

    def write(self, relative: str, text: str, owner: str | None = None) -> None:
        data = text.encode("utf-8")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # never write through a link to the old site
            target.unlink()
        target.write_bytes(data)
        self._count(relative, len(data), owner)

    def reuse(self, old_root: Path, relative: str, owner: str) -> None:
        """The file `relative` of the old site, hard-linked (copied where links are impossible)."""
        source, target = old_root / relative, self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self._count(relative, target.stat().st_size, owner)


def _owned_pages(root: Path, first_page: str) -> list[str] | None:
    """The files of one campaign or account: its page and every file in the folder of the same name (its
    contacts or suppressions data file), relative to root; None when the page is missing."""
    if not (root / first_page).is_file():
        return None
    folder = first_page.removesuffix(".html")
    try:
        later = sorted(f"{folder}/{entry.name}" for entry in os.scandir(root / folder) if entry.is_file())
    except FileNotFoundError:
        later = []
    return [first_page, *later]


def code_fingerprint() -> str:
    """Changes whenever a file of the site code (this package, its static files) or DuckDB changes."""
    digest = hashlib.sha256(f"manifest {MANIFEST_VERSION}; duckdb {duckdb.__version__}\n".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _read_manifest(out: Path) -> dict | None:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("version") == MANIFEST_VERSION else None


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


def _grouped(rows, key) -> Iterator[tuple[str, list[tuple]]]:
    """(key, its rows) for rows ordered by key, one key at a time (the rows of one campaign or account in memory)."""
    for value, group in itertools.groupby(rows, key=key):
        yield value, list(group)


def _write_tabs(con, campaigns: dict, media: dict, writer: _Writer, has_clicks_mart: bool, everything: bool) -> None:
    """Stream the tab rows of `campaigns` (ordered by campaign, status); write a campaign's page and its contacts
    file as its rows end.

    everything: `campaigns` are all campaigns, so the rows are read without a filter (which costs memory)."""
    done: set[str] = set()
    rows = queries.tab_rows(con, None if everything else sorted(campaigns)) if campaigns else iter(())
    for campaign_id, campaign_rows in _grouped(rows, key=lambda row: row[0]):
        if campaign_id not in campaigns:
            continue
        by_status = {status: [render.tab_cells(r) for r in group]
                     for status, group in _grouped(campaign_rows, key=lambda row: row[1])}
        writer.write(campaign_contacts(campaign_id), render.data_file({f"tab-{s}": r for s, r in by_status.items()}),
                     f"campaign:{campaign_id}")
        writer.write(campaign_page(campaign_id),
                     render.campaign(campaigns[campaign_id], by_status, media[campaign_id], has_clicks_mart),
                     f"campaign:{campaign_id}")
        done.add(campaign_id)
    for campaign_id, c in campaigns.items():  # campaigns without contacts yet
        if campaign_id not in done:
            writer.write(campaign_page(campaign_id), render.campaign(c, {}, media[campaign_id], has_clicks_mart),
                         f"campaign:{campaign_id}")


def _write_suppressions(con, accounts: list[queries.Account], writer: _Writer, everything: bool) -> None:
    """The suppression-list page and file of `accounts` (all accounts when everything)."""
    by_id = {a.account_id: a for a in accounts}
    rows = queries.suppression_rows(con, None if everything else sorted(by_id)) if accounts else iter(())
    for account_id, account_rows in _grouped(rows, key=lambda row: row[0]):
        if account_id in by_id:
            cells = [render.suppression_cells(r) for r in account_rows]
            writer.write(account_suppressions(account_id), render.data_file({"suppressions": cells}),
                         f"account:{account_id}")
            writer.write(account_page(account_id), render.suppression_page(by_id.pop(account_id), cells),
                         f"account:{account_id}")
    for a in by_id.values():  # accounts without suppressed contacts
        writer.write(account_page(a.account_id), render.suppression_page(a, []), f"account:{a.account_id}")


@dataclass
class _Plan:
    """What one build renders and what it reuses from the old site."""
    old: Path | None  # the old site to link from; None for a full build
    full_reason: str | None
    reuse: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # owner -> its pages in the old site


def _plan(old_site: Path, manifest: dict | None, fingerprint: str, digests: dict[str, str]) -> _Plan:
    """Reuse the pages of an owner ("campaign:<id>", "account:<id>") whose digest is the old one, when
    the old site still has exactly the pages the manifest lists for it."""
    if manifest is None:
        return _Plan(None, "no usable manifest in the old site")
    if manifest.get("fingerprint") != fingerprint:
        return _Plan(None, "the site code changed")
    plan = _Plan(old_site, None)
    old = manifest.get("owners", {})
    for owner, digest in digests.items():
        entry = old.get(owner)
        if not isinstance(entry, dict) or entry.get("digest") != digest:
            continue
        kind, identifier = owner.split(":", 1)
        first = campaign_page(identifier) if kind == "campaign" else account_page(identifier)
        pages = _owned_pages(old_site, first)
        if pages is not None and len(pages) == entry.get("pages"):
            plan.reuse[owner] = pages
    return plan


def _render_into(warehouse: Path, root: Path, old_site: Path, full: bool) -> tuple[_Writer, dict]:
    writer = _Writer(root)
    built_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    fingerprint = code_fingerprint()
    shutil.copytree(STATIC, root / "static")
    with queries.connect(warehouse) as con:
        has_clicks_mart = queries.has_table(con, "marts", "fct_clicks")
        campaigns = queries.campaigns(con, has_clicks_mart)
        accounts = queries.accounts(con)
        media = {campaign_id: _local_media(c.media_url, root) for campaign_id, c in campaigns.items()}
        row_digests = queries.campaign_row_digests(con)
        digests = {f"campaign:{campaign_id}": _digest(dataclasses.astuple(c), media[campaign_id], has_clicks_mart,
                                                      row_digests.get(campaign_id))
                   for campaign_id, c in campaigns.items()}
        suppression_digests = queries.account_row_digests(con)
        digests |= {f"account:{a.account_id}": _digest(dataclasses.astuple(a), suppression_digests.get(a.account_id))
                    for a in accounts}
        plan = (_Plan(None, "a full build was asked for") if full
                else _plan(old_site, _read_manifest(old_site), fingerprint, digests))
        for owner, pages in plan.reuse.items():
            for page in pages:
                writer.reuse(old_site, page, owner)
        deliverability = queries.deliverability(con) if queries.has_deliverability(con) else None
        alerts = None if deliverability is None else {i: len(d.alerts) for i, d in deliverability.items()}
        writer.write("index.html", render.index(list(campaigns.values()), accounts, built_at, alerts))
        for a in accounts if deliverability is not None else []:  # always rendered: one small page per account
            writer.write(deliverability_page(a.account_id),
                         render.deliverability_page(a, deliverability.get(a.account_id)))
        _write_tabs(con, {i: c for i, c in campaigns.items() if f"campaign:{i}" not in plan.reuse}, media, writer,
                    has_clicks_mart, everything=not plan.reuse)
        _write_suppressions(con, [a for a in accounts if f"account:{a.account_id}" not in plan.reuse], writer,
                            everything=not plan.reuse)
    manifest = {"version": MANIFEST_VERSION, "fingerprint": fingerprint,
                "owners": {owner: {"digest": digest, "pages": writer.owned[owner]}
                           for owner, digest in sorted(digests.items())}}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    stats = {"campaigns_rendered": sum(1 for i in campaigns if f"campaign:{i}" not in plan.reuse),
             "accounts_rendered": sum(1 for a in accounts if f"account:{a.account_id}" not in plan.reuse),
             "full_reason": plan.full_reason}
    stats["campaigns_reused"] = len(campaigns) - stats["campaigns_rendered"]
    stats["accounts_reused"] = len(accounts) - stats["accounts_rendered"]
    return writer, stats


def build_site(warehouse: str | Path, out: str | Path, full: bool = False) -> SiteResult:
    """Build the site for `warehouse` (opened read-only) into `out`, replacing what was there.

    Pages of campaigns and accounts unchanged since the site in `out` was built are reused from it,
    unless `full`."""
    started = time.monotonic()
    warehouse, out = Path(warehouse), Path(out)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}")
    old = out.with_name(f"{out.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        writer, stats = _render_into(warehouse, tmp, out, full)
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
                      largest_page_bytes=writer.largest[1], seconds=time.monotonic() - started,
                      data_files=writer.data_files, **stats)
