"""Personal information (PIPL): ID numbers by GB 11643, masking, log redaction."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import operator
import re
import unicodedata

# GB 11643 by hand rather than python-stdnum's ``cn.ric``: its ``validate`` also refuses a region
# code that did not exist in the birth year, and real ID numbers carry the code of the office
# that issued them (e.g. 330203 for someone born in 1975), so it would reject real members. The
# two parts of it that are right for us (the check digit, the birth date) are the few lines
# below, and they give each fault its own Chinese message, which a roster import reports per
# row; a dependency for them would add nothing.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    pass


def normalize_id_number(value: str) -> str:
    """Fold full-width characters and spaces, upper-case the X."""
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(map(operator.mul, map(int, first17), _WEIGHTS)) % 11]


def parse_id_number(value: str) -> tuple[dt.date, str]:
    """Return (birth date, gender) of a valid ID number; raise InvalidIdNumber otherwise.

    Gender is "M" or "F" from the parity of the 17th character.
    """
    return _parse_normalized(normalize_id_number(value))


# A roster import checks each number twice (the row, then Member.clean): the
# second look is a cache hit. Invalid numbers raise and are not cached.
@functools.lru_cache(maxsize=1024)
def _parse_normalized(number: str) -> tuple[dt.date, str]:
    if not _ID_SHAPE.match(number):
        raise InvalidIdNumber("公民身份号码应为18位，前17位为数字，最后一位为数字或X")
    if id_check_char(number[:17]) != number[17]:
        raise InvalidIdNumber("公民身份号码校验位不正确")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber("公民身份号码中的出生日期无效") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise InvalidIdNumber("公民身份号码中的出生日期无效")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return birth, gender


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid ID number (for demo data and tests): region is 6 digits, sequence 0–999."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` and ``tail`` characters; a value too short to keep any is all stars."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return f"{value[:head]}{'*' * (len(value) - head - tail)}{value[-tail:]}"


def mask_id_number(value: str) -> str:
    return _mask(value, 6, 2)


def mask_phone(value: str) -> str:
    return _mask(value, 3, 4)


def mask_address(value: str) -> str:
    # Keep the town so the reader knows roughly where; hide the street and house.
    if not value:
        return ""
    cut = value.find("镇")
    keep = value[: cut + 1] if 0 <= cut < len(value) - 1 else value[:6]
    return f"{keep}****"


def redact_text(text: str) -> str:
    """ID numbers, mobile numbers and addresses masked, query strings dropped: the policy's own rule."""
    from .personal_data import redact_text as by_policy

    return by_policy(text)


class PersonalDataLogFilter(logging.Filter):
    """Masks personal data in every log line and traceback, whatever logged them.

    The message, the exception's text and the stack are redacted; the
    traceback is formatted here (and the exception object let go) so no later
    handler formats the raw one.
    """

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info:
            record.exc_text = redact_text(self._formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        return True
