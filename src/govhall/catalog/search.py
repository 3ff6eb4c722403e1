"""Search text for items: the words, pinyin and initials a citizen may type for an item.

One text column (``ItemVersion.search_text``) serves SQLite and PostgreSQL alike. It is built when
a draft is saved and never parsed back; queries are normalized the same way and matched as
substrings, so that a query word matches inside longer words (租赁 in 公共租赁住房).

Layout (space-separated, lower case, NFKC, only CJK / a-z / 0-9 kept)::

    <name> <its initials> <its pinyin> <its words> <synonyms in it, with theirs> | <the rest>

The name comes first, compacted (punctuation and spaces removed), then its initials (one letter
per character) and pinyin: a ranking reads "the name is / starts with the query" and "its initials
or pinyin start with it" off the start of the text. The name section ends with ``|`` (a character
a normalized query never holds), so "matched the name" is "found before the ``|``". The rest is
themes, result name and department (each with synonyms, initials and pinyin), materials (with
synonyms and initials) and the item's codes.

Synonyms (``data/search_synonyms.json``) are expanded on both sides: the index holds 公租房 (and
gzf, gongzufang) for an item named 公共租赁住房…, and a query for 公租房 also looks for
公共租赁住房, so that a changed table helps at once even before items are re-indexed.
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import jieba
from pypinyin import Style, lazy_pinyin

MAX_RAW_CHARS = 500  # looked at, of what was typed
MAX_QUERY_CHARS = 50  # searched, after normalization
MAX_TERMS = 8
NAME_END = "|"
EMPTY = "~"  # stands for a name without a searchable character (never in a query)
MIN_DIGITS = 4  # shorter numbers are dropped from a query that has words: they match every code

_SYNONYMS = Path(__file__).parent / "data" / "search_synonyms.json"
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_RE = re.compile(f"[{_CJK}]")
_RUN_RE = re.compile(f"[{_CJK}]+|[a-z]+|[0-9]+")
_NOT_KEPT_RE = re.compile(f"[^{_CJK}a-z0-9]+")

# Words of a question that never name an item ("如何办理居住证"); dropped when other words remain.
_STOPWORDS = (
    "的 了 吗 呢 吧 啊 呀 和 与 及 或 在 去 我 想 要 我要 我想 需要 怎么 怎样 如何 怎么办 哪里 \
在哪 在哪里 哪儿 什么 请问 可以 能否 能 办 一下"
)
STOPWORDS = frozenset(_STOPWORDS.split())


# --------------------------------------------------------------------------- normalization


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width), lower case, ü → v; every run of anything but CJK, a-z and
    0-9 (punctuation, emoji, ``%`` ``_``, spaces) becomes one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    return _NOT_KEPT_RE.sub(" ", text).strip()


def _is_cjk(char: str) -> bool:
    return bool(_CJK_RE.match(char))


@lru_cache(maxsize=20_000)
def syllables(text: str) -> tuple[str, ...]:
    """One pinyin syllable per character of ``text`` (toneless, ü as v); a character without a
    reading, or not Chinese, stands for itself. Cached: names, themes and materials repeat."""
    out: list[str] = []
    for run in _RUN_RE.finditer(text):
        chunk = run.group()
        if _is_cjk(chunk[0]):
            read = lazy_pinyin(chunk, style=Style.NORMAL, errors=lambda s: list(s))
            out.extend(read if len(read) == len(chunk) else [_one(c) for c in chunk])
        else:
            out.extend(chunk)
    return tuple(out)


def _one(char: str) -> str:
    read = lazy_pinyin(char, style=Style.NORMAL, errors=lambda s: list(s))
    return read[0] if read else char


def initials_and_pinyin(compact: str) -> tuple[str, str]:
    """``公租房`` → ``("gzf", "gongzufang")``. ``compact`` holds no spaces; the initials have
    exactly one character per character of ``compact``."""
    parts = syllables(compact)
    return "".join(p[0] for p in parts), "".join(parts)


# --------------------------------------------------------------------------- synonyms


@dataclass(frozen=True)
class Synonyms:
    # word → the words a query for it also looks for
    query: dict[str, tuple[str, ...]]
    # word an item's text may hold → the words added to its index
    index: dict[str, tuple[str, ...]]
    # initials or pinyin of a table word → the words
    by_pinyin: dict[str, tuple[str, ...]]

    def words(self) -> set[str]:
        return set(self.query) | set(self.index)


@cache
def synonyms() -> Synonyms:
    raw = json.loads(_SYNONYMS.read_text(encoding="utf-8"))
    query: dict[str, set[str]] = {}
    index: dict[str, set[str]] = {}
    for word, forms in raw.get("equivalent", {}).items():
        for form in set(forms) - {word}:  # the key and each form; forms are not siblings
            for a, b in ((word, form), (form, word)):
                query.setdefault(a, set()).add(b)
                index.setdefault(a, set()).add(b)
    for word, targets in raw.get("related", {}).items():
        query.setdefault(word, set()).update(set(targets) - {word})
        for target in targets:
            if target != word:
                index.setdefault(target, set()).add(word)
    by_pinyin: dict[str, set[str]] = {}
    for word in set(query) | set(index):
        for key in initials_and_pinyin(word):
            by_pinyin.setdefault(key, set()).add(word)
    return Synonyms(
        query={k: tuple(sorted(v)) for k, v in query.items()},
        index={k: tuple(sorted(v)) for k, v in index.items()},
        by_pinyin={k: tuple(sorted(v)) for k, v in by_pinyin.items()},
    )


def index_expansions(compact: str) -> list[str]:
    """The synonym-table words to index for a text that holds their counterparts."""
    found: list[str] = []
    for word, added in synonyms().index.items():
        if word in compact:
            found.extend(w for w in added if w not in compact and w not in found)
    return found


# --------------------------------------------------------------------------- segmentation

_tokenizer: jieba.Tokenizer | None = None
_tokenizer_lock = threading.Lock()


def _words(text: str) -> list[str]:
    """jieba's precise cut (no HMM: deterministic), knowing the synonym table's words."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in sorted(synonyms().words()):
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return [w for w in _tokenizer.lcut(text, HMM=False) if w.strip()]


