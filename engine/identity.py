"""Identity rules: what a member types to prove who they are (`engine.masks` shows it back).

A member identifies with their social-security number (NIR) or their registered
email, proves it with their date of birth (``jj/mm/aaaa``), and receives a
temporary password by SMS only on a metropolitan-France mobile. Every parser
here turns free text into a checked value or raises an ``invalid_input``
refusal whose ``reason`` says which rule failed, so the CLI can tell the member
exactly what to fix. Pure: no I/O; ``today`` comes in as an argument.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from engine.errors import invalid
from engine.french_phone import french_number_type
from engine.plain_email import plain_email

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

__all__ = [
    "Identifier",
    "Nir",
    "Phone",
    "check_birth_date_matches_nir",
    "format_nir",
    "no_sms_reason",
    "parse_birth_date",
    "parse_email",
    "parse_identifier",
    "parse_mobile",
    "parse_nir",
    "token_from_link",
]

# --- NIR ---------------------------------------------------------------------

_NIR_LENGTH = 15
# Characters that may appear in a compacted NIR at all (digits, and the A/B of
# Corsica's 2A/2B); anything else is a typing error, reported before length.
_NIR_CHARS = frozenset("0123456789AB")
_NIR_SEXES = frozenset("123478")  # 1/2 born, 3/4 foreigners being registered, 7/8 temporary
_ASCII_DIGITS = frozenset("0123456789")


def _is_nir_month(month: int) -> bool:
    """Real months, plus INSEE's pseudo-months.

    When the civil record gives no month of birth (incomplete foreign records,
    people being registered), INSEE puts 20, 30-42 or 50-99 in the month field;
    we accept 20-42 and 50-99 so no real NIR is refused on that ground.
    """
    return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99


@dataclass(frozen=True)
class Nir:
    """A checked NIR, compact and uppercase (``253072B07300470``).

    Build it with `parse_nir`; the fields it exposes are the ones the date of
    birth is checked against.
    """

    value: str

    @property
    def birth_year_2d(self) -> int:
        """The last two digits of the year of birth (positions 2-3)."""
        return int(self.value[1:3])

    @property
    def birth_month(self) -> int:
        """The month of birth (positions 4-5); may be an INSEE pseudo-month."""
        return int(self.value[3:5])


def parse_nir(raw: str) -> Nir:
    """Check a typed NIR, field by field, so a refusal names the wrong part.

    Spaces and dots are accepted as separators, as printed on the carte Vitale.
    The checks go from the coarsest to the finest (characters, length,
    layout, each field, then the key), so a NIR with a misplaced letter is not
    reported as having a wrong key.
    """
    from stdnum.fr import nir as stdnum_nir  # lazy: not for --help

    if not raw.isascii():
        raise invalid("nir_format")
    text = raw.strip()
    if not text.isprintable():  # tabs, NUL, other control characters inside
        raise invalid("nir_format")
    compact = compact_nir(text)
    if not set(compact) <= _NIR_CHARS:
        raise invalid("nir_format")
    if len(compact) != _NIR_LENGTH:
        raise invalid("nir_length", length=len(compact))
    department = compact[5:7]
    digits_elsewhere = compact[:5] + compact[7:]
    if not set(digits_elsewhere) <= _ASCII_DIGITS or not (
        department.isdigit() or department in ("2A", "2B")
    ):
        raise invalid("nir_format")
    if compact[0] not in _NIR_SEXES:
        raise invalid("nir_sex")
    if not _is_nir_month(int(compact[3:5])):
        raise invalid("nir_month")
    # 01-99 are all in use (20: Corsica before 1976; 96: Tunisia before 1956;
    # 97x: overseas; 98: Monaco and others; 99: born abroad); only 00 is not.
    if department == "00":
        raise invalid("nir_department")
    if compact[7:10] == "000" or compact[10:13] == "000":
        raise invalid("nir_serial")
    # The layout is checked above, more strictly than stdnum's validate(), which
    # would only compact the number again: its key computation is all that is left.
    if stdnum_nir.calc_check_digits(compact) != compact[13:]:
        raise invalid("nir_key")
    return Nir(compact)


def compact_nir(text: str) -> str:
    """stdnum's `nir.compact` of printable ASCII text, without its character
    loop: its Unicode mapping changes only a backquote (into an apostrophe),
    which `parse_nir` refuses either way."""
    return text.replace(" ", "").replace(".", "").strip().upper()


def format_nir(nir: Nir) -> str:
    """The grouped form people read on their card: ``2 53 07 2B 073 004 70``."""
    from stdnum.fr import nir as stdnum_nir

    return stdnum_nir.format(nir.value)


# --- date of birth -------------------------------------------------------------

_DOB_RE = re.compile(r"\A[0-9]{2}/[0-9]{2}/[0-9]{4}\Z")
_OLDEST_BIRTH_YEAR = 1900


def parse_birth_date(raw: str, today: date) -> date:
    """Read a date of birth in the procedure's one format, ``jj/mm/aaaa``.

    The format is strict (two-digit day and month, ASCII digits) because the
    date is a proof of identity, not a convenience field: ``1/2/2000`` is
    refused rather than guessed.
    """
    text = raw.strip()
    if not _DOB_RE.match(text):
        raise invalid("dob_format")
    day, month, year = (int(part) for part in text.split("/"))
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise invalid("dob_invalid_date") from None
    if birth_date > today:
        raise invalid("dob_future")
    if birth_date.year < _OLDEST_BIRTH_YEAR:
        raise invalid("dob_too_old")
    return birth_date


def check_birth_date_matches_nir(nir: Nir, birth_date: date) -> None:
    """Refuse a date of birth the NIR itself contradicts.

    The NIR carries the year (two digits) and, unless INSEE used a pseudo-month,
    the month of birth; checking them catches typos before any account lookup.
    """
    if birth_date.year % 100 != nir.birth_year_2d:
        raise invalid("dob_nir_year")
    if 1 <= nir.birth_month <= 12 and birth_date.month != nir.birth_month:
        raise invalid("dob_nir_month")


# --- mobile phone ----------------------------------------------------------------

# phonenumbers is lenient (it skips letters, full-width digits, "ext 12"...), so
# the typed text must first look like a phone number: an optional leading "+",
# then ASCII digits and the usual separators.
_PHONE_RE = re.compile(r"\A\+?[0-9 .()\-]*[0-9][0-9 .()\-]*\Z")
_PHONE_MAX_CHARS = 40
# 8: the shortest numbers our members could have; 17: the 15 digits E.164
# allows at most, plus a "00" international prefix.
_PHONE_MIN_DIGITS = 8
_PHONE_MAX_DIGITS = 17
# Overseas departments and collectivities share France's national numbering
# plan: "0690 12 34 56" typed in France is a Guadeloupe mobile (+590 690...).
_OVERSEAS_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM")


@dataclass(frozen=True)
class Phone:
    """A possible phone number in E.164, and whether we may send it an SMS.

    SMS codes go only to metropolitan-France mobiles (the procedure's
    "téléphone portable"); other numbers are kept for the record.
    """

    e164: str
    sms_capable: bool


def parse_mobile(raw: str) -> Phone:
    """Check a typed phone number and store it in E.164 (French by default)."""
    text = raw.strip()
    if len(text) > _PHONE_MAX_CHARS or not _PHONE_RE.match(text):
        raise invalid("phone_format")
    digit_count = sum(char.isdigit() for char in text)
    if not _PHONE_MIN_DIGITS <= digit_count <= _PHONE_MAX_DIGITS:
        raise invalid("phone_invalid")

    import phonenumbers  # lazy: slow to import, and most commands do not need it

    number = _french_national_number(text)
    if number is not None:
        kind = french_number_type(str(number.national_number))
        if kind != phonenumbers.PhoneNumberType.UNKNOWN or (
            number.country_code_source != phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
        ):  # nine digits after +33: a possible French number (tests compare with the library)
            mobile = kind == phonenumbers.PhoneNumberType.MOBILE
            return Phone(e164=f"+33{number.national_number}", sms_capable=mobile)
    else:
        number = _parse_phone(text)
        kind = phonenumbers.number_type(number)  # UNKNOWN: not a valid number
    if (
        kind == phonenumbers.PhoneNumberType.UNKNOWN
        and number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY
    ):
        number, kind = _overseas(text, number, kind)
    if not phonenumbers.is_possible_number(number):
        raise invalid("phone_invalid")
    sms_capable = (
        phonenumbers.region_code_for_number(number) == "FR"
        and not number.extension
        and kind == phonenumbers.PhoneNumberType.MOBILE
    )
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Phone(e164=e164, sms_capable=sms_capable)


def _french_national_number(text: str) -> PhoneNumber | None:
    """``06 12 34 56 78`` or ``+33 6 12 34 56 78`` (nine digits after a 0 or +33;
    spaces, dots or dashes between) as phonenumbers' own parse() reads it with
    France as the default region: country code 33 and those nine digits. Most
    numbers of an import have one of these forms, and parse() is most of the
    time of checking one (tests compare both on every such number)."""
    from phonenumbers import CountryCodeSource, PhoneNumber

    digits = text.replace(" ", "").replace(".", "").replace("-", "")
    if digits.startswith("+33"):
        national, source = digits[3:], CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN
    elif digits.startswith("0"):
        national, source = digits[1:], CountryCodeSource.FROM_DEFAULT_COUNTRY
    else:
        return None
    if len(national) != 9 or national[0] == "0" or not national.isdigit():
        return None
    return PhoneNumber(
        country_code=33,
        national_number=int(national),
        raw_input=text,
        country_code_source=source,
    )


def _parse_phone(text: str) -> PhoneNumber:
    import phonenumbers

    try:
        return phonenumbers.parse(text, "FR", keep_raw_input=True)
    except phonenumbers.NumberParseException:
        raise invalid("phone_invalid") from None


def _overseas(text: str, number: PhoneNumber, kind: int) -> tuple[PhoneNumber, int]:
    """A number not valid in France, typed without a country code, may be one of
    the overseas departments that share France's numbering plan."""
    import phonenumbers

    for region in _OVERSEAS_REGIONS:
        try:
            overseas = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:  # pragma: no cover - parsed with FR
            continue
        overseas_kind = phonenumbers.number_type(overseas)
        if overseas_kind != phonenumbers.PhoneNumberType.UNKNOWN:
            return overseas, overseas_kind
    return number, kind


