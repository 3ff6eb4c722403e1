"""证照标识 (GB/T 36904): ``1.2.156.3005.2.{type}.{issuer USCC}.{serial}.{version}.{check}``.

The check character is ISO 7064 MOD 37,36 (python-stdnum's ``mod_37_36``) over type code +
issuer USCC + serial + version, upper case, alphabet ``0-9A-Z``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.iso7064 import mod_37_36

PREFIX = "1.2.156.3005.2"
_PART = re.compile(r"^[0-9A-Z]+$")
_SHAPE = re.compile(
    r"^1\.2\.156\.3005\.2\.([0-9A-Z]{1,15})\.([0-9A-Z]{18})\.([0-9]{1,12})\.([0-9]{3})\.([0-9A-Z*])$"
)


class MalformedIdentifier(ValueError):
    pass


class WrongCheckCharacter(ValueError):
    pass


@dataclass(frozen=True)
class Identifier:
    type_code: str
    issuer_code: str
    serial: str
    version: int
    check: str

    def __str__(self) -> str:
        parts = [PREFIX, self.type_code, self.issuer_code, self.serial, f"{self.version:03d}"]
        return ".".join([*parts, self.check])


def check_character(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    body = f"{type_code}{issuer_code}{serial}{version:03d}".upper()
    if not _PART.match(body):
        raise MalformedIdentifier(body)
    return mod_37_36.calc_check_digit(body)


def identifier_build(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    check = check_character(type_code, issuer_code, serial, version)
    return str(Identifier(type_code.upper(), issuer_code.upper(), serial, version, check))


def identifier_parse(value: str) -> Identifier:
    """The parts of an identifier; :class:`MalformedIdentifier` or :class:`WrongCheckCharacter`."""
    text = (value or "").strip().upper()
    found = _SHAPE.match(text)
    if not found:
        raise MalformedIdentifier(text)
    type_code, issuer, serial, version, check = found.groups()
    try:
        mod_37_36.validate(f"{type_code}{issuer}{serial}{version}{check}")
    except StdnumError as exc:
        raise WrongCheckCharacter(text) from exc
    return Identifier(type_code, issuer, serial, int(version), check)
