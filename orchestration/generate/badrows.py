"""Bad rows (docs/RULES.md, Loading guarantees): corrupted copies of a few staged rows, with fresh ids.

Each kind is injected at BAD_ROW_RATE of the entity's rows in a day folder, and at
least once per run (on an early day that has rows of that entity).
"""

from __future__ import annotations

import duckdb

from orchestration.generate import buffers
from orchestration.generate.layout import COLUMNS
from orchestration.generate.scale import BAD_ROW_RATE

# entity -> [(reason, {column: SQL replacing it})]
BAD_KINDS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "campaigns": [
        ("unknown_message_type", {"campaign_id": "campaign_id || '-x1'",
                                  "message_type": "'RCS'"}),
        ("missing_required", {"campaign_id": "campaign_id || '-x2'", "name": "null"}),
    ],
    "contacts": [
        ("missing_required", {"contact_id": "contact_id || '-x1'", "account_id": "null"}),
        ("invalid_phone", {"contact_id": "contact_id || '-x2'", "phone_number": "'+44 12'"}),
    ],
    "messages": [
        ("missing_required", {"message_id": "message_id || '-x1'", "contact_id": "null",
                              "provider_message_id": "provider_message_id || '-x1'"}),
        ("unparseable_timestamp", {"message_id": "message_id || '-x2'",
                                   "provider_message_id": "provider_message_id || '-x2'",
                                   "sent_at": "'2026-11-31T25:61:00Z'"}),
        ("unparseable_number", {"message_id": "message_id || '-x3'", "segments": "'two'",
                                "provider_message_id": "provider_message_id || '-x3'"}),
    ],
    "receipts": [
        ("missing_required", {"status": "null"}),
        ("unparseable_timestamp", {"event_at": "'27/11/2026 25:00'"}),
    ],
    "smpp_receipts": [
        ("missing_required", {"line": r"regexp_replace(line, 'done date:\S+\s*', '', 'i')"}),
        ("unparseable_timestamp", {
            "line": r"regexp_replace(line, '(done date:)\S+', '\1 2613329961', 'i')"}),
    ],
    "clicks": [
        ("missing_required", {"click_id": "click_id || 'x1'", "message_id": "null"}),
        ("unparseable_timestamp", {"click_id": "click_id || 'x2'",
                                   "clicked_at": "'yesterday 10:00'"}),
    ],
    "orders": [
        ("missing_required", {"order_id": "order_id || '-X1'", "ordered_at": "null"}),
        ("unparseable_timestamp", {"order_id": "order_id || '-X2'",
                                   "ordered_at": "'2026-02-30T10:00:00Z'"}),
        ("unparseable_number", {"order_id": "order_id || '-X3'", "revenue": "'12,99 EUR'"}),
        ("negative_revenue", {"order_id": "order_id || '-X4'", "revenue": "'-' || revenue"}),
        ("invalid_phone", {"order_id": "order_id || '-X5'", "contact_id": "null",
                           "phone_number": "'+44 12'"}),
    ],
    "unsubscribes": [
        ("missing_required", {"contact_id": "null", "phone_number": "null"}),
        ("invalid_phone", {"contact_id": "null", "phone_number": "'n/a'"}),
        ("unparseable_timestamp", {"unsubscribed_at": "'31.11.2026'"}),
    ],
}


class BadRows:
    """Injects bad rows day by day and counts them per entity and reason."""

    def __init__(self, days: int) -> None:
        self.counts: dict[str, dict[str, int]] = {e: {} for e in BAD_KINDS}
        self.owed = {(e, i): i % max(1, min(days, 3))
                     for e, kinds in BAD_KINDS.items() for i in range(len(kinds))}

    def add(self, entity: str, reason: str, n: int) -> None:
        if n:
            self.counts[entity][reason] = self.counts[entity].get(reason, 0) + n

    def inject(self, con: duckdb.DuckDBPyConnection, day: int) -> None:
        """Add corrupted copies of rows staged for folder `day`."""
        for entity, kinds in BAD_KINDS.items():
            n_rows = buffers.count(con, entity, day)
            if not n_rows:
                continue
            for i, (reason, change) in enumerate(kinds):
                n = int(n_rows * BAD_ROW_RATE)
                if (entity, i) in self.owed and day >= self.owed[(entity, i)]:
                    n = max(n, 1)
                    del self.owed[(entity, i)]
                if n:
                    self.add(entity, reason, self._copy(con, entity, day, i, change, n))

    @staticmethod
    def _copy(con, entity: str, day: int, i: int, change: dict[str, str], n: int) -> int:
        cols = ", ".join(f"{change.get(c, c)} as {c}" for c in COLUMNS[entity])
        return con.execute(
            f"insert into buf_{entity} by name "  # noqa: S608 - generator-internal SQL
            f"select {cols}, fd, sk + 1 as sk, tk * 16 + {8 + i} as tk from buf_{entity} "
            f"where fd = {day} and tk % 16 < 8 "
            f"order by hash({i}, '{entity}', tk), tk limit {n}"
        ).fetchall()[0][0]
