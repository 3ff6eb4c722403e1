"""The departments' registries of the demo city, as CSV rows derived from the synthetic population.

``Registries(source).lines(code)`` yields the CSV text of one resource of ``data/resources.json``:
a header (``subject_key``, the resource's fields, ``valid_from``/``valid_to`` where records have a
validity), then one line per record. Rows come from the persons and legal persons of a
:class:`DatabaseSource` (``demo_person`` / ``demo_legalperson``, read one generator block at a time)
or of a :class:`GeneratorSource` (the generators themselves, for tests): nothing is held beyond one
block of 50,000 persons. :func:`registry_stream` turns the lines into the binary stream the
ingestion service reads.

What each registry holds, and why it is consistent with the others, is in
:mod:`govhall.demo.registries_facts`; the personas' facts in ``personas.json``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import cache
from itertools import islice
from typing import Any

from stdnum.iso7064 import mod_37_36

from govhall.core.identifiers import uscc_with_check
from govhall.demo import citydata
from govhall.demo.registries_facts import (
    DIBAO,
    DIBAO_STANDARD,
    SUPPORT_STANDARD,
    WUBAO,
    Chunk,
    contribution_base,
    ym_iso,
)
from govhall.demo.registries_personas import persona_facts
from govhall.demo.registries_sources import DatabaseSource, GeneratorSource
from govhall.demo.registries_tables import (
    DEGREES,
    DISABILITY_CATEGORIES,
    TAX_YEAR,
    communities,
    county_names,
)

__all__ = ["DatabaseSource", "GeneratorSource", "Registries", "registry_stream"]

RELIEF_VALID_TO = "2026-12-31"  # next yearly review of 低保 and 特困 support
RELATIONS = {"h": "head", "s": "spouse", "c": "child", "p": "parent"}
KIND_LABELS = {"enterprise": "企业", "individual": "个体工商户", "social": "社会组织"}
# e-license types of the index: key (as in the catalog's materials), name, issuer department,
# demo type code (the licenses app maps keys to national type codes)
LICENSE_TYPES = {
    "real_estate_certificate": ("不动产权证书", "bdcdjzx", "0101"),
    "disability_card": ("残疾人证", "cl", "0103"),
    "subsistence_certificate": ("最低生活保障证", "mzj", "0104"),
    "support_certificate": ("特困人员救助供养证", "mzj", "0105"),
}
_CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # ISO 7064 MOD 37,36
_PLATE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
_PLATE_SPACE = len(_PLATE_ALPHABET) ** 5


@cache
def resource_specs() -> tuple[dict[str, Any], ...]:
    """The resources of ``data/resources.json``, in catalog order."""
    with (citydata.DATA_DIR / "resources.json").open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["resources"])


def resource_spec(code: str) -> dict[str, Any]:
    return next(spec for spec in resource_specs() if spec["code"] == code)


# --- registries ----------------------------------------------------------------------------------


class Registries:
    """CSV lines of every demo resource, from one population source."""

    def __init__(self, source: DatabaseSource | GeneratorSource) -> None:
        self.source = source

    def header(self, code: str) -> str:
        names = [f["name"] for f in resource_spec(code)["fields"]]
        validity = ["valid_from", "valid_to"] if code in VALIDITY else []
        return ",".join(["subject_key", *names, *validity]) + "\n"

    def lines(self, code: str) -> Iterator[str]:
        """The header, then the records of resource ``code``: pieces of text, each of one or
        more whole lines (one line each, unless worker processes make whole blocks)."""
        yield self.header(code)
        if code in LEGAL_BUILDERS:
            build = LEGAL_BUILDERS[code]
            for row in self.source.legal_rows():
                yield from build(row)
            return
        if code not in PERSON_BUILDERS:
            return  # a resource the demo does not fill (不予共享)
        if self.source.workers > 1:
            yield from self.source.block_texts(code)
            return
        build, names, addresses = PERSON_BUILDERS[code]
        for chunk in self.source.person_chunks(names=names, addresses=addresses):
            yield from build(chunk)

    def rows(self, code: str) -> Iterator[dict[str, str]]:
        """Parsed records (tests, previews): one dict per line, header names as keys."""
        pieces = self.lines(code)
        header = next(pieces).rstrip("\n").split(",")
        for piece in pieces:
            for line in piece.splitlines():
                yield dict(zip(header, line.split(","), strict=True))


class _LineStream(io.RawIOBase):
    """A read-only binary stream that encodes lines as they are pulled."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            text = "".join(islice(self._lines, 2000))
            if not text:
                return 0
            self._pending = memoryview(text.encode("utf-8"))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def registry_stream(lines: Iterable[str]) -> io.BufferedReader:
    """A binary file-like object over ``lines`` (UTF-8), never materialized."""
    return io.BufferedReader(_LineStream(lines), buffer_size=1 << 20)


