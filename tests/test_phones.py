"""Phone numbers: E.164 normalisation and the account's default_region in the loader (docs/RULES.md, Input files)."""

from __future__ import annotations

import pytest
from ingestion_helpers import (
    load,
    open_warehouse,
    query,
    rejected_rows,
    write_csv,
)

from orchestration.ingestion.phones import DEFAULT_REGION, destination, to_e164

ACCOUNT_COLUMNS = ["account_id", "name", "default_region", "updated_at"]
CONTACT_COLUMNS = ["contact_id", "account_id", "phone_number"]


# ---------------------------------------------------------------- to_e164

def test_default_region_is_gb():
    assert DEFAULT_REGION == "GB"
    assert to_e164("07911 123456") == "+447911123456"


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("07911 123456", "GB", "+447911123456"),
    ("07911123456", "GB", "+447911123456"),
    ("(07911) 123-456", "GB", "+447911123456"),
    ("020 7946 0018", "GB", "+442079460018"),
    ("030 1234567", "DE", "+49301234567"),
    ("0151 23456789", "DE", "+4915123456789"),
    ("030 1234567", "de", "+49301234567"),   # region in any case
    ("07911 123456", None, "+447911123456"),  # no region -> GB
])
def test_national_numbers_use_the_region(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize(("raw", "region"), [
    ("+447911123456", "GB"), ("+447911123456", "DE"), ("+44 7911 123456", "US"),
    ("+44 (0)7911 123456", "GB"), (" +447911123456 ", "GB"),
])
def test_e164_input_ignores_the_region(raw, region):
    assert to_e164(raw, region) == "+447911123456"


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("0044 7911 123456", "GB", "+447911123456"),
    ("0049 30 1234567", "GB", "+49301234567"),
    ("0049 30 1234567", "DE", "+49301234567"),
    ("0044 7911 123456", "DE", "+447911123456"),
])
def test_00_international_prefix(raw, region, expected):
    assert to_e164(raw, region) == expected


@pytest.mark.parametrize(("raw", "region"), [
    ("00123", "GB"), ("12345", "GB"), ("0791112", "GB"), ("+44 12", "GB"), ("n/a", "GB"),
    ("+49 000", "DE"), ("999", "GB"), ("07911 12345a", "GB"), ("", "GB"), ("   ", "GB"),
    ("030 1234567", "GB"),        # a valid German national number is not a valid British one
    ("030 1234567", "XX"),        # unknown region: a national number cannot be read
])
def test_invalid_numbers_are_none(raw, region):
    assert to_e164(raw, region) is None


def test_ofcom_drama_range_is_invalid_for_libphonenumber():
    # Worth knowing when writing fixtures: +44 7700 900xxx is reserved for TV/drama and
    # libphonenumber does not treat it as a valid number, so such contacts are rejected.
    assert to_e164("+447700900123", "GB") is None


def test_none_is_none():
    assert to_e164(None, "GB") is None


# ---------------------------------------------------------------- destination country and carrier

@pytest.mark.parametrize(("e164", "expected"), [
    ("+447400123456", ("GB", "Three")),          # a UK mobile range and its original carrier
    ("+4915112345678", ("DE", "T-Mobile")),
    ("+33612345678", ("FR", "SFR")),
    ("+447624123456", ("IM", "Manx Telecom")),   # +44 ranges of the Crown Dependencies are not GB
    ("+12025550123", ("US", None)),              # libphonenumber names no carrier for North America
    ("+80012345678", (None, None)),              # non-geographic: no country
    (None, (None, None)),
    ("not a number", (None, None)),
])
def test_destination_is_the_region_and_the_ranges_original_carrier(e164, expected):
    assert destination(e164) == expected


# ---------------------------------------------------------------- in the loader

@pytest.fixture
def landing(tmp_path):
    return tmp_path / "landing"


@pytest.fixture
def con(tmp_path):
    connection = open_warehouse(tmp_path)
    yield connection
    connection.close()