def warm_up() -> None:
    """Load the segmenter and pinyin tables now rather than on a citizen's first search
    (about 0.5 s). Web processes call it at start (``GOVHALL_WARMUP=1``, set by
    ``govhall serve``)."""
    parse_query("公租房申请 gzf")
    _words("公共租赁住房申请")
    initials_and_pinyin("公租房")


# --------------------------------------------------------------------------- the index


def _phrase_words(phrase: str, *, full_pinyin: bool = True) -> list[str]:
    """A normalized phrase, its initials (and pinyin), then the same for each synonym in it."""
    compact = phrase.replace(" ", "")
    if not compact:
        return []
    out: list[str] = []
    for word in [compact, *index_expansions(compact)]:
        initials, pinyin = initials_and_pinyin(word)
        out += [word, initials, pinyin] if full_pinyin else [word, initials]
    return out


def _dedupe(words: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [w for w in words if w and not (w in seen or seen.add(w))]


def build_search_text(version: Any, materials: list[dict[str, Any]]) -> str:
    """The indexed text of a version: its name section, then themes, result, department,
    materials and codes (see the module docstring for the layout)."""
    compact = normalize(version.name).replace(" ", "") or EMPTY
    initials, pinyin = initials_and_pinyin(compact) if compact != EMPTY else (EMPTY, EMPTY)
    words = [w for w in _words(compact) if len(w) > 1 and w != compact]
    for extra in index_expansions(compact):
        words += [extra, *initials_and_pinyin(extra)]
    head = [compact, initials, pinyin, *_dedupe(w for w in words if w not in {compact})]

    rest: list[str] = []
    fields = [
        *(version.themes_person or []),
        *(version.themes_legal or []),
        version.result_name,
        *_department_names(version),
    ]
    for text in fields:
        rest += _phrase_words(normalize(str(text or "")))
    for row in materials:
        rest += _phrase_words(normalize(str(row.get("name") or "")), full_pinyin=False)
    item = _item(version)
    if item is not None:
        rest += [normalize(item.implementation_code), normalize(item.basic_code)]
    return " ".join([*head, NAME_END, *_dedupe(rest)])


def _item(version: Any) -> Any:
    # None for a version not yet attached to an item (RelatedObjectDoesNotExist is an
    # AttributeError): nothing to add
    return getattr(version, "item", None)


def _department_names(version: Any) -> list[str]:
    item = _item(version)
    department = getattr(item, "department", None) if item is not None else None
    if department is None:
        return []
    return [department.name, department.short_name]


def search_text_rebuild(versions: Iterable[Any]) -> int:
    """Recompute the search text of ``versions`` (after the synonym table or this module changed;
    derived data, so published versions are re-indexed too). Returns how many changed."""
    from django.utils import timezone

    from govhall.catalog.models import Item, ItemVersion

    changed = []
    now = timezone.now()
    for version in versions:
        # .all() uses prefetched materials when the caller prefetched them (the command does)
        rows = [{"name": material.name} for material in version.materials.all()]
        text = build_search_text(version, rows)
        if text != version.search_text:
            version.search_text, version.updated_at = text, now
            changed.append(version)
    ItemVersion.objects.bulk_update(changed, ["search_text", "updated_at"], batch_size=500)
    # a new key for the search's text cache (keyed on the item's updated_at)
    Item.objects.filter(published_version__in=changed).update(updated_at=now)
    return len(changed)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Term:
    """One word of a query. It matches when any alternative matches; an alternative matches when
    all its strings occur. The first alternative is the word as typed. ``marks``: more words to
    highlight (the Chinese words a pinyin term spells; the index already holds their pinyin)."""

    text: str
    kind: str  # "cjk" | "pinyin" | "digits"
    alternatives: tuple[tuple[str, ...], ...]
    marks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    text: str = ""  # what was searched: normalized and capped
    terms: tuple[Term, ...] = ()
    truncated: bool = False
    ignored: bool = False  # something was typed, but nothing searchable (punctuation, emoji)
    # the compact query, and with its synonyms put in (for "the name is / starts with / holds")
    variants: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.terms


def parse_query(q: str | None) -> Query:
    """Normalize, cap and segment a query into terms; never raises, whatever ``q`` holds."""
    raw = q or ""
    text = normalize(raw[:MAX_RAW_CHARS])
    truncated = len(raw) > MAX_RAW_CHARS or len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS].strip()
    terms: list[Term] = []
    pinyin_run: list[str] = []
    for match in _RUN_RE.finditer(text):
        run = match.group()
        if run[0].isascii() and run[0].isalpha():
            pinyin_run.append(run)
            continue
        if pinyin_run:
            terms.append(_pinyin_term(pinyin_run))
            pinyin_run = []
        if run[0].isdigit():
            terms.append(Term(run, "digits", ((run,),)))
        else:
            terms += [_cjk_term(word) for word in _words(run)]
    if pinyin_run:
        terms.append(_pinyin_term(pinyin_run))
    meaningful = [
        t
        for t in terms
        if t.text not in STOPWORDS and not (t.kind == "digits" and len(t.text) < MIN_DIGITS)
    ]
    terms = _dedupe_terms(meaningful or terms)[:MAX_TERMS]
    compact = text.replace(" ", "")
    variants = [compact] if terms else []
    for term in terms:
        if term.kind == "cjk":
            variants += [compact.replace(term.text, alt[0]) for alt in term.alternatives[1:]]
    return Query(
        text=text,
        terms=tuple(terms),
        truncated=truncated,
        ignored=bool(raw.strip()) and not terms,
        variants=tuple(_dedupe(variants)),
    )