# --- persons' registries -------------------------------------------------------------------------


def _household_number(chunk: Chunk, s: int) -> str:
    """户号: the county's code and the head's index (unique, stable as the population grows)."""
    return f"{chunk.regions[s][:6]}{chunk.start + s:09d}"


def _population(c: Chunk) -> Iterator[str]:
    numbers, names, regions, addresses, relations = (
        c.id_numbers,
        c.names,
        c.regions,
        c.addresses,
        c.relations,
    )
    for s, e in c.households:
        household = _household_number(c, s)
        for i in range(s, e):
            n = numbers[i]
            yield (
                f"{n},{names[i]},{'1' if c.males[i] else '2'},{n[6:10]}-{n[10:12]}-{n[12:14]},"
                f"{regions[i]},{addresses[i]},{household},{RELATIONS[relations[i]]}\n"
            )


def _household(c: Chunk) -> Iterator[str]:
    numbers, addresses = c.id_numbers, c.addresses
    for h, (s, e) in enumerate(c.households):
        common = (
            f"{_household_number(c, s)},{'城镇' if c.urban[h] else '农村'},{addresses[s]},"
            f"{numbers[s]},{e - s}\n"
        )
        for i in range(s, e):
            yield f"{numbers[i]},{common}"


def _income_tax(c: Chunk) -> Iterator[str]:
    numbers, funds, ages, males = c.id_numbers, c.funds, c.ages, c.males
    for i, job in enumerate(c.jobs):
        if job is None:
            continue
        insured = ages[i] < (60 if males[i] else 55)  # employees below retirement age
        base = contribution_base(job[1]) if insured else 0.0
        tax = income_tax(job[1], base, funds[i][2] if funds[i] else 0.0)
        yield f"{numbers[i]},{TAX_YEAR},{job[1]:.2f},{tax:.2f},{job[0]}\n"


def income_tax(income: float, base: float, fund_rate: float) -> float:
    """Yearly individual income tax on wages (2019 schedule): the basic deduction of 60,000 and
    the employee's social insurance (10.5 % of the base) and housing fund contributions."""
    taxable = income - 60_000 - base * 12 * (0.105 + fund_rate)
    for bound, rate, quick in (
        (960_000, 0.45, 181_920),
        (660_000, 0.35, 85_920),
        (420_000, 0.30, 52_920),
        (300_000, 0.25, 31_920),
        (144_000, 0.20, 16_920),
        (36_000, 0.10, 2_520),
        (0, 0.03, 0),
    ):
        if taxable > bound:
            return round(taxable * rate - quick, 2)
    return 0.0


