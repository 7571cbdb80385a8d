"""Full-text search of complaints: PostgreSQL's text search, a working fallback elsewhere.

One signature for both backends: ``search_complaints(queryset, text)`` narrows ``queryset`` to
the complaints matching every word of ``text`` in the subject, the description or the tracking
code, best matches first.

On PostgreSQL the subject and description are indexed with the ``indonesian`` text-search
configuration when the server has it (PostgreSQL 13+ ships the Snowball stemmer: "perizinan"
finds "izin"), else ``simple``; the tracking code always with ``simple``. A word that is a
tracking code also matches the code directly. On SQLite each word must occur (case-insensitive)
in one of the fields: no stemming, no ranking beyond newest first.
"""

from __future__ import annotations

import functools
import re

from django.db import connection
from django.db.models import Q, QuerySet

from mutu.complaints.selectors import normalise_tracking_code

MAX_WORDS = 8
WORD_RE = re.compile(r"[\w-]+", re.UNICODE)


def words_of(text: str) -> list[str]:
    return WORD_RE.findall(text or "")[:MAX_WORDS]


@functools.cache
def text_search_config() -> str:
    """'indonesian' when the PostgreSQL server has that configuration, else 'simple'."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_catalog.pg_ts_config WHERE cfgname = 'indonesian'")
        return "indonesian" if cursor.fetchone() else "simple"


def search_complaints(queryset: QuerySet, text: str) -> QuerySet:
    words = words_of(text)
    if not words:
        return queryset.order_by("-submitted_at", "-id")
    codes = {normalise_tracking_code(w) for w in words if len(w.replace("-", "")) == 8}
    if connection.vendor == "postgresql":
        return _postgres(queryset, words, codes)
    return _fallback(queryset, words, codes)


def _fallback(queryset: QuerySet, words: list[str], codes: set[str]) -> QuerySet:
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(description__icontains=word) | Q(tracking_code__icontains=word)
    if codes:
        condition |= Q(tracking_code__in=codes)
    return queryset.filter(condition).order_by("-submitted_at", "-id")


def _postgres(queryset: QuerySet, words: list[str], codes: set[str]) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    config = text_search_config()
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("description", weight="B", config=config)
        + SearchVector("tracking_code", weight="A", config="simple")
    )
    query = None
    for word in words:
        # Each word in either configuration (stemmed or as written), all words required.
        part = SearchQuery(word, search_type="plain", config=config) | SearchQuery(
            word, search_type="plain", config="simple"
        )
        query = part if query is None else query & part
    condition = Q(search_document=query)
    if codes:
        condition |= Q(tracking_code__in=codes)
    return (
        queryset.annotate(search_document=vector, search_rank=SearchRank(vector, query))
        .filter(condition)
        .order_by("-search_rank", "-submitted_at", "-id")
    )
