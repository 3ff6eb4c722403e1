"""Static tables and lookups of the registry generators: car models, disability categories,
degrees and schools, employers, places, and ages by birth date.

Demo values: the car models and schools exist, but the prices, the school codes in certificate
numbers and the employers (invented firms and public bodies) do not describe them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from functools import cache

from govhall.demo import citydata

# The year the registries describe: incomes of 2025, as of the population's reference date
# 2026-01-01 (``generator.REFERENCE_DATE``).
TAX_YEAR = 2025

# (brand and model, vehicle type, typical price in 元), cheapest first
VEHICLE_MODELS = (
    ("长安之星", "轻型普通货车", 45_000),
    ("五菱宏光", "小型普通客车", 58_000),
    ("吉利帝豪", "小型轿车", 79_000),
    ("大众捷达", "小型轿车", 89_000),
    ("比亚迪秦PLUS", "小型轿车", 105_000),
    ("日产轩逸", "小型轿车", 115_000),
    ("大众朗逸", "小型轿车", 120_000),
    ("长安CS75", "小型普通客车", 125_000),
    ("丰田卡罗拉", "小型轿车", 130_000),
    ("哈弗H6", "小型普通客车", 135_000),
    ("本田思域", "小型轿车", 145_000),
    ("比亚迪宋PLUS", "小型普通客车", 160_000),
    ("大众迈腾", "小型轿车", 200_000),
    ("本田雅阁", "小型轿车", 205_000),
    ("丰田汉兰达", "小型普通客车", 290_000),
    ("宝马3系", "小型轿车", 320_000),
    ("奔驰C级", "小型轿车", 350_000),
    ("奥迪Q5L", "小型普通客车", 400_000),
)
# 第二代残疾人证: category code and name, share among certificate holders
DISABILITY_CATEGORIES = (
    ("1", "视力", 0.17),
    ("2", "听力", 0.24),
    ("3", "言语", 0.02),
    ("4", "肢体", 0.30),
    ("5", "智力", 0.07),
    ("6", "精神", 0.08),
    ("7", "多重", 0.12),
)
GRADE_SHARES = (0.15, 0.20, 0.30, 0.35)  # grades 1 (most severe) to 4
# degree, years of age at graduation, certificate level code, share among graduates
DEGREES = (
    ("大学专科", 21, "06", 0.45),
    ("大学本科", 22, "05", 0.45),
    ("硕士研究生", 25, "04", 0.09),
    ("博士研究生", 28, "03", 0.01),
)
SCHOOLS = {  # by degree: (school, demo school code)
    "大学专科": (
        ("亳州职业技术学院", "14062"),
        ("安徽中医药高等专科学校", "12216"),
        ("阜阳职业技术学院", "13064"),
        ("安徽医学高等专科学校", "12923"),
    ),
    "大学本科": (
        ("亳州学院", "14049"),
        ("阜阳师范大学", "10371"),
        ("安徽大学", "10357"),
        ("安徽农业大学", "10364"),
        ("安徽中医药大学", "10369"),
        ("合肥工业大学", "10359"),
        ("安徽师范大学", "10370"),
        ("淮北师范大学", "10373"),
        ("安徽医科大学", "10366"),
    ),
    "硕士研究生": (
        ("安徽大学", "10357"),
        ("中国科学技术大学", "10358"),
        ("合肥工业大学", "10359"),
        ("安徽医科大学", "10366"),
    ),
}
SCHOOLS["博士研究生"] = SCHOOLS["硕士研究生"]
MAJORS = (
    "汉语言文学", "会计学", "中药学", "临床医学", "计算机科学与技术", "土木工程", "电子商务",
    "机械设计制造及其自动化", "护理学", "市场营销", "法学", "英语", "数学与应用数学", "农学",
    "学前教育", "工商管理", "财务管理", "软件工程",
)  # fmt: skip


def cumulative(shares: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for share in shares:
        total += share
        out.append(total)
    out[-1] = 1.0
    return out


CATEGORY_CUM = cumulative([c[2] for c in DISABILITY_CATEGORIES])
GRADE_CUM = cumulative(GRADE_SHARES)
DEGREE_CUM = cumulative([d[3] for d in DEGREES])


def pick(cumulative: list[float], u: float) -> int:
    for index, bound in enumerate(cumulative):
        if u < bound:
            return index
    return len(cumulative) - 1


def age_of(yyyymmdd: str) -> int:
    return 2026 - int(yyyymmdd[:4]) - (yyyymmdd[4:] != "0101")


@cache
def ages_by_birth_date() -> dict[str, int]:
    """Birth date (``YYYYMMDD``) → age on 2026-01-01, for every possible birth date."""
    first, last = date(1925, 1, 1).toordinal(), date(2025, 12, 31).toordinal()
    days = (date.fromordinal(d).strftime("%Y%m%d") for d in range(first, last + 1))
    return {day: age_of(day) for day in days}


@cache
def county_names() -> dict[str, str]:
    """Six-digit county code → the name registrations there carry (谯城区: 亳州市)."""
    city = citydata.city()
    return {c.code: ("亳州市" if c.code == "341602" else c.name) for c in city.counties}


@cache
def communities() -> dict[str, tuple[str, ...]]:
    """Six-digit county code → address prefixes of its urban communities (second homes)."""
    out: dict[str, list[str]] = {}
    for village in citydata.city().villages:
        if village.is_community:
            out.setdefault(village.code[:6], []).append(village.address_prefix)
    return {code: tuple(prefixes) for code, prefixes in out.items()}


@cache
def urban_regions() -> dict[str, bool]:
    return {v.code: v.is_community for v in citydata.city().villages}


@cache
def employer_pools() -> dict[str, tuple[str, ...]]:
    """Six-digit county code → employers there: invented firms and public bodies."""
    names = citydata.names()
    rand = random.Random("govhall-demo-employers")
    pools = {}
    for code, place in county_names().items():
        county = next(c.name for c in citydata.city().counties if c.code == code)
        prefix = "亳州市" if code == "341602" else county
        firms = {
            f"{place}{rand.choice(names['firm_words'])}{rand.choice(names['industries'])}有限公司"
            for _ in range(60)
        }
        public = [
            f"{prefix}人民医院",
            f"{prefix}第一中学",
            f"{prefix}实验小学",
            f"{prefix}人民政府",
            f"{prefix}农村商业银行",
            f"{prefix}供电公司",
        ]
        pools[code] = (*sorted(firms), *public)
    return pools
