"""The arithmetic of the Survei Kepuasan Masyarakat (PermenPANRB 14/2017), without the ORM.

Everything is exact (``Fraction``) until the one rounding the rule asks for: the converted IKM,
half-up to two decimals, which also decides mutu and kinerja.  Pages do not recompute this in
SQL: the database sums answers per unsur (``answered``, ``total``) and hands the integers to
:func:`ikm_from_totals`, so a page, the report, the XLSX and ``mutu ikm`` cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

# The nine unsur, in the order of the regulation. Keys are stable identifiers stored in the
# database: an unsur is known by what it measures, not by its number, because some apps swap
# U8 and U9 and the 2014 rule had "maklumat pelayanan" where 2017 has "sarana dan prasarana".
UNSUR: tuple[tuple[str, str, str], ...] = (
    ("persyaratan", "U1", "Persyaratan"),
    ("prosedur", "U2", "Sistem, Mekanisme, dan Prosedur"),
    ("waktu", "U3", "Waktu Penyelesaian"),
    ("biaya", "U4", "Biaya/Tarif"),
    ("produk", "U5", "Produk Spesifikasi Jenis Pelayanan"),
    ("kompetensi", "U6", "Kompetensi Pelaksana"),
    ("perilaku", "U7", "Perilaku Pelaksana"),
    ("pengaduan", "U8", "Penanganan Pengaduan, Saran dan Masukan"),
    ("sarana", "U9", "Sarana dan Prasarana"),
)
UNSUR_KEYS: tuple[str, ...] = tuple(key for key, _code, _name in UNSUR)
UNSUR_CODE: dict[str, str] = {key: code for key, code, _name in UNSUR}
UNSUR_NAME: dict[str, str] = {key: name for key, _code, name in UNSUR}
UNSUR_BY_CODE: dict[str, str] = {code: key for key, code, _name in UNSUR}

WEIGHT_EXACT = "exact"
WEIGHT_PRINTED = "0.111"
WEIGHTS: dict[str, Fraction] = {
    WEIGHT_EXACT: Fraction(1, 9),
    # The rounded weight many published reports multiplied by; kept to reproduce them.
    WEIGHT_PRINTED: Fraction(111, 1000),
}
CONVERSION_FACTOR = 25
TWO_PLACES = Decimal("0.01")

# (lowest converted value, mutu, kinerja), best first. Applied to the converted value rounded
# half-up to 2 decimals; anything below 65.00 is D, including values under 25 that the printed
# weight can produce.
GRADES: tuple[tuple[Decimal, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("-Infinity"), "D", "Tidak Baik"),
)


@dataclass(frozen=True)
class UnsurResult:
    key: str
    answered: int
    total: int

    @property
    def code(self) -> str:
        return UNSUR_CODE[self.key]

    @property
    def name(self) -> str:
        return UNSUR_NAME[self.key]

    @property
    def nrr(self) -> Fraction | None:
        """Sum of answers ÷ answers given (a blank is not a zero); None when nobody answered."""
        return Fraction(self.total, self.answered) if self.answered else None


@dataclass(frozen=True)
class IkmResult:
    respondents: int
    unsur: tuple[UnsurResult, ...]
    weight_mode: str
    weighted: Fraction | None  # 1–4, exact
    converted: Decimal | None  # 25–100, rounded half-up to 2 decimals
    mutu: str | None
    kinerja: str | None

    @property
    def is_complete(self) -> bool:
        return self.weighted is not None

    @property
    def weakest(self) -> UnsurResult | None:
        """The unsur with the lowest NRR (first in regulation order on a tie)."""
        answered = [u for u in self.unsur if u.nrr is not None]
        return min(answered, key=lambda u: u.nrr) if answered else None

    @property
    def weighted_4dp(self) -> Decimal | None:
        return None if self.weighted is None else round_half_up(self.weighted, Decimal("0.0001"))


def round_half_up(value: Fraction, places: Decimal = TWO_PLACES) -> Decimal:
    # Decimal division of the exact fraction with enough digits, then one half-up rounding.
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(places, rounding=ROUND_HALF_UP)


def grade(converted: Decimal) -> tuple[str, str]:
    """Mutu letter and kinerja label for a converted IKM already rounded to 2 decimals."""
    for lowest, mutu, kinerja in GRADES:
        if converted >= lowest:
            return mutu, kinerja
    raise AssertionError("unreachable: the last grade has no lower bound")


def ikm_from_totals(
    totals: Mapping[str, tuple[int, int]], *, respondents: int, weight_mode: str = WEIGHT_EXACT
) -> IkmResult:
    """IKM from per-unsur (answers given, sum of answers), keyed by unsur key.

    The IKM exists only when every one of the nine unsur has at least one answer; otherwise the
    per-unsur NRR are still returned and the IKM fields are None.
    """
    if weight_mode not in WEIGHTS:
        raise ValueError(f"unknown weight mode {weight_mode!r}")
    unsur = tuple(UnsurResult(key, *totals.get(key, (0, 0))) for key in UNSUR_KEYS)
    if any(u.answered == 0 for u in unsur):
        return IkmResult(respondents, unsur, weight_mode, None, None, None, None)
    weight = WEIGHTS[weight_mode]
    weighted = sum((u.nrr * weight for u in unsur), Fraction(0))
    converted = round_half_up(weighted * CONVERSION_FACTOR)
    mutu, kinerja = grade(converted)
    return IkmResult(respondents, unsur, weight_mode, weighted, converted, mutu, kinerja)


def compute_ikm(rows: Iterable[Mapping[str, int | None]], *, weight_mode: str = WEIGHT_EXACT) -> IkmResult:
    """IKM of respondents given as {unsur key: answer or None}; a row with no answer is skipped."""
    answered = dict.fromkeys(UNSUR_KEYS, 0)
    total = dict.fromkeys(UNSUR_KEYS, 0)
    respondents = 0
    for row in rows:
        given = False
        for key in UNSUR_KEYS:
            value = row.get(key)
            if value is None:
                continue
            answered[key] += 1
            total[key] += value
            given = True
        respondents += given
    return ikm_from_totals(
        {key: (answered[key], total[key]) for key in UNSUR_KEYS}, respondents=respondents, weight_mode=weight_mode
    )


# --- sample size -----------------------------------------------------------------------------

KREJCIE_MORGAN = "krejcie-morgan"
SLOVIN = "slovin"
SAMPLE_METHODS = (KREJCIE_MORGAN, SLOVIN)
CHI_SQUARE_1DF_95 = 3.841
DEFAULT_ERROR = 0.05


def krejcie_morgan(population: int, *, d: float = DEFAULT_ERROR, p: float = 0.5) -> int:
    """s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), rounded to the nearest integer as their table is."""
    _check(population, d)
    s = CHI_SQUARE_1DF_95 * population * p * (1 - p) / (d * d * (population - 1) + CHI_SQUARE_1DF_95 * p * (1 - p))
    # Half-up on the rare exact .5; floating error below 1e-9 must not flip a table value.
    return min(population, math.floor(s + 0.5 + 1e-9))


def slovin(population: int, *, e: float = DEFAULT_ERROR) -> int:
    """n = N / (1 + N·e²), rounded up."""
    _check(population, e)
    n = population / (1 + population * e * e)
    return min(population, math.ceil(n - 1e-9))


def sample_size(population: int, *, method: str = KREJCIE_MORGAN, error: float = DEFAULT_ERROR) -> int:
    if method == KREJCIE_MORGAN:
        return krejcie_morgan(population, d=error)
    if method == SLOVIN:
        return slovin(population, e=error)
    raise ValueError(f"unknown sample method {method!r}")


def _check(population: int, error: float) -> None:
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError("population must be a positive integer")
    if not 0 < error < 1:
        raise ValueError("error must be between 0 and 1")


def progress_percent(collected: int, target: int) -> int:
    """Whole percent of the target reached, capped at 100 (for progress bars)."""
    if target <= 0:
        return 100 if collected else 0
    return min(100, collected * 100 // target)
