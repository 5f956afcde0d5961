"""The SMPP delivery-receipt parser (docs/RULES.md, Input files, `smpp_receipts`)."""

from __future__ import annotations

from datetime import datetime

import pytest

from orchestration.ingestion.smpp import SmppParseError, SmppReceipt, parse_smpp_date, parse_smpp_receipt

CANONICAL = ("id:0123456789 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 "
             "stat:DELIVRD err:000 text:Hello there")


def test_canonical_line():
    assert parse_smpp_receipt(CANONICAL) == SmppReceipt(
        provider_message_id="0123456789",
        status="DELIVRD",
        error_code="000",
        submitted_at=datetime(2026, 11, 27, 9, 15),
        event_at=datetime(2026, 11, 27, 9, 16),
    )


def test_id_and_error_code_are_kept_as_text():
    receipt = parse_smpp_receipt("id:000042 done date:2611270916 stat:UNDELIV err:0034")
    assert receipt.provider_message_id == "000042"
    assert receipt.error_code == "0034"


@pytest.mark.parametrize("line", [
    "ID:0123456789 SUB:001 DLVRD:001 SUBMIT DATE:2611270915 DONE DATE:2611270916 STAT:DELIVRD ERR:000 TEXT:x",
    "Id:0123456789 Sub:001 Dlvrd:001 Submit Date:2611270915 Done Date:2611270916 Stat:delivrd Err:000 Text:x",
    "stat:DELIVRD err:000 done date:2611270916 submit date:2611270915 dlvrd:001 sub:001 id:0123456789 text:x",
    "done date:2611270916 id:0123456789 submit date:2611270915 stat:DELIVRD err:000",
    "submit_date:2611270915 done_date:2611270916 id:0123456789 stat:DELIVRD err:000",
], ids=["upper", "title", "reversed", "shuffled", "underscores"])
def test_field_names_in_any_case_and_order(line):
    receipt = parse_smpp_receipt(line)
    assert receipt.provider_message_id == "0123456789"
    assert receipt.status == "DELIVRD"  # status is upper-cased
    assert receipt.error_code == "000"
    assert receipt.submitted_at == datetime(2026, 11, 27, 9, 15)
    assert receipt.event_at == datetime(2026, 11, 27, 9, 16)


def test_sub_dlvrd_text_and_err_are_optional():
    receipt = parse_smpp_receipt("id:abc done date:2611270916 stat:EXPIRED")
    assert receipt == SmppReceipt("abc", "EXPIRED", None, None, datetime(2026, 11, 27, 9, 16))


def test_empty_text_field():
    assert parse_smpp_receipt("id:abc done date:2611270916 stat:DELIVRD err:000 text:").status == "DELIVRD"


@pytest.mark.parametrize(("value", "expected"), [
    ("2611270916", datetime(2026, 11, 27, 9, 16)),         # YYMMDDhhmm
    ("261127091630", datetime(2026, 11, 27, 9, 16, 30)),   # YYMMDDhhmmss
    ("20261127091630", datetime(2026, 11, 27, 9, 16, 30)),  # YYYYMMDDhhmmss
    ("2402290000", datetime(2024, 2, 29, 0, 0)),            # leap day
])
def test_date_formats(value, expected):
    assert parse_smpp_date(value) == expected
    line = f"id:1 submit date:{value} done date:{value} stat:DELIVRD"
    receipt = parse_smpp_receipt(line)
    assert receipt.submitted_at == expected
    assert receipt.event_at == expected


@pytest.mark.parametrize("line", [
    "id:1  sub:001   dlvrd:001  submit date:2611270915   done date:2611270916    stat:DELIVRD  err:000",
    "id:1\tsub:001\tdlvrd:001\tsubmit date:2611270915\tdone date:2611270916\tstat:DELIVRD\terr:000\ttext:x",
    "  id:1 submit  date:2611270915 done   date:2611270916 stat:DELIVRD err:000  ",
    "id: 1 submit date: 2611270915 done date: 2611270916 stat: DELIVRD err: 000",
], ids=["multiple-spaces", "tabs", "spaces-inside-names", "space-after-colon"])
def test_odd_spacing(line):
    receipt = parse_smpp_receipt(line)
    assert (receipt.provider_message_id, receipt.status, receipt.error_code) == ("1", "DELIVRD", "000")
    assert receipt.submitted_at == datetime(2026, 11, 27, 9, 15)
    assert receipt.event_at == datetime(2026, 11, 27, 9, 16)


def test_tab_inside_a_field_name():
    # Regression: `submit[ _]*date` / `done[ _]*date` allow spaces and underscores but not a tab.
    receipt = parse_smpp_receipt("id:1 submit\tdate:2611270915 done\tdate:2611270916 stat:DELIVRD")
    assert receipt.submitted_at == datetime(2026, 11, 27, 9, 15)
    assert receipt.event_at == datetime(2026, 11, 27, 9, 16)