def _cjk_term(word: str) -> Term:
    alternatives = [(word,), *((w,) for w in synonyms().query.get(word, ()))]
    return Term(word, "cjk", tuple(alternatives))


def _pinyin_term(words: list[str]) -> Term:
    joined = "".join(words)
    alternatives: list[tuple[str, ...]] = [(joined,)]
    if len(words) > 1:
        alternatives.append(tuple(words))  # "gzf sq": initials of two words
    marks = []
    for word in synonyms().by_pinyin.get(joined, ()):
        marks += [word, *synonyms().query.get(word, ())]
    return Term(joined, "pinyin", tuple(_dedupe(alternatives)), tuple(_dedupe(marks)))


def _dedupe_terms(terms: list[Term]) -> list[Term]:
    seen: set[str] = set()
    return [t for t in terms if not (t.text in seen or seen.add(t.text))]


# --------------------------------------------------------------------------- highlight

HIGHLIGHT_CHARS = 60


def highlight(query: Query, fields: list[tuple[str, str]]) -> str:
    """A short HTML snippet (escaped; matches in ``<mark>``) from the first of ``fields``
    (label, text) that a query term matches; the first field's text, plain, when none does."""
    for label, text in fields:
        spans = _spans(query, text or "")
        if spans:
            snippet = _render(text, spans)
            return f"{html.escape(label)}:{snippet}" if label else snippet
    first = fields[0][1] if fields else ""
    return html.escape(first[:HIGHLIGHT_CHARS])


def _render(text: str, spans: list[tuple[int, int]]) -> str:
    start = max(0, min(s for s, _e in spans) - 10)
    end = min(len(text), start + HIGHLIGHT_CHARS)
    out, cursor = [], start
    for s, e in spans:
        s, e = max(s, cursor), min(e, end)
        if s >= e:
            continue
        out += [html.escape(text[cursor:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
        cursor = e
    out.append(html.escape(text[cursor:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


def _char_map(text: str) -> tuple[str, list[int]]:
    """The normalized characters of ``text`` (one kept character each, others dropped) and, for
    each, its index in ``text``."""
    chars, where = [], []
    for index, char in enumerate(text):
        for c in normalize(char).replace(" ", ""):
            chars.append(c)
            where.append(index)
    return "".join(chars), where


def _spans(query: Query, text: str) -> list[tuple[int, int]]:
    norm, where = _char_map(text)
    if not norm:
        return []
    found: list[tuple[int, int]] = []
    readings: Sequence[str] | None = None
    for term in query.terms:
        needles = [s for alt in term.alternatives for s in alt]
        for needle in [*term.marks, *needles]:
            if needle.isascii() and needle.isalpha():
                readings = readings if readings is not None else syllables(norm)
                found += _pinyin_spans(needle, readings)
            else:
                start = norm.find(needle)
                while start >= 0:
                    found.append((start, start + len(needle)))
                    start = norm.find(needle, start + 1)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return [(where[s], where[e - 1] + 1) for s, e in merged]


def _pinyin_spans(needle: str, readings: Sequence[str]) -> list[tuple[int, int]]:
    """Character spans whose initials spell ``needle``, or whose pinyin starts with it."""
    spans = []
    for start in range(len(readings)):
        initials, full = "", ""
        for end in range(start, len(readings)):
            initials += readings[end][0]
            full += readings[end]
            reaches_last = len(needle) > len(full) - len(readings[end])
            if initials == needle or (full.startswith(needle) and reaches_last):
                spans.append((start, end + 1))
                break
            if not (needle.startswith(initials) or needle.startswith(full)):
                break
    return spans
