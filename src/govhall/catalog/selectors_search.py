"""Catalog search: the published items a visitor finds by words, pinyin, initials and filters.

Only ACTIVE items are found, through their published version (cancelled items, drafts, items
never published and superseded versions are not). How a query runs:

1. The query is normalized and segmented as the index was (``catalog.search``).
2. SQL selects the visible items that pass the filters and whose search text holds every term
   (any of its alternatives: synonyms, pinyin spellings): ``LIKE``, the same on SQLite and
   PostgreSQL; at 5,000 items one scan of the column is a few milliseconds, no index needed.
   Only ids, published version ids and the item's ``updated_at`` come back.
3. The search texts for ranking come from ``_texts``, an in-process cache keyed by (version id,
   item ``updated_at``): the text of a key never changes (see ``_TextCache``), so it is never
   stale; a cold process fills it in one query. Ranking is plain ``str`` work in Python:

   the name is the query > starts with it (or its initials / pinyin do) > holds it (each: as
   typed > through a synonym) > every term in the name section > some > other fields only

   then literal before synonym matches, the earlier match in the text (fields are in the order
   themes, result, department, materials), shorter names first.
4. Only the page asked for is loaded, with its department and version and a highlight.

When no item holds every term, the items holding the most terms are offered (``relaxed``).
Why the cache: SQLite re-reads a long column for every expression that names it, so computing
match positions in SQL (``StrIndex`` per needle) or shipping thousands of texts per query cost
more than the whole rest of a search (measured with ``catalog_bench``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from govhall.catalog import search
from govhall.catalog.lists import LISTS, list_filter
from govhall.catalog.models import Item, ItemVersion, Material
from govhall.core import errors
from govhall.core.identifiers import normalize_region_code, region_prefix
from govhall.organizations.models import Department

_V = "published_version__"


def published_items() -> QuerySet[Item]:
    """Every item a visitor may see: ACTIVE, with a published version."""
    return Item.objects.filter(status=Item.Status.ACTIVE, published_version__isnull=False)


def region_and_above(code: str) -> list[str]:
    """``code`` and every region above it (就近办: a township's user also sees county and city
    items). A region is above ``code`` when ``code`` starts with its ``region_prefix``."""
    code = normalize_region_code(code)
    cuts = {code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)}
    return sorted(c for c in cuts if c[:2] != "00" and code.startswith(region_prefix(c)))


def _json_array_holds(column: str, value: str) -> Q:
    """Published versions whose JSON list ``column`` holds ``value``."""
    if connection.vendor == "postgresql":
        return Q(**{f"{_V}{column}__contains": [value]})
    # SQLite has no JSON containment lookup in Django: ask json_each in a subquery.
    table = connection.ops.quote_name(ItemVersion._meta.db_table)
    col = connection.ops.quote_name(ItemVersion._meta.get_field(column).column)
    # Names come from the model and are quoted; the value is a parameter.
    sql = f"SELECT v.id FROM {table} v, json_each(v.{col}) j WHERE j.value = %s"  # noqa: S608
    return Q(published_version_id__in=RawSQL(sql, [value]))  # noqa: S611


def _filters(
    *,
    department: int | None,
    target: str | None,
    theme: str | None,
    list_key: str | None,
    max_visits: int | None,
    online_depth: int | None,
    region: str | None,
) -> Q:
    where = Q()
    if department is not None:
        where &= Q(department_id=department)
    if target:
        where &= _json_array_holds("service_targets", target)
    if theme:
        where &= _json_array_holds("themes_person", theme) | _json_array_holds(
            "themes_legal", theme
        )
    if list_key:
        if list_key not in LISTS:
            message = _("未知的清单:%(key)s。") % {"key": list_key}
            raise errors.ValidationError(message, code="unknown_list", fields={"list": [message]})
        members = Item.objects.filter(list_filter(list_key, _V)).values("pk")
        where &= Q(pk__in=members)
    if max_visits is not None:
        where &= Q(**{f"{_V}visits__lte": max_visits})
    if online_depth is not None:
        where &= Q(**{f"{_V}online_depth": online_depth})
    if region:
        where &= Q(**{f"{_V}region_id__in": region_and_above(region)})
    return where


def item_search(
    *,
    q: str = "",
    department: int | None = None,
    target: str | None = None,
    theme: str | None = None,
    list_key: str | None = None,
    max_visits: int | None = None,
    online_depth: int | None = None,
    region: str | None = None,
) -> ItemSearchResult:
    """Published items matching ``q`` and the filters, best first (by name when ``q`` has no
    searchable word). The result is a lazy sequence: ``len()``, slicing loads only that slice
    (with ``published_version`` and ``department``, and ``search_highlight`` set)."""
    visible = published_items().filter(
        _filters(
            department=department,
            target=target,
            theme=theme,
            list_key=list_key,
            max_visits=max_visits,
            online_depth=online_depth,
            region=region,
        )
    )
    query = search.parse_query(q)
    if query.is_empty:
        return ItemSearchResult(query=query, matching=visible)
    matching = visible.filter(_match(query, strict=True))
    ids = _ranked(_texts_of(matching), query, strict=True)
    if ids or len(query.terms) == 1:
        return ItemSearchResult(query=query, ids=ids)
    some = _texts_of(visible.filter(_match(query, strict=False)))
    ids = _ranked(some, query, strict=False)
    return ItemSearchResult(query=query, ids=ids, relaxed=bool(ids))


def _term_q(term: search.Term) -> Q:
    either = Q()
    for alternative in term.alternatives:
        every = Q()
        for needle in alternative:
            every &= Q(**{f"{_V}search_text__contains": needle})
        either |= every
    return either


def _match(query: search.Query, *, strict: bool) -> Q:
    """Every term (``strict``) or any term occurs in the search text (SQL ``LIKE``)."""
    where = Q()
    for term in query.terms:
        where = (where & _term_q(term)) if strict else (where | _term_q(term))
    return where


# --------------------------------------------------------------------------- texts


class _Indexed(NamedTuple):
    """A version's search text, split the way ranking reads it (see ``catalog.search``). A
    tuple of strings: the garbage collector stops tracking it, which matters for thousands."""

    text: str
    head: str  # the name section
    name: str  # the compact normalized name
    initials: str
    pinyin: str

    @classmethod
    def of(cls, text: str | None) -> _Indexed:
        text = text or ""
        head = text[: text.find(search.NAME_END) + 1 or None]
        name, initials, pinyin, *_rest = [*head.split(" ", 3), "", "", ""]
        return cls(text, head, name, initials, pinyin)


_NOTHING = _Indexed.of("")


class _TextCache:
    """Search texts of published versions by (version id, its item's ``updated_at``).

    The text of a key never changes: a published version is immutable; the services save the
    item (a new ``updated_at``) whenever its published version changes; ``search_text_rebuild``
    touches the items of the versions it re-indexes; an id reused after a rollback (tests, the
    benchmark) comes with another timestamp. So an entry is never stale. Keyed on the item, not
    the version, because reading the version row costs more than the rest of the query on
    SQLite. Bounded: cleared when it outgrows ``limit`` (a city has a few thousand items, ~1 kB
    each).
    """

    def __init__(self, limit: int = 60_000) -> None:
        self.limit = limit
        self._entries: dict[tuple[int, Any], _Indexed] = {}
        self._lock = threading.Lock()

    def get(self, keys: list[tuple[int, Any]]) -> list[_Indexed]:
        found = list(map(self._entries.get, keys))
        if None in found:
            entries = self._fill([key for key, hit in zip(keys, found, strict=True) if hit is None])
            # a version changed between the two queries: unknown for this one query
            found = [entries.get(key, _NOTHING) for key in keys]
        return found

    def _fill(self, missing: list[tuple[int, Any]]) -> dict[tuple[int, Any], _Indexed]:
        columns = ("published_version_id", _STAMP, f"{_V}search_text")
        if len(missing) > 200:  # a cold process: every visible text in one query
            batches = [published_items()]
        else:
            ids = [version_id for version_id, _stamp in missing]
            batches = [Item.objects.filter(published_version_id__in=ids)]
        found = {
            (version_id, stamp): _Indexed.of(text)
            for batch in batches
            for version_id, stamp, text in _raw_rows(batch.order_by().values_list(*columns))
        }
        with self._lock:
            entries = self._entries if len(self._entries) + len(found) <= self.limit else {}
            self._entries = entries = {**entries, **found}
        return entries

    def clear(self) -> None:
        with self._lock:
            self._entries = {}


_texts = _TextCache()
# The item's updated_at as text: only compared, and PostgreSQL's driver parses thousands of
# timestamps slower than the rest of a broad query.
_STAMP = Cast("updated_at", TextField())


def _raw_rows(qs: QuerySet) -> list[tuple]:
    """The rows of a ``values_list`` query as the driver returns them: thousands of rows without
    the ORM's per-row work (ints and strings; timestamps only serve as cache keys)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _texts_of(visible: QuerySet[Item]) -> list[tuple[int, _Indexed]]:
    """(item id, indexed search text) of every item of ``visible``."""
    rows = _raw_rows(visible.order_by().values_list("id", "published_version_id", _STAMP))
    texts = _texts.get([(version_id, stamp) for _id, version_id, stamp in rows])
    return [(row[0], indexed) for row, indexed in zip(rows, texts, strict=True)]


# --------------------------------------------------------------------------- matching and ranking


def _find(text: str, alternative: tuple[str, ...]) -> int:
    """Where ``alternative`` (strings that must all occur) is in ``text``, or -1: the position of
    the last of its strings to appear, so that "before the end of the name section" means all
    of them are there."""
    if len(alternative) == 1:
        return text.find(alternative[0])
    found = [text.find(needle) for needle in alternative]
    return -1 if -1 in found else max(found)


def _test(alternatives: tuple[tuple[str, ...], ...]) -> Any:
    """A fast ``text -> bool``: does ``text`` hold any of ``alternatives``?"""
    singles = tuple(alt[0] for alt in alternatives if len(alt) == 1)
    multis = tuple(alt for alt in alternatives if len(alt) > 1)
    if len(singles) == 1 and not multis:
        needle = singles[0]
        return lambda text: needle in text
    return lambda text: (
        any(n in text for n in singles) or any(all(n in text for n in alt) for alt in multis)
    )


def _ranked(rows: list[tuple[int, _Indexed]], query: search.Query, *, strict: bool) -> list[int]:
    """Ids of ``rows`` best first; SQL matched every term (``strict``) or any term, and then only
    the rows holding the most terms are kept."""
    if strict:
        hits = [len(query.terms)] * len(rows)
    else:
        tests = [_test(term.alternatives) for term in query.terms]
        counted = [sum(test(indexed.text) for test in tests) for _id, indexed in rows]
        best = max(counted, default=0)
        rows = [row for row, n in zip(rows, counted, strict=True) if n == best and n]
        hits = [best] * len(rows)
    keys = _keys(rows, query, hits)
    keys.sort()
    return [key[-1] for key in keys]


def _keys(rows: list[tuple[int, _Indexed]], query: search.Query, hits: list[int]) -> list[tuple]:
    """The sort key of each row (thousands for a broad query: kept to plain ``str.find``).

    The head is a prefix of the text, so a term is in the name section when its first
    occurrence is before the head's end. ``first``: where the earliest term is, in the name or
    else in the other fields (themes, result, department, materials: the text's order)."""
    terms = [term.alternatives for term in query.terms]
    keys = []
    for (item_id, indexed), n in zip(rows, hits, strict=True):
        text, head_end, name_end = indexed.text, len(indexed.head), len(indexed.name)
        in_name = via_synonym = 0
        first = len(text)
        for alternatives in terms:
            literal = _find(text, alternatives[0])
            where = literal
            for alternative in alternatives[1:]:
                found = _find(text, alternative)
                if found >= 0 and (where < 0 or found < where):
                    where = found
            if where < 0:
                continue
            if literal < 0:
                via_synonym += 1
            if where < head_end:
                in_name += 1
                # where in the name counts (earlier is better); the rest of the name section
                # (initials, pinyin, words, synonyms) is in no meaningful order
                where = min(where, name_end)
            if where < first:
                first = where
        name = indexed.name
        # the name is part of the name section: no term there, no name-level match (tier 8)
        tier = _tier(indexed, query, in_name) if in_name else 8
        keys.append((-n, tier, via_synonym, -in_name, first, len(name), name, item_id))
    return keys


def _tier(indexed: _Indexed, query: search.Query, in_name: int) -> int:
    """How the name matches, best first; a match through a synonym ranks just below the same
    match of the words as typed (``variants[0]``; the others have synonyms put in):
    0/1 the name is the query, 2/3 starts with it (or its initials or pinyin do), 4/5 holds it,
    6 every term is in the name section (name words, synonyms, pinyin), 7 some, 8 none."""
    name, literal, others = indexed.name, query.variants[0], query.variants[1:]
    initials, full = indexed.initials, indexed.pinyin
    terms = query.terms
    pinyin = terms[0].text if len(terms) == 1 and terms[0].kind == "pinyin" else None
    if name == literal or pinyin == initials:
        return 0
    if name in others:
        return 1
    if name.startswith(literal) or (
        pinyin and (initials.startswith(pinyin) or full.startswith(pinyin))
    ):
        return 2
    if others and name.startswith(others):
        return 3
    if literal in name or (pinyin and (pinyin in initials or pinyin in full)):
        return 4
    if any(v in name for v in others):
        return 5
    if in_name == len(terms):
        return 6
    return 7 if in_name else 8


# --------------------------------------------------------------------------- the result


def _with_version(items: QuerySet[Item]) -> QuerySet[Item]:
    return items.select_related("department", "published_version").defer(f"{_V}search_text")


class ItemSearchResult:
    """A ranked, lazily loaded list of items (what a paginator needs: ``len`` and slices)."""

    def __init__(
        self,
        *,
        query: search.Query,
        ids: list[int] | None = None,
        matching: QuerySet[Item] | None = None,
        relaxed: bool = False,
    ) -> None:
        self.query = query
        self.relaxed = relaxed
        self._ids = ids  # ranked; None: every item of ``matching``, by name
        self._matching = matching
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = len(self._ids) if self._ids is not None else self._matching.count()
        return self._count

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._load(index)
        if index < 0:
            index += len(self)
        page = self._load(slice(index, index + 1)) if index >= 0 else []
        if not page:
            raise IndexError(index)
        return page[0]

    def __iter__(self) -> Iterator[Item]:
        return iter(self._load(slice(None)))

    def _load(self, window: slice) -> list[Item]:
        if self._ids is None:  # sort narrow rows, then load the page (PostgreSQL sorts whole rows)
            ordered = self._matching.order_by(f"{_V}name", "implementation_code")
            ids = list(ordered.values_list("id", flat=True)[window])
        else:
            ids = self._ids[window]
        found = _with_version(Item.objects.all()).in_bulk(ids)
        items = [found[i] for i in ids if i in found]
        self._highlight(items)
        return items

    def _highlight(self, items: list[Item]) -> None:
        if self.query.is_empty:
            for item in items:
                item.search_highlight = search.highlight(
                    self.query, [("", item.published_version.name)]
                )
            return
        names: dict[int, list[str]] = {}
        for version_id, name in Material.objects.filter(
            version_id__in=[i.published_version_id for i in items]
        ).values_list("version_id", "name"):
            names.setdefault(version_id, []).append(name)
        for item in items:
            version = item.published_version
            fields = [("", version.name)]
            fields += [(_("主题"), t) for t in [*version.themes_person, *version.themes_legal]]
            fields.append((_("办理结果"), version.result_name))
            fields += [(_("申请材料"), n) for n in names.get(version.pk, [])]
            fields.append((_("实施主体"), item.department.name))
            item.search_highlight = search.highlight(self.query, fields)

    def facets(self) -> dict[str, Any]:
        """Counts of the matching items per department, online depth and number of visits."""
        columns = ("department_id", f"{_V}online_depth", f"{_V}visits")
        if self._ids is None:
            batches = [self._matching]
        else:
            ids = self._ids
            step = 5000
            batches = [
                Item.objects.filter(pk__in=ids[i : i + step]) for i in range(0, len(ids), step)
            ]
        departments, depths, visits = Counter(), Counter(), Counter()
        for batch in batches:
            for department, depth, visit, n in (
                batch.order_by().values_list(*columns).annotate(n=Count("id"))
            ):
                departments[department] += n
                depths[depth] += n
                visits[visit] += n
        names = dict(Department.objects.filter(pk__in=departments).values_list("pk", "name"))
        return {
            "department": [
                {"id": pk, "name": names.get(pk, ""), "count": n}
                for pk, n in sorted(departments.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "online_depth": {str(k): depths[k] for k in sorted(depths)},
            "visits": {str(k): visits[k] for k in sorted(visits)},
        }