def test_vendor_fields_after_err_are_ignored():
    line = ("id:1 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 "
            "mcc:234 mnc:15 smsc:xyz dlr_stat:FAILED network_err:999 text:hi")
    receipt = parse_smpp_receipt(line)
    assert (receipt.provider_message_id, receipt.status, receipt.error_code) == ("1", "DELIVRD", "000")


@pytest.mark.parametrize("text", [
    "stat:UNDELIV err:999",
    "id:999 done date:2001010000 stat:REJECTD",
    "Your code is 1234. STAT:EXPIRED text:nested",
])
def test_text_is_not_read_as_fields(text):
    receipt = parse_smpp_receipt(
        f"id:1 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:{text}")
    assert receipt == SmppReceipt("1", "DELIVRD", "000", datetime(2026, 11, 27, 9, 15),
                                  datetime(2026, 11, 27, 9, 16))


def test_fields_inside_text_do_not_fill_missing_fields():
    with pytest.raises(SmppParseError, match="done date"):
        parse_smpp_receipt("id:1 stat:DELIVRD err:000 text:done date:2611270916")


@pytest.mark.parametrize(("line", "missing"), [
    ("sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000", "id"),
    ("id:1 sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 err:000", "stat"),
    ("id:1 sub:001 dlvrd:001 submit date:2611270915 stat:DELIVRD err:000", "done date"),
    ("this is not a delivery receipt", "id, stat, done date"),
    ("", "id, stat, done date"),
])
def test_missing_required_field_is_a_clear_error(line, missing):
    with pytest.raises(SmppParseError) as info:
        parse_smpp_receipt(line)
    assert str(info.value) == f"missing field(s): {missing}"


def test_empty_id_value_is_missing_not_the_next_field():
    # Regression: `id:\s*(\S+)` skips the blank value and takes the next token, so the receipt gets
    # provider_message_id 'sub:001' instead of being rejected.
    with pytest.raises(SmppParseError, match="id"):
        parse_smpp_receipt("id: sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD")


def test_empty_optional_submit_date_does_not_reject_the_receipt():
    # Regression: the blank submit date swallows the next token ('done') and the whole receipt is
    # rejected as "unparseable date 'done'", although submit date is optional.
    receipt = parse_smpp_receipt("id:1 submit date: done date:2611270916 stat:DELIVRD err:000")
    assert receipt.submitted_at is None
    assert receipt.event_at == datetime(2026, 11, 27, 9, 16)


@pytest.mark.parametrize("value", [
    "2613270916",      # month 13
    "2602300916",      # 30 February
    "2611272516",      # hour 25
    "26112709",        # too short
    "261127091",       # 9 digits
    "2611270916000",   # 13 digits
    "26-11-27 09:16",  # not digits
    "abcdefghij",
])
def test_bad_dates(value):
    with pytest.raises(SmppParseError, match="date") as info:
        parse_smpp_date(value)
    assert value in str(info.value)
    with pytest.raises(SmppParseError):
        parse_smpp_receipt(f"id:1 done date:{value} stat:DELIVRD")


def test_bad_optional_submit_date_is_an_error():
    with pytest.raises(SmppParseError, match="2613270915"):
        parse_smpp_receipt("id:1 submit date:2613270915 done date:2611270916 stat:DELIVRD")


def test_parse_error_is_a_value_error():
    assert issubclass(SmppParseError, ValueError)


@pytest.mark.parametrize("line", [
    "id:1 text: sub:001 dlvrd:001 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000",
    "id:1 sub:001 TEXT:\tsubmit date:2611270915 done date:2611270916 stat:DELIVRD err:000",
    "text: id:1 submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:Hi stat:UNDELIV",
    "id:1 text:  text: submit date:2611270915 done date:2611270916 stat:DELIVRD err:000 text:",
], ids=["middle", "tab-upper-case", "first-then-real-text", "two-empty-texts"])
def test_fields_after_an_empty_text_are_read(line):
    # Regression: `text:` ran to the end of the line even when empty, so the fields after it were
    # swallowed and the receipt was rejected as missing its stat and done date.
    assert parse_smpp_receipt(line) == SmppReceipt("1", "DELIVRD", "000", datetime(2026, 11, 27, 9, 15),
                                                   datetime(2026, 11, 27, 9, 16))


def test_a_text_that_starts_with_a_field_name_is_still_text():
    # `text:stat:UNDELIV` (no space after the colon) is a text, as before: only an empty text gives way.
    receipt = parse_smpp_receipt("id:1 done date:2611270916 stat:DELIVRD text:stat:UNDELIV err:999")
    assert (receipt.status, receipt.error_code) == ("DELIVRD", None)
