"""Pure scoring of possible duplicate complaints: no database, no Django models.

A verifier sees the same problem reported twice (the citizen tries again, or sends the same
photo through WhatsApp and the web form). Two reports are suggested as duplicates when one of:

* the same person: the same email address, phone number or NIK;
* the same evidence: a file with the same SHA-256;
* similar text: the Jaccard index of character shingles of the normalised subject and
  description reaches ``TEXT_THRESHOLD`` (shingles of characters rather than words, so that
  Indonesian affixes — *antre*, *antrean*, *mengantre* — still overlap).

The selector keeps the comparison bounded (recent reports of the same instansi) and passes
:class:`Fingerprint` values in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

SHINGLE_SIZE = 4
# Two differently worded reports of one event score about 0.3–0.5; unrelated ones below 0.15.
TEXT_THRESHOLD = 0.3

SAME_EMAIL = "email"
SAME_PHONE = "phone"
SAME_NIK = "nik"
SAME_EVIDENCE = "evidence"
SIMILAR_TEXT = "text"

# Stronger signals first: the order in which reasons are listed and weighed.
REASON_WEIGHT = {SAME_EVIDENCE: 4.0, SAME_NIK: 3.0, SAME_EMAIL: 2.0, SAME_PHONE: 2.0, SIMILAR_TEXT: 1.0}

_NON_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Fingerprint:
    """What one complaint brings to the comparison."""

    pk: int
    text: str = ""
    email: str = ""
    phone: str = ""
    nik: str = ""
    sha256s: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Match:
    pk: int
    reasons: tuple[str, ...]
    text_score: float

    @property
    def score(self) -> float:
        return sum(REASON_WEIGHT[r] for r in self.reasons) + self.text_score


def normalise_text(text: str) -> str:
    """Lower case, accents folded, punctuation to single spaces."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()
    return _NON_WORD.sub(" ", folded).strip()


def normalise_phone(phone: str) -> str:
    """Indonesian numbers as people write them: +62 812…, 62812…, 0812-… are one number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 8 else ""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    normalised = normalise_text(text)
    if not normalised:
        return frozenset()
    if len(normalised) <= size:
        return frozenset({normalised})
    return frozenset(normalised[i : i + size] for i in range(len(normalised) - size + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def text_similarity(a: str, b: str) -> float:
    return jaccard(shingles(a), shingles(b))


def compare(
    subject: Fingerprint,
    other: Fingerprint,
    *,
    threshold: float = TEXT_THRESHOLD,
    subject_shingles: frozenset[str] | None = None,
) -> Match | None:
    """The reasons ``other`` may be a duplicate of ``subject``, or None when there are none."""
    reasons = []
    if subject.sha256s & other.sha256s:
        reasons.append(SAME_EVIDENCE)
    if subject.nik and subject.nik == other.nik:
        reasons.append(SAME_NIK)
    email = normalise_email(subject.email)
    if email and email == normalise_email(other.email):
        reasons.append(SAME_EMAIL)
    phone = normalise_phone(subject.phone)
    if phone and phone == normalise_phone(other.phone):
        reasons.append(SAME_PHONE)
    mine = subject_shingles if subject_shingles is not None else shingles(subject.text)
    score = jaccard(mine, shingles(other.text))
    if score >= threshold:
        reasons.append(SIMILAR_TEXT)
    if not reasons:
        return None
    return Match(pk=other.pk, reasons=tuple(reasons), text_score=round(score, 2))


def rank(subject: Fingerprint, others: Iterable[Fingerprint], *, threshold: float = TEXT_THRESHOLD) -> list[Match]:
    """Every other report with at least one reason, strongest first."""
    mine = shingles(subject.text)
    matches = [
        match
        for other in others
        if other.pk != subject.pk
        and (match := compare(subject, other, threshold=threshold, subject_shingles=mine)) is not None
    ]
    return sorted(matches, key=lambda m: (-m.score, m.pk))