def _social_security(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for i, insured in enumerate(c.social):
        if insured is None:
            continue
        kind, status, base, employer, first, paid = insured
        amount = f"{base:.2f}" if base else ""
        yield f"{numbers[i]},{kind},{status},{amount},{employer},{ym_iso(first)},{paid}\n"


def _housing_fund(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for i, fund in enumerate(c.funds):
        if fund is None:
            continue
        status, employer, _rate, deposit, balance, opened = fund
        yield (
            f"{numbers[i]},3416{c.start + i:08d},{status},{employer},{deposit:.2f},"
            f"{balance:.2f},{ym_iso(opened)}\n"
        )


def certificate_number(c: Chunk, s: int, home: dict[str, Any]) -> str:
    place = county_names()[c.regions[s][:6]]
    return f"皖({home['registered'][:4]}){place}不动产权第{home['serial'] + 1:07d}号"


def _second_home_address(c: Chunk, s: int, serial: int) -> str:
    places = communities()[c.regions[s][:6]]
    x = (serial * 2654435761 + 12345) & 0xFFFFFFFF
    return (
        f"{places[x % len(places)]}{1 + (x >> 8) % 30}栋{1 + (x >> 13) % 4}单元"
        f"{1 + (x >> 16) % 18}{1 + (x >> 21) % 4:02d}室"
    )


def _real_estate(c: Chunk) -> Iterator[str]:
    numbers, addresses = c.id_numbers, c.addresses
    for (s, _e), homes in zip(c.households, c.estates, strict=True):
        for home in homes:
            location = addresses[s] if home["home"] else _second_home_address(c, s, home["serial"])
            ownership = "共同共有" if len(home["owners"]) > 1 else "单独所有"
            common = (
                f"{certificate_number(c, s, home)},{location},{home['area']:.2f},{home['usage']},"
                f"{ownership},{home['registered']}\n"
            )
            for owner in home["owners"]:
                yield f"{numbers[owner]},{common}"


def plate_number(serial: int) -> str:
    """皖S (亳州) and five characters, a bijection of the serial (unique below 34^5)."""
    x = (serial * 7_654_321 + 1_234_567) % _PLATE_SPACE
    chars = []
    for _ in range(5):
        x, r = divmod(x, len(_PLATE_ALPHABET))
        chars.append(_PLATE_ALPHABET[r])
    return "皖S" + "".join(chars)


def _vehicle(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for cars in c.vehicles:
        for car in cars:
            yield (
                f"{numbers[car['owner']]},{plate_number(car['serial'])},{car['type']},"
                f"{car['model']},{car['price']:.2f},{car['registered']},正常\n"
            )


def _relief_date(c: Chunk, s: int) -> str:
    u = c.draws("relief_date")[s]
    return f"{2021 + int(u * 5)}-{1 + int((u * 89) % 1 * 12):02d}-{1 + int((u * 997) % 1 * 28):02d}"


def subsistence_facts(c: Chunk, h: int) -> tuple[str, str, float, str]:
    """(certificate, category, monthly amount, approval date) of a 低保 household."""
    s, e = c.households[h]
    urban = c.urban[h]
    certificate = f"{c.regions[s][:6]}DB{c.start + s:09d}"
    facts = persona_facts().households.get(s, {}).get("subsistence") if s < c.personas else None
    if facts:
        return certificate, facts["category"], float(facts["monthly_amount"]), facts["approved_on"]
    income = sum(c.jobs[i][1] for i in range(s, e) if c.jobs[i]) / 12
    amount = max(round(DIBAO_STANDARD[urban] * (e - s) - income), 100 * (e - s))
    return certificate, "城市低保" if urban else "农村低保", float(amount), _relief_date(c, s)


def _subsistence_allowance(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for h, (s, e) in enumerate(c.households):
        if c.relief[h] != DIBAO:
            continue
        certificate, category, amount, approved = subsistence_facts(c, h)
        common = (
            f"{certificate},{category},{_household_number(c, s)},{e - s},{amount:.2f},"
            f"{approved},{approved},{RELIEF_VALID_TO}\n"
        )
        for i in range(s, e):
            yield f"{numbers[i]},{common}"


def _five_guarantee(c: Chunk) -> Iterator[str]:
    for h, (s, _e) in enumerate(c.households):
        if c.relief[h] != WUBAO:
            continue
        mode = "集中供养" if c.draws("relief_mode")[s] < 0.25 else "分散供养"
        approved = _relief_date(c, s)
        yield (
            f"{c.id_numbers[s]},{c.regions[s][:6]}TK{c.start + s:09d},{mode},"
            f"{SUPPORT_STANDARD[c.urban[h]]:.2f},{approved},{approved},{RELIEF_VALID_TO}\n"
        )


def _birth_ordinal(number: str) -> int:
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14])).toordinal()


_REFERENCE = date(TAX_YEAR, 12, 31).toordinal()


def _marriage(c: Chunk) -> Iterator[str]:
    numbers, names, relations = c.id_numbers, c.names, c.relations
    u_marry = c.draws("marriage")
    for h, (s, e) in enumerate(c.households):
        county = c.regions[s][:6]
        office = (
            f"{'亳州市谯城区' if county == '341602' else county_names()[county]}民政局婚姻登记处"
        )
        children = [_birth_ordinal(numbers[i]) for i in range(s + 1, e) if relations[i] == "c"]
        spouse = c.spouses[h]
        if spouse is not None:
            husband, wife = (s, spouse) if c.males[s] else (spouse, s)
            lo = max(_birth_ordinal(numbers[husband]) + 8036, _birth_ordinal(numbers[wife]) + 7305)
            lo = min(lo, _REFERENCE - 30)
            hi = min(min(children) - 200 if children else lo + 5479, _REFERENCE)
            day = date.fromordinal(lo + int(u_marry[s] * max(hi - lo, 1))).isoformat()
            yield f"{numbers[s]},已婚,{names[spouse]},{numbers[spouse]},{day},{office}\n"
            yield f"{numbers[spouse]},已婚,{names[s]},{numbers[s]},{day},{office}\n"
        elif children and c.ages[s] < 70 and u_marry[s] < 0.6:
            lo = min(max(children) + 180, _REFERENCE - 1)
            day = date.fromordinal(lo + int((u_marry[s] * 7) % 1 * (_REFERENCE - lo))).isoformat()
            yield f"{numbers[s]},离婚,,,{day},{office}\n"


def _disability(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for i, certificate in enumerate(c.disabilities):
        if certificate is None:
            continue
        category, grade, issued = certificate
        code, name, _ = DISABILITY_CATEGORIES[category]
        yield f"{numbers[i]},{numbers[i]}{code}{grade},{name},{grade},{issued}\n"


def _education(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for i, degree in enumerate(c.degrees):
        if degree is None:
            continue
        level, school, code, major, year = degree
        name, _, level_code, _ = DEGREES[level]
        number = f"{code}1{level_code}{year}{(c.start + i) % 1_000_000:06d}"
        yield f"{numbers[i]},{name},{school},{major},{year}-06-30,{number}\n"


@cache
def _issuers() -> dict[str, tuple[str, str]]:
    """Department key → (name, USCC) of the city's departments."""
    return {
        spec.key: (spec.name, uscc_with_check(spec.uscc_body))
        for spec in citydata.city().departments
    }


@cache
def _license_prefix(kind: str) -> tuple[str, str]:
    """(type code + issuer USCC, the MOD 37,36 state after them, as one character)."""
    _, issuer, type_code = LICENSE_TYPES[kind]
    prefix = type_code + _issuers()[issuer][1]
    return f"{type_code}.{_issuers()[issuer][1]}", _CHECK_ALPHABET[mod_37_36.checksum(prefix)]


def license_identifier(kind: str, serial: int) -> str:
    """GB/T 36904: ``1.2.156.3005.2.{type}.{issuer USCC}.{serial}.{version}.{check}``, the check
    character by ISO 7064 MOD 37,36 over type, issuer, serial and version.

    MOD 37,36 folds the characters left to right, and from its initial state one character ``c``
    leads to state ``alphabet.index(c)``: so the check of type + issuer + rest equals the check
    of (one character standing for the state after type + issuer) + rest, which python-stdnum
    computes over 14 characters instead of 35.
    """
    prefix, state = _license_prefix(kind)
    rest = f"{serial:010d}001"
    return f"1.2.156.3005.2.{prefix}.{serial:010d}.001.{mod_37_36.calc_check_digit(state + rest)}"


def _license_line(holder: str, kind: str, identifier: str, number: str, issued: str) -> str:
    name, issuer, _ = LICENSE_TYPES[kind]
    return f"{holder},{identifier},{kind},{name},{number},{_issuers()[issuer][0]},{issued},有效\n"


def _license_index(c: Chunk) -> Iterator[str]:
    numbers = c.id_numbers
    for h, (s, _e) in enumerate(c.households):
        for home in c.estates[h]:
            number = certificate_number(c, s, home)
            identifier = license_identifier("real_estate_certificate", home["serial"])
            for owner in home["owners"]:
                yield _license_line(
                    numbers[owner],
                    "real_estate_certificate",
                    identifier,
                    number,
                    home["registered"],
                )
        if c.relief[h] == DIBAO:
            certificate, _, _, approved = subsistence_facts(c, h)
            identifier = license_identifier("subsistence_certificate", c.start + s)
            yield _license_line(
                numbers[s], "subsistence_certificate", identifier, certificate, approved
            )
        elif c.relief[h] == WUBAO:
            certificate = f"{c.regions[s][:6]}TK{c.start + s:09d}"
            identifier = license_identifier("support_certificate", c.start + s)
            yield _license_line(
                numbers[s], "support_certificate", identifier, certificate, _relief_date(c, s)
            )
    for i, certificate in enumerate(c.disabilities):
        if certificate is not None:
            category, grade, issued = certificate
            number = f"{numbers[i]}{DISABILITY_CATEGORIES[category][0]}{grade}"
            identifier = license_identifier("disability_card", c.start + i)
            yield _license_line(numbers[i], "disability_card", identifier, number, issued)


# --- legal persons' registries -----------------------------------------------------------------


def _legal_person(row: Sequence) -> Iterator[str]:
    _, uscc, name, kind, representative, rep_id, capital, established, region, address = row[:10]
    yield (
        f"{uscc},{name},{KIND_LABELS[kind]},{representative},{rep_id},{capital},{established},"
        f"{region},{address}\n"
    )


def _business_registration(row: Sequence) -> Iterator[str]:
    _, uscc, name, kind, _, rep_id, capital, established = row[:8]
    if kind == "social":
        return  # registered by 民政局, not a market entity
    role = "法定代表人" if kind == "enterprise" else "经营者"
    yield f"{rep_id},{uscc},{name},{KIND_LABELS[kind]},{role},{capital},{established},存续\n"


# code → (builder, needs names, needs addresses)
PERSON_BUILDERS: dict[str, tuple[Callable[[Chunk], Iterator[str]], bool, bool]] = {
    "population": (_population, True, True),
    "household": (_household, False, True),
    "real_estate": (_real_estate, False, True),
    "vehicle": (_vehicle, False, False),
    "income_tax": (_income_tax, False, False),
    "social_security": (_social_security, False, False),
    "housing_fund": (_housing_fund, False, False),
    "subsistence_allowance": (_subsistence_allowance, False, False),
    "five_guarantee": (_five_guarantee, False, False),
    "marriage": (_marriage, True, False),
    "disability": (_disability, False, False),
    "education": (_education, False, False),
    "license_index": (_license_index, False, False),
}
LEGAL_BUILDERS: dict[str, Callable[[Sequence], Iterator[str]]] = {
    "legal_person": _legal_person,
    "business_registration": _business_registration,
}
VALIDITY = {"subsistence_allowance", "five_guarantee"}
FILLED = (*PERSON_BUILDERS, *LEGAL_BUILDERS)  # every resource with demo records