def _accounts(landing, rows, name="accounts.csv", dt="dt=2026-11-27"):
    write_csv(landing, "accounts", name, ACCOUNT_COLUMNS, rows, dt)


def _contacts(landing, rows):
    write_csv(landing, "contacts", "contacts.csv", CONTACT_COLUMNS, rows)


def _phones(con, entity="contacts", key="contact_id"):
    return {row[key]: row["phone_number"] for row in query(con, f"select * from raw.{entity}")}


def test_contacts_use_the_accounts_default_region(landing, con):
    _accounts(landing, [
        ["a_gb", "UK shop", "GB", None],
        ["a_de", "DE shop", "DE", None],
        ["a_de_lower", "DE shop 2", "de", None],
        ["a_blank", "No region", None, None],
    ])
    _contacts(landing, [
        ["k1", "a_gb", "07911 123456"],
        ["k2", "a_de", "030 1234567"],
        ["k3", "a_de", "+447911123456"],
        ["k4", "a_de", "0049 30 1234568"],
        ["k5", "a_de_lower", "0151 23456789"],
        ["k6", "a_blank", "07911 123457"],
        ["k7", "a_unknown", "07911 123458"],
        ["k8", "a_gb", "030 1234567"],
        ["k9", "a_gb", "00123"],
    ])
    load(con, landing, "accounts", "contacts")
    assert _phones(con) == {
        "k1": "+447911123456",
        "k2": "+49301234567",
        "k3": "+447911123456",
        "k4": "+49301234568",
        "k5": "+4915123456789",
        "k6": "+447911123457",  # account without region -> GB
        "k7": "+447911123458",  # unknown account -> GB
    }
    rejected = {r["row_number"]: r["reason"] for r in rejected_rows(con, "contacts")}
    assert rejected == {8: "invalid phone number: phone_number", 9: "invalid phone number: phone_number"}


def test_contacts_get_the_destination_country_and_carrier_of_their_number(landing, con):
    _accounts(landing, [["a_gb", "UK shop", "GB", None]])
    write_csv(landing, "contacts", "contacts.csv", CONTACT_COLUMNS + ["carrier"], [
        ["c1", "a_gb", "07400 123456", "a column of the file named carrier is an extra"],
        ["c2", "a_gb", "+4915112345678", None],
        ["c3", "a_gb", "+12025550123", None],
    ])
    load(con, landing, "accounts")
    load(con, landing, "contacts")
    rows = {r["contact_id"]: (r["country_code"], r["carrier"], r["_extra"])
            for r in query(con, "select * from raw.contacts")}
    assert rows["c1"][:2] == ("GB", "Three")
    assert "a column of the file named carrier is an extra" in rows["c1"][2]
    assert rows["c2"][:2] == ("DE", "T-Mobile")
    assert rows["c3"][:2] == ("US", None)


def test_contacts_loaded_before_the_columns_existed_are_filled_in(tmp_path, landing, con):
    _accounts(landing, [["a_gb", "UK shop", "GB", None]])
    _contacts(landing, [["c1", "a_gb", "07400 123456"]])
    load(con, landing, "accounts")
    load(con, landing, "contacts")
    con.execute("alter table raw.contacts drop column country_code")
    con.execute("alter table raw.contacts drop column carrier")
    con.close()
    reopened = open_warehouse(tmp_path)
    assert query(reopened, "select country_code, carrier from raw.contacts") == [
        {"country_code": "GB", "carrier": "Three"}]
    reopened.close()


