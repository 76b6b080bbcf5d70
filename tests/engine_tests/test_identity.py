"""Identity parsing: exact reason codes for each bad input, round-trips for good ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.fr.nir import calc_check_digits

from engine.errors import SesameError
from engine.identity import (
    Identifier,
    Nir,
    Phone,
    check_birth_date_matches_nir,
    format_nir,
    parse_birth_date,
    parse_email,
    parse_identifier,
    parse_mobile,
    parse_nir,
)
from engine.masks import mask_destination, mask_email, mask_phone
from engine.states import Channel

TODAY = date(2025, 6, 15)

# No example database (it would write .hypothesis/ into the repository) and no
# deadline (phonenumbers' first import is slow).
quiet = settings(database=None, deadline=None)


def with_key(first13: str) -> str:
    """A full NIR from its first 13 characters, with the key stdnum computes."""
    return first13 + calc_check_digits(first13)


def fullwidth(text: str) -> str:
    """The same text with full-width digits (as typed with a Japanese IME)."""
    return text.translate({ord("0") + i: 0xFF10 + i for i in range(10)})


def reason_of(excinfo: pytest.ExceptionInfo[SesameError]) -> str | None:
    assert excinfo.value.code == "invalid_input"
    return excinfo.value.reason


# --- NIR ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "compact"),
    [
        ("2 95 10 99 126 111 93", "295109912611193"),  # born abroad (99)
        ("253072B07300470", "253072B07300470"),  # Haute-Corse
        ("253072A07300443", "253072A07300443"),  # Corse-du-Sud
        ("2 53 07 2a 073 004 43", "253072A07300443"),  # lowercase 2a
        ("253072b07300470", "253072B07300470"),
        ("1 85 03 971 12 045 91", "185039711204591"),  # Guadeloupe (971)
        ("2 60 05 99 350 012 54", "260059935001254"),  # born abroad
        ("1 92 01 75 115 042 29", "192017511504229"),  # Paris
        ("1.92.01.75.115.042.29", "192017511504229"),  # dots
        ("  192017511504229\n", "192017511504229"),  # surrounding whitespace
        ("\t1 92 01 75 115 042 29 ", "192017511504229"),
    ],
)
def test_parse_nir_accepts_known_good_numbers(raw: str, compact: str) -> None:
    assert parse_nir(raw) == Nir(compact)


@pytest.mark.parametrize(
    "first13",
    [
        "1850397212045",  # Martinique (972)
        "2850397412045",  # La Réunion (974)
        "1850397612045",  # Mayotte (976)
        "1532020123001",  # Corsica before 1976 (20)
        "3850399350012",  # foreigner being registered (sex 3)
        "4850399350012",
        "7850399350012",  # temporary number (sex 7)
        "8850399350012",
        "1852099350012",  # pseudo-month 20
        "1853599350012",  # pseudo-month 35
        "1854299350012",  # pseudo-month 42
        "1855099350012",  # pseudo-month 50
        "1856299350012",  # pseudo-month 62
        "1859999350012",  # pseudo-month 99
        "1850196001001",
        "1850198001001",
    ],
)
def test_parse_nir_accepts_computed_keys(first13: str) -> None:
    nir = with_key(first13)
    assert parse_nir(nir).value == nir


def test_nir_fields() -> None:
    nir = parse_nir("2 53 07 2B 073 004 70")
    assert nir.birth_year_2d == 53
    assert nir.birth_month == 7
    assert parse_nir(with_key("1856299350012")).birth_month == 62


def test_format_nir() -> None:
    assert format_nir(parse_nir("253072B07300470")) == "2 53 07 2B 073 004 70"
    assert format_nir(parse_nir("295109912611193")) == "2 95 10 99 126 111 93"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        # key
        ("295109912611199", "nir_key"),
        ("2 95 10 99 126 111 94", "nir_key"),
        ("253072B07300443", "nir_key"),  # 2A's key on a 2B number
        ("253072A07300470", "nir_key"),
        ("192017511504200", "nir_key"),
        ("192017511504298", "nir_key"),
        # length
        ("", "nir_length"),
        ("   ", "nir_length"),
        ("2 95 10 99 126 111 9", "nir_length"),
        ("2951099126111930", "nir_length"),
        ("6546546546546703", "nir_length"),
        # format
        ("253072C07300443", "nir_format"),
        ("2530A2B07300470", "nir_format"),  # letter outside the department
        ("2530722B0730047", "nir_format"),  # 2B shifted by one
        ("1A5039911204591", "nir_format"),
        ("2-95-10-99-126-111-93", "nir_format"),  # hyphens are not separators
        (fullwidth("295109912611193"), "nir_format"),  # full-width digits
        ("29510991261119\u0663", "nir_format"),  # Arabic-Indic digit
        ("295109912611193\x00", "nir_format"),
        ("2951099\x0012611193", "nir_format"),
        ("2 95 10\t99 126 111 93", "nir_format"),
        ("2\u00a095 10 99 126 111 93", "nir_format"),  # no-break space
        ("jean.dupont", "nir_format"),
        # fields
        ("5" + with_key("1850399350012")[1:], "nir_sex"),
        ("0" + with_key("1850399350012")[1:], "nir_sex"),
        (with_key("9850399350012"), "nir_sex"),
        (with_key("1850099350012"), "nir_month"),
        (with_key("1851399350012"), "nir_month"),
        (with_key("1851999350012"), "nir_month"),
        (with_key("1854399350012"), "nir_month"),
        (with_key("1854999350012"), "nir_month"),
        (with_key("1850300350012"), "nir_department"),
        (with_key("1850375000042"), "nir_serial"),  # commune 000
        (with_key("1850375115000"), "nir_serial"),  # serial 000
        (with_key("1850399000012"), "nir_serial"),
    ],
)
def test_parse_nir_refusals(raw: str, reason: str) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_nir(raw)
    assert reason_of(excinfo) == reason


def test_nir_length_reports_the_compact_length() -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_nir("2 95 10 99 126 111 9")
    assert excinfo.value.params == {"length": 14}


def test_field_checks_come_before_the_key() -> None:
    # A wrong sex digit with a wrong key says "sex", the more helpful reason.
    with pytest.raises(SesameError) as excinfo:
        parse_nir("595109912611193")
    assert reason_of(excinfo) == "nir_sex"


@quiet
@given(st.text())
def test_parse_nir_only_ever_refuses_with_sesame_error(raw: str) -> None:
    try:
        parse_nir(raw)
    except SesameError as exc:
        assert exc.code == "invalid_input"
        assert exc.reason is not None
        assert exc.reason.startswith("nir_")


@quiet
@given(st.text(alphabet="0123456789ABab .", max_size=25))
def test_parse_nir_on_near_miss_text_only_refuses_with_sesame_error(raw: str) -> None:
    try:
        parse_nir(raw)
    except SesameError as exc:
        assert exc.reason is not None
        assert exc.reason.startswith("nir_")


def _digits(count: int, low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: str(n).zfill(count))


valid_months = st.one_of(st.integers(1, 12), st.integers(20, 42), st.integers(50, 99)).map(
    lambda m: f"{m:02d}"
)
valid_departments = st.one_of(_digits(2, 1, 99), st.sampled_from(["2A", "2B", "2a", "2b"]))
valid_first13 = st.builds(
    lambda sex, year, month, dept, commune, serial: sex + year + month + dept + commune + serial,
    st.sampled_from("123478"),
    _digits(2, 0, 99),
    valid_months,
    valid_departments,
    _digits(3, 1, 999),
    _digits(3, 1, 999),
)


@quiet
@given(valid_first13)
def test_valid_parts_with_computed_key_parse_back(first13: str) -> None:
    compact = with_key(first13.upper())
    nir = parse_nir(first13 + compact[13:])
    assert nir.value == compact


@quiet
@given(valid_first13)
def test_format_then_parse_round_trips(first13: str) -> None:
    nir = parse_nir(with_key(first13.upper()))
    assert parse_nir(format_nir(nir)) == nir
    assert parse_nir(format_nir(nir).replace(" ", ".")) == nir


@quiet
@given(valid_first13, st.integers(1, 96))
def test_any_other_key_is_refused(first13: str, shift: int) -> None:
    compact = with_key(first13.upper())
    wrong = f"{(int(compact[13:]) + shift) % 100:02d}"
    with pytest.raises(SesameError) as excinfo:
        parse_nir(compact[:13] + wrong)
    assert reason_of(excinfo) == "nir_key"


# --- date of birth -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01/02/2000", date(2000, 2, 1)),
        ("29/02/2000", date(2000, 2, 29)),
        (" 31/12/1999\n", date(1999, 12, 31)),
        ("01/01/1900", date(1900, 1, 1)),
        ("15/06/2025", TODAY),
    ],
)
def test_parse_birth_date_accepts(raw: str, expected: date) -> None:
    assert parse_birth_date(raw, TODAY) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1/2/2000", "dob_format"),
        ("01-02-2000", "dob_format"),
        ("01.02.2000", "dob_format"),
        ("2000-02-01", "dob_format"),
        ("01/02/00", "dob_format"),
        ("01/02/2000 12:00", "dob_format"),
        (fullwidth("01/02/2000"), "dob_format"),
        ("01/02/2000\x00", "dob_format"),
        ("", "dob_format"),
        ("31/02/2000", "dob_invalid_date"),
        ("29/02/2001", "dob_invalid_date"),
        ("00/01/2000", "dob_invalid_date"),
        ("01/13/2000", "dob_invalid_date"),
        ("01/01/0000", "dob_invalid_date"),
        ("16/06/2025", "dob_future"),
        ("01/01/2999", "dob_future"),
        ("31/12/1899", "dob_too_old"),
        ("01/01/1000", "dob_too_old"),
    ],
)
def test_parse_birth_date_refusals(raw: str, reason: str) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_birth_date(raw, TODAY)
    assert reason_of(excinfo) == reason


@quiet
@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_parse_birth_date_round_trips(birth_date: date) -> None:
    assert parse_birth_date(birth_date.strftime("%d/%m/%Y"), TODAY) == birth_date


@quiet
@given(st.dates(min_value=TODAY + timedelta(days=1)))
def test_parse_birth_date_refuses_every_future_date(birth_date: date) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_birth_date(birth_date.strftime("%d/%m/%Y"), TODAY)
    assert reason_of(excinfo) == "dob_future"


@quiet
@given(st.text())
def test_parse_birth_date_only_ever_refuses_with_sesame_error(raw: str) -> None:
    try:
        parse_birth_date(raw, TODAY)
    except SesameError as exc:
        assert exc.reason is not None
        assert exc.reason.startswith("dob_")


# --- NIR and date of birth agree -------------------------------------------------


def test_birth_date_matching_nir_passes() -> None:
    nir = parse_nir("253072B07300470")  # July 1953
    check_birth_date_matches_nir(nir, date(1953, 7, 14))
    check_birth_date_matches_nir(nir, date(1853, 7, 1))  # the NIR has no century


def test_birth_date_year_must_match_nir() -> None:
    nir = parse_nir("253072B07300470")
    with pytest.raises(SesameError) as excinfo:
        check_birth_date_matches_nir(nir, date(1954, 7, 14))
    assert reason_of(excinfo) == "dob_nir_year"


def test_birth_date_month_must_match_nir() -> None:
    nir = parse_nir("253072B07300470")
    with pytest.raises(SesameError) as excinfo:
        check_birth_date_matches_nir(nir, date(1953, 8, 14))
    assert reason_of(excinfo) == "dob_nir_month"


def test_year_is_checked_before_month() -> None:
    nir = parse_nir("253072B07300470")
    with pytest.raises(SesameError) as excinfo:
        check_birth_date_matches_nir(nir, date(1960, 1, 1))
    assert reason_of(excinfo) == "dob_nir_year"


@pytest.mark.parametrize("month", [20, 35, 42, 50, 62, 99])
def test_pseudo_month_skips_the_month_check(month: int) -> None:
    nir = parse_nir(with_key(f"185{month:02d}99350012"))
    for birth_month in range(1, 13):
        check_birth_date_matches_nir(nir, date(1985, birth_month, 1))
    with pytest.raises(SesameError) as excinfo:
        check_birth_date_matches_nir(nir, date(1986, 1, 1))
    assert reason_of(excinfo) == "dob_nir_year"


# --- mobile phone ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "(06) 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        " 06 12 34 56 78\n",
    ],
)
def test_metropolitan_mobile_is_sms_capable(raw: str) -> None:
    assert parse_mobile(raw) == Phone(e164="+33612345678", sms_capable=True)


def test_07_mobile_is_sms_capable() -> None:
    assert parse_mobile("07 81 23 45 67") == Phone("+33781234567", sms_capable=True)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("01 42 68 53 00", "+33142685300"),  # Paris fixed line
        ("+33 9 12 34 56 78", "+33912345678"),  # VoIP
        ("07 12 34 56 78", "+33712345678"),  # possible but unallocated
        ("+590 690 12 34 56", "+590690123456"),  # Guadeloupe mobile
        ("+262 692 12 34 56", "+262692123456"),  # La Réunion mobile
        ("+596 696 12 34 56", "+596696123456"),  # Martinique mobile
        ("+594 694 12 34 56", "+594694123456"),  # Guyane mobile
        ("+262 639 12 34 56", "+262639123456"),  # Mayotte range
        ("+262 639 01 23 45", "+262639012345"),  # Mayotte mobile
        ("0690 12 34 56", "+590690123456"),  # overseas, national format
        ("0692 12 34 56", "+262692123456"),
        ("0639 01 23 45", "+262639012345"),
        ("+44 7400 123456", "+447400123456"),  # UK mobile
        ("+44 20 7946 0958", "+442079460958"),  # London fixed line
        ("+1 202 555 0143", "+12025550143"),
    ],
)
def test_other_numbers_are_stored_but_not_sms_capable(raw: str, e164: str) -> None:
    assert parse_mobile(raw) == Phone(e164=e164, sms_capable=False)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "phone_format"),
        ("   ", "phone_format"),
        ("06 12 34 56 78abc", "phone_format"),
        (fullwidth("0612345678"), "phone_format"),
        ("+33 6 12 34 56 78 ext 12", "phone_format"),
        ("06 12 34 56 78 x12", "phone_format"),
        ("06 12 34 56 78;12", "phone_format"),
        ("06 12 34 56 78#", "phone_format"),
        ("33+612345678", "phone_format"),
        ("++33612345678", "phone_format"),
        ("06/12/34/56/78", "phone_format"),
        ("06 12 34 56 78\x00", "phone_format"),
        ("06\t12 34 56 78", "phone_format"),
        ("+", "phone_format"),
        ("0" + " " * 40 + "612345678", "phone_format"),
        ("0612", "phone_invalid"),
        ("+33612", "phone_invalid"),
        ("0612 3456 7812 3456 7812", "phone_invalid"),
        ("06 12 34 56 78 90", "phone_invalid"),
        ("+33 6 12 34 56 7", "phone_invalid"),
        ("+999 1234 5678", "phone_invalid"),
    ],
)
def test_parse_mobile_refusals(raw: str, reason: str) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_mobile(raw)
    assert reason_of(excinfo) == reason


@quiet
@given(st.text())
def test_parse_mobile_only_ever_refuses_with_sesame_error(raw: str) -> None:
    try:
        phone = parse_mobile(raw)
    except SesameError as exc:
        assert exc.reason in {"phone_format", "phone_invalid"}
    else:
        assert phone.e164.startswith("+")


@quiet
@given(st.text(alphabet="+0123456789 .-()", max_size=30))
def test_parse_mobile_on_phone_like_text_only_refuses_with_sesame_error(
    raw: str,
) -> None:
    try:
        phone = parse_mobile(raw)
    except SesameError as exc:
        assert exc.reason in {"phone_format", "phone_invalid"}
    else:
        assert phone.e164[0] == "+"
        assert phone.e164[1:].isdigit()


def test_mask_phone() -> None:
    assert mask_phone("+33612344208") == "*** ** 42 08"
    assert mask_phone(parse_mobile("06 12 34 56 78").e164) == "*** ** 56 78"


# --- email -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jean.dupont@orange.fr", "jean.dupont@orange.fr"),
        ("Jean.Dupont@ORANGE.FR", "jean.dupont@orange.fr"),
        ("  jean.dupont@orange.fr\n", "jean.dupont@orange.fr"),
        ("jérôme@exemple.fr", "jérôme@exemple.fr"),
        ("marie+mgen@exemple.fr", "marie+mgen@exemple.fr"),
        # Compatibility forms (NFKC): full-width letters and signs, ligatures, composed marks.
        ("\uff41@x.fr", "a@x.fr"),
        ("\uff21@x.fr", "a@x.fr"),
        (
            "\uff4a\uff45\uff41\uff4e@\uff4f\uff52\uff41\uff4e\uff47\uff45.\uff46\uff52",
            "jean@orange.fr",
        ),
        ("jean\uff20orange\uff0efr", "jean@orange.fr"),
        ("\ufb01n@x.fr", "fin@x.fr"),
        ("je\u0301ro\u0302me@exemple.fr", "jérôme@exemple.fr"),
    ],
)
def test_parse_email_normalises(raw: str, expected: str) -> None:
    assert parse_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "jean.dupont",
        "@orange.fr",
        "jean@",
        "jean@@orange.fr",
        "jean@orange",
        "jean@localhost",
        "jean dupont@orange.fr",
        "jean@orange.fr\x00",
        "jean@-orange.fr",
        "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".fr",  # > 254
    ],
)
def test_parse_email_refusals(raw: str) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_email(raw)
    assert reason_of(excinfo) == "email_invalid"
    detail = excinfo.value.params["detail"]
    assert isinstance(detail, str)
    assert detail


def test_parse_email_refuses_non_text() -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_email(None)  # type: ignore[arg-type]
    assert reason_of(excinfo) == "email_invalid"


@quiet
@given(st.text())
def test_parse_email_only_ever_refuses_with_sesame_error(raw: str) -> None:
    try:
        parse_email(raw)
    except SesameError as exc:
        assert exc.reason == "email_invalid"


def test_mask_email() -> None:
    assert mask_email("jean.dupont@orange.fr") == "*****@orange.fr"
    assert mask_email("a@b.fr") == "*****@b.fr"
    assert mask_email("no-at-sign") == "*****"


def test_mask_destination_masks_by_channel() -> None:
    # The outbox stores the channel as text, the engine as a Channel: both mask alike.
    for sms in (Channel.SMS, "sms"):
        assert mask_destination(sms, "+33612344208") == "*** ** 42 08"
    for email in (Channel.EMAIL, "email"):
        assert mask_destination(email, "jean.dupont@orange.fr") == "*****@orange.fr"


# --- identifier ----------------------------------------------------------------------


def test_identifier_with_at_sign_is_an_email() -> None:
    assert parse_identifier("Jean.Dupont@ORANGE.FR") == Identifier(
        nir=None, email="jean.dupont@orange.fr"
    )


def test_identifier_with_a_full_width_at_sign_is_an_email() -> None:
    assert parse_identifier("\uff41\uff20x.fr") == Identifier(nir=None, email="a@x.fr")


def test_identifier_with_full_width_digits_is_still_refused_as_a_nir() -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_identifier("\uff12 95 10 99 126 111 93")
    assert reason_of(excinfo) == "nir_format"


def test_identifier_without_at_sign_is_a_nir() -> None:
    assert parse_identifier("2 53 07 2b 073 004 70") == Identifier(
        nir=Nir("253072B07300470"), email=None
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("jean.dupont@", "email_invalid"),
        ("jean.dupont", "nir_format"),
        ("2 95 10 99 126 111 9", "nir_length"),
        ("", "nir_length"),
    ],
)
def test_identifier_refusals(raw: str, reason: str) -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_identifier(raw)
    assert reason_of(excinfo) == reason


def test_identifier_holds_exactly_one_value() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Identifier(nir=None, email=None)
    with pytest.raises(ValueError, match="exactly one"):
        Identifier(nir=Nir("253072B07300470"), email="a@b.fr")


def _parse_mobile_with_phonenumbers(raw: str) -> Phone:
    """The reference: phonenumbers' parse() for every number, as sesame did before
    reading the common ten-digit French form itself."""
    import phonenumbers

    text = raw.strip()
    try:
        number = phonenumbers.parse(text, "FR", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        raise SesameError("invalid_input", reason="phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        for region in ("GP", "MQ", "GF", "RE", "YT", "PM"):
            overseas = phonenumbers.parse(text, region)
            if phonenumbers.is_valid_number(overseas):
                number = overseas
                break
    if not phonenumbers.is_possible_number(number):
        raise SesameError("invalid_input", reason="phone_invalid")
    sms_capable = (
        phonenumbers.region_code_for_number(number) == "FR"
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )
    return Phone(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), sms_capable
    )


def _outcome(parse: Callable[[str], Phone], raw: str) -> Phone | str:
    try:
        return parse(raw)
    except SesameError as exc:
        return exc.reason or exc.code


@quiet
@given(
    prefix=st.sampled_from(["0", "+33", "+33 ", "+330", "0033"]),
    digits=st.text("0123456789", min_size=8, max_size=10),
    separators=st.lists(st.sampled_from(["", " ", ".", "-"]), min_size=10, max_size=10),
)
def test_french_numbers_read_as_phonenumbers_parses_them(
    prefix: str, digits: str, separators: list[str]
) -> None:
    """Every number typed as 0 or +33 and nine digits (the forms most imported
    rows have, read without phonenumbers' parse()), and their near misses, get
    the answer parse() would give: landlines, mobiles, overseas numbers, invalid
    ranges, wrong lengths."""
    raw = prefix + "".join(sep + digit for sep, digit in zip(separators, digits, strict=False))
    assert _outcome(parse_mobile, raw) == _outcome(_parse_mobile_with_phonenumbers, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "06 12 34 56 78",
        "07 81 23 45 67",
        "01 45 67 89 10",
        "09 70 12 34 56",
        "0690 12 34 56",
        "0692 12 34 56",
        "0639 01 23 45",
        "08 00 12 34 56",
        "05 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 1 45 67 89 10",
        "+33 690 12 34 56",
        "+33 06 12 34 56 78",
        "008010000",  # 00 then an unknown country code: parse() raises
    ],
)
def test_common_french_numbers_read_as_phonenumbers_parses_them(raw: str) -> None:
    assert _outcome(parse_mobile, raw) == _outcome(_parse_mobile_with_phonenumbers, raw)


@pytest.mark.parametrize(
    ("raw", "reason", "confirmed"),
    [
        ("06 12 34 42 08", None, "+33 6 12 ** 42 08"),
        ("+44 7700 900123", "not_metropolitan", "+44 7700 **0123"),
        ("0690 12 34 56", "not_metropolitan", "+590 690 ** 34 56"),
        ("01 45 67 89 10", "not_mobile", "+33 1 45 ** 89 10"),
    ],
)
def test_why_a_stored_number_gets_no_sms_and_what_support_sees_of_it(raw, reason, confirmed):
    from engine.identity import no_sms_reason
    from engine.masks import confirm_phone

    phone = parse_mobile(raw)
    assert (no_sms_reason(phone), phone.sms_capable) == (reason, reason is None)
    assert confirm_phone(phone.e164) == confirmed
    # More than the member-facing mask: all but two digits.
    assert sum(c.isdigit() for c in confirmed) == sum(c.isdigit() for c in phone.e164) - 2


@settings(database=None, deadline=None)
@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
def test_nir_compaction_is_stdnums_on_printable_ascii(text: str) -> None:
    from stdnum.fr import nir as stdnum_nir

    from engine.identity import compact_nir

    ours, theirs = compact_nir(text), stdnum_nir.compact(text)
    assert ours == theirs or ours.replace("`", "'") == theirs


def test_a_backquote_in_a_nir_is_a_format_refusal() -> None:
    with pytest.raises(SesameError) as excinfo:
        parse_nir("2 95 10 99 126 111 9`")
    assert reason_of(excinfo) == "nir_format"
