"""Property-based tests of SMPP delivery receipts (issue 8): the parser and `.log`/`.txt` files, black-box.

The parser's public function `parse_smpp_receipt` either returns a receipt or
raises `SmppParseError`, whatever the text; a receipt written as SMSCs write it
(docs/RULES.md, Versions and repeats: field names in any case and order, optional fields, three date
formats, vendor fields after `err`, `text:` holding field-like words) reads
back exactly. Receipt files load every non-blank line as a raw row or a
rejected row with a reason, and loading them again changes nothing.
"""

from __future__ import annotations

import gzip
from datetime import datetime

from hypothesis import example, given
from hypothesis import strategies as st
from test_fuzz_loaders import Landing, load_and_check

from orchestration.ingestion.loader import load_entity
from orchestration.ingestion.smpp import SmppParseError, parse_smpp_receipt

_IDS = st.from_regex(r"[A-Za-z0-9+_.-]{1,24}", fullmatch=True)
_STATUSES = st.sampled_from(["DELIVRD", "delivrd", "UNDELIV", "EXPIRED", "REJECTD", "ENROUTE", "ACCEPTD",
                             "DELETED", "UNKNOWN", "SKIPPED", "SCHEDLD"])
_WHEN = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0))
_DATE_FORMATS = {"%y%m%d%H%M": lambda d: d.replace(second=0), "%y%m%d%H%M%S": lambda d: d,
                 "%Y%m%d%H%M%S": lambda d: d}


def _case(draw, name: str) -> str:
    return draw(st.sampled_from([name, name.upper(), name.title()]))


@st.composite
def receipts(draw, prefix: str = "") -> tuple[str, dict]:
    """A receipt line as an SMSC writes it, and what it must parse to."""
    pmid, status = prefix + draw(_IDS), draw(_STATUSES)
    fmt = draw(st.sampled_from(sorted(_DATE_FORMATS)))
    # Two-digit years pivot like strptime's %y: 00-68 are 20xx (69-99 read as 19xx, out of scope here).
    when = _WHEN.filter(lambda d: d.year < 2069) if "%y" in fmt else _WHEN
    done = _DATE_FORMATS[fmt](draw(when))
    submit = _DATE_FORMATS[fmt](draw(when)) if draw(st.booleans()) else None
    err = draw(st.from_regex(r"[0-9]{3,4}", fullmatch=True)) if draw(st.booleans()) else None
    sep = draw(st.sampled_from([" ", "_"]))
    fields = [f"{_case(draw, 'id')}:{pmid}", f"{_case(draw, 'stat')}:{status}",
              f"{_case(draw, 'done')}{sep}{_case(draw, 'date')}:{done.strftime(fmt)}"]
    if submit:
        fields.append(f"{_case(draw, 'submit')}{sep}{_case(draw, 'date')}:{submit.strftime(fmt)}")
    if draw(st.booleans()):
        fields.append(f"{_case(draw, 'sub')}:001")
    if draw(st.booleans()):
        fields.append(f"{_case(draw, 'dlvrd')}:{draw(st.sampled_from(['000', '001']))}")
    fields = draw(st.permutations(fields))
    if err is not None:
        fields.append(f"{_case(draw, 'err')}:{err}")
        # vendor fields after err are ignored
        fields += draw(st.lists(st.sampled_from(["mcc:234", "MNC:15", "network:vodafone", "price:0.04"]),
                                max_size=2))
    if draw(st.booleans()):
        text = draw(st.one_of(st.text(max_size=25).map(lambda t: t.replace("\n", " ").replace("\r", " ")),
                              st.sampled_from(["id:999 stat:REJECTD done date:0101010000 err:999",
                                               "Hi text:twice", "", "😀 é 日本"])))
        fields.append(f"{_case(draw, 'text')}:{text}")
    line = draw(st.sampled_from([" ", "  "])).join(fields)
    expected = {"provider_message_id": pmid, "status": status.upper(), "error_code": err,
                "submitted_at": submit, "event_at": done}
    return line, expected


@given(receipts())
def test_a_receipt_reads_back_exactly(receipt):
    line, expected = receipt
    parsed = parse_smpp_receipt(line)
    assert {k: getattr(parsed, k) for k in expected} == expected


@given(st.one_of(st.text(), receipts().map(lambda r: r[0]).flatmap(
    lambda line: st.integers(0, len(line)).map(lambda n: line[:n]))))
@example("id: stat: done date:")
@example("id:1 stat:DELIVRD done date:9999999999")
@example("id:1 stat:DELIVRD done date:261327091500")
@example("id:1 stat:DELIVRD done date:2602300915")
@example("text:id:1 stat:DELIVRD done date:2611270915")
@example("id:text: stat:x done date:2611270915")
@example("\x00id:\x00 stat:\x00 done date:\x00")
def test_any_text_parses_or_raises_smpp_parse_error(text):
    try:
        receipt = parse_smpp_receipt(text)
    except SmppParseError as exc:
        assert str(exc)
        return
    assert receipt.provider_message_id and receipt.status
    assert isinstance(receipt.event_at, datetime)


@st.composite
def receipt_files(draw):
    """(bytes, rows, the provider_message_ids that must load) of a receipt log."""
    lines, rows, must = [], 0, set()
    for i in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["valid", "valid", "garbage", "blank", "binary", "truncated"]))
        if kind == "valid":
            line, expected = draw(receipts(prefix=f"r{i}x"))  # unique ids: a loaded line can be found
            lines.append(line.encode())
            must.add(expected["provider_message_id"])
            rows += 1
        elif kind == "garbage":
            lines.append(draw(st.text(max_size=40).filter(lambda t: t.strip() and "\n" not in t and "\r" not in t))
                         .encode())
            rows += 1
        elif kind == "binary":
            data = draw(st.binary(min_size=1, max_size=40).filter(lambda b: b"\n" not in b and b"\r" not in b
                                                                  and b.strip()))
            lines.append(data)
            rows += 1 if data.decode("utf-8", "replace").strip() else 0
        elif kind == "truncated":
            line, _ = draw(receipts())
            cut = line[: draw(st.integers(1, len(line)))]
            lines.append(cut.encode())
            rows += 1 if cut.strip() else 0
        else:
            lines.append(draw(st.sampled_from([b"", b"   ", b"\t"])))
    terminator = draw(st.sampled_from([b"\n", b"\r\n"]))
    data = terminator.join(lines) + (terminator if lines and draw(st.booleans()) else b"")
    return data, rows, must


@given(receipt_files(), st.sampled_from([".log", ".txt", ".log.gz", ".txt.gz", ".LOG"]))
def test_receipt_files_load_every_line_or_reject_it(file, ext):
    data, rows, must = file
    with Landing() as lz:
        relative = lz.write("smpp_receipts", "r" + ext, gzip.compress(data, mtime=0) if ext.endswith(".gz") else data)
        load_and_check(lz, "smpp_receipts", relative, rows=rows, must_load=True)
        loaded = {r[0] for r in lz.con.execute("select provider_message_id from raw.smpp_receipts").fetchall()}
        assert must <= loaded, must - loaded
        assert load_entity(lz.con, lz.landing, "smpp_receipts").files[0].status == "skipped"
