from decimal import Decimal
from fractions import Fraction

import pytest

from mutu.surveys.calculations import (
    UNSUR_KEYS,
    compute_ikm,
    grade,
    ikm_from_totals,
    krejcie_morgan,
    sample_size,
    slovin,
)


def rows(*answer_lists):
    return [dict(zip(UNSUR_KEYS, values, strict=True)) for values in answer_lists]


def test_all_fours_give_100_with_exact_weights_and_99_90_with_the_printed_weight():
    result = compute_ikm(rows([4] * 9, [4] * 9))
    assert result.converted == Decimal("100.00")
    assert result.mutu == "A" and result.kinerja == "Sangat Baik"
    assert compute_ikm(rows([4] * 9), weight_mode="0.111").converted == Decimal("99.90")


def test_hand_computed_case():
    # Three respondents. U1: 4,3,3 → 10/3; U2..U9: 3,3,3 → 3.
    # IKM = (10/3 + 8·3) / 9 = 82/27 = 3.037037…; ×25 = 75.925925… → 75.93 → C (Kurang Baik).
    result = compute_ikm(rows([4] + [3] * 8, [3] * 9, [3] * 9))
    assert result.unsur[0].nrr == Fraction(10, 3)
    assert result.weighted == Fraction(82, 27)
    assert result.converted == Decimal("75.93")
    assert (result.mutu, result.kinerja) == ("C", "Kurang Baik")
    assert result.weighted_4dp == Decimal("3.0370")


def test_a_blank_is_not_a_zero():
    # U2 blank for the second respondent: NRR of U2 is 4/1, not 4/2.
    result = compute_ikm(rows([4] * 9, [4, None] + [4] * 7))
    assert result.unsur[1].answered == 1
    assert result.unsur[1].nrr == 4
    assert result.converted == Decimal("100.00")
    assert result.respondents == 2


def test_a_row_without_any_answer_is_not_a_respondent():
    result = compute_ikm(rows([4] * 9, [None] * 9))
    assert result.respondents == 1


def test_no_answers_gives_no_ikm_but_keeps_the_unsur_list():
    result = compute_ikm([])
    assert result.respondents == 0
    assert result.weighted is None and result.converted is None and result.mutu is None
    assert [u.code for u in result.unsur] == [f"U{i}" for i in range(1, 10)]
    assert all(u.nrr is None for u in result.unsur)


def test_an_unsur_nobody_answered_leaves_the_ikm_undefined():
    result = compute_ikm(rows([4] * 8 + [None]))
    assert result.converted is None
    assert result.unsur[8].nrr is None


@pytest.mark.parametrize(
    ("converted", "expected"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("24.98", "D"),
    ],
)
def test_grade_boundaries(converted, expected):
    assert grade(Decimal(converted))[0] == expected


def test_classification_uses_the_value_rounded_half_up():
    # Eight unsur at 7/2 and one at 3.7898 give exactly 88.305, which rounds half-up to 88.31: A, not B.
    totals = {key: (2, 7) for key in UNSUR_KEYS}
    totals["sarana"] = (10_000, 37_898)
    result = ikm_from_totals(totals, respondents=10_000)
    assert result.weighted * 25 == Fraction(88305, 1000)
    assert result.converted == Decimal("88.31")
    assert result.mutu == "A"


def test_printed_weight_below_25_is_still_d():
    result = compute_ikm(rows([1] * 9), weight_mode="0.111")
    assert result.converted == Decimal("24.98")
    assert result.mutu == "D"


@pytest.mark.parametrize(
    ("population", "expected"), [(15, 14), (50, 44), (100, 80), (1_000, 278), (10_000, 370), (1_000_000, 384)]
)
def test_krejcie_morgan_matches_their_table(population, expected):
    assert krejcie_morgan(population) == expected
    assert sample_size(population) == expected


@pytest.mark.parametrize(("population", "expected"), [(100, 80), (1_000, 286), (10_000, 385), (1_000_000, 400)])
def test_slovin_rounds_up(population, expected):
    assert slovin(population) == expected
    assert sample_size(population, method="slovin") == expected


@pytest.mark.parametrize("population", [0, -5, True])
def test_sample_size_refuses_a_population_that_is_not_positive(population):
    with pytest.raises(ValueError):
        krejcie_morgan(population)


@pytest.mark.parametrize("error", [0, 1, -0.1, 1.5])
def test_sample_size_refuses_an_error_outside_0_1(error):
    with pytest.raises(ValueError):
        slovin(100, e=error)