def test_orders_and_unsubscribes_use_the_accounts_default_region(landing, con):
    _accounts(landing, [["a_de", "DE shop", "DE", None]])
    write_csv(landing, "orders", "orders.csv",
              ["order_id", "account_id", "phone_number", "ordered_at", "revenue"],
              [["o1", "a_de", "030 1234567", "2026-11-27T10:00:00Z", "10.00"],
               ["o2", "a_other", "07911 123456", "2026-11-27T10:00:00Z", "10.00"]])
    write_csv(landing, "unsubscribes", "unsubscribes.csv",
              ["account_id", "phone_number", "unsubscribed_at", "keyword"],
              [["a_de", "0151 23456789", "2026-11-27T10:00:00Z", "STOP"],
               ["a_other", "07911 123456", "2026-11-27T10:00:00Z", "STOP"]])
    load(con, landing, "accounts", "orders", "unsubscribes")
    assert _phones(con, "orders", "order_id") == {"o1": "+49301234567", "o2": "+447911123456"}
    assert _phones(con, "unsubscribes", "account_id") == {"a_de": "+4915123456789", "a_other": "+447911123456"}


def test_contacts_loaded_before_their_account_are_read_as_gb(landing, con):
    """Documents the load order dependency: accounts must be loaded first."""
    _contacts(landing, [["k1", "a_de", "0151 23456789"]])
    load(con, landing, "contacts")
    _accounts(landing, [["a_de", "DE shop", "DE", None]])
    load(con, landing, "accounts")
    assert _phones(con) == {}  # 0151 23456789 is no valid GB number -> rejected
    assert [r["reason"] for r in rejected_rows(con, "contacts")] == ["invalid phone number: phone_number"]


def test_the_latest_account_version_gives_the_region(landing, con):
    _accounts(landing, [
        ["a1", "shop", "GB", "2026-01-01T00:00:00Z"],
        ["a1", "shop", "DE", "2026-06-01T00:00:00Z"],
        ["a1", "shop", "FR", None],  # a missing updated_at is older than any given one
    ])
    _contacts(landing, [["k1", "a1", "030 1234567"]])
    load(con, landing, "accounts", "contacts")
    assert _phones(con) == {"k1": "+49301234567"}


def test_a_latest_account_version_without_region_means_gb(landing, con):
    # Regression: arg_max(default_region, ...) skips NULL regions, so the older 'DE' is used.
    _accounts(landing, [
        ["a1", "shop", "DE", "2026-01-01T00:00:00Z"],
        ["a1", "shop", None, "2026-06-01T00:00:00Z"],
    ])
    _contacts(landing, [["k1", "a1", "07911 123456"]])
    load(con, landing, "accounts", "contacts")
    assert _phones(con) == {"k1": "+447911123456"}


def test_an_account_version_tie_goes_to_the_file_sorting_last(landing, con):
    # Regression: on equal updated_at arg_max keeps the first row met; the rule (docs/RULES.md, Versions and
    # repeats) wants the last file by path.
    _accounts(landing, [["a1", "shop", "DE", None]], dt="dt=2026-11-26")
    _accounts(landing, [["a1", "shop", "GB", None]], dt="dt=2026-11-27")
    _contacts(landing, [["k1", "a1", "07911 123456"]])
    load(con, landing, "accounts", "contacts")
    assert _phones(con) == {"k1": "+447911123456"}


def test_a_number_repeated_in_a_file_gives_each_row_once(landing, con):
    """Regression: repeated numbers once made the phone map join duplicate rows (and rejects)."""
    write_csv(landing, "orders", "orders.csv",
              ["order_id", "account_id", "phone_number", "ordered_at", "revenue"],
              [["o1", "a_gb", "07911 123456", "2026-11-27T10:00:00Z", "10.00"],
               ["o2", "a_gb", "07911 123456", "2026-11-27T11:00:00Z", "12.00"],
               ["o3", "a_gb", "07911 123456", "yesterday", "12.00"],
               ["o4", "a_gb", "07911 123456", "yesterday", "12.00"]])
    load(con, landing, "orders")
    assert sorted(r["order_id"] for r in query(con, "select order_id from raw.orders")) == ["o1", "o2"]
    assert [r["row_number"] for r in rejected_rows(con, "orders")] == [3, 4]