def no_sms_reason(phone: Phone) -> str | None:
    """Why a stored number cannot receive the procedure's SMS, or None when it can:
    "not_metropolitan" (abroad, or overseas: +33 is metropolitan France's code
    alone) or "not_mobile" (a landline or another kind of number). No parsing:
    an import may ask it for every row."""
    if phone.sms_capable:
        return None
    return "not_mobile" if phone.e164.startswith("+33") else "not_metropolitan"


# --- email -------------------------------------------------------------------------


def parse_email(raw: str) -> str:
    """Check an email address's syntax and return its normalised form.

    No DNS lookup: the engine does no I/O, and delivery proves the address.
    Surrounding whitespace (a pasted address) is ignored. Compatibility forms
    are folded first (NFKC: a full-width `ａ` is `a`), so that one mailbox is
    one account whatever keyboard typed it. The whole address is lower-cased:
    members type their address in any case and expect it to identify them;
    no mainstream provider has case-sensitive mailboxes.
    """
    if not isinstance(raw, str):
        raise invalid("email_invalid", detail_key="not_text")

    if raw.isascii():  # NFKC changes no ASCII text
        plain = plain_email(raw.strip())
        if plain is not None:
            return plain

    from email_validator import EmailNotValidError, validate_email  # lazy: slow import

    try:
        folded = unicodedata.normalize("NFKC", raw)
        result = validate_email(folded.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise invalid("email_invalid", detail=str(exc)) from None
    return result.normalized.lower()


# --- identifier ----------------------------------------------------------------------


@dataclass(frozen=True)
class Identifier:
    """What the member typed as "Mon identifiant": exactly one of NIR or email."""

    nir: Nir | None
    email: str | None

    def __post_init__(self) -> None:
        if (self.nir is None) == (self.email is None):
            raise ValueError("an Identifier holds exactly one of nir or email")


def parse_identifier(raw: str) -> Identifier:
    """Tell a NIR from an email address: only an address contains "@" (or "＠")."""
    if "@" in unicodedata.normalize("NFKC", raw):
        return Identifier(nir=None, email=parse_email(raw))
    return Identifier(nir=parse_nir(raw), email=None)


def token_from_link(raw: str) -> str:
    """The token alone, from either the raw token or the whole link."""
    text = raw.strip()
    if "token=" in text:
        values = parse_qs(urlsplit(text).query).get("token", [])
        text = values[0] if values else ""
    if not text or not text.isascii() or not all(c.isalnum() or c in "-_" for c in text):
        raise invalid("token")
    return text
