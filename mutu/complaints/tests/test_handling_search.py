"""Full-text search of complaints: PostgreSQL's text search or the fallback, one behaviour."""

import pytest
import time_machine

from mutu.complaints.models import Complaint
from mutu.complaints.search import search_complaints, words_of
from mutu.complaints.testing import make_complaint
from mutu.complaints.tests.test_handling_services import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def three(complaint_world):
    w = complaint_world
    return (
        make_complaint(w, title="Sertifikat PBG belum terbit", description="Sudah tiga bulan menunggu di DPMPTSP."),
        make_complaint(w, title="Antrean panjang", description="Petugas loket tidak ramah dan antrean lama."),
        make_complaint(w, title="Pungutan liar", description="Diminta uang untuk mempercepat sertifikat."),
    )


def _titles(qs) -> list[str]:
    return [c.title for c in qs]


def test_a_word_finds_the_complaints_that_contain_it(three):
    found = search_complaints(Complaint.objects.all(), "sertifikat")
    assert set(_titles(found)) == {"Sertifikat PBG belum terbit", "Pungutan liar"}


def test_every_word_must_match(three):
    assert _titles(search_complaints(Complaint.objects.all(), "sertifikat uang")) == ["Pungutan liar"]
    assert _titles(search_complaints(Complaint.objects.all(), "antrean ramah")) == ["Antrean panjang"]
    assert _titles(search_complaints(Complaint.objects.all(), "sertifikat ramah")) == []


def test_the_case_does_not_matter_and_a_match_in_the_subject_ranks_first_on_postgresql(three):
    found = _titles(search_complaints(Complaint.objects.all(), "SERTIFIKAT"))
    assert set(found) == {"Sertifikat PBG belum terbit", "Pungutan liar"}
    from django.db import connection

    if connection.vendor == "postgresql":
        assert found[0] == "Sertifikat PBG belum terbit"


def test_a_tracking_code_finds_its_complaint_however_it_is_typed(three):
    target = three[1]
    for typed in (target.tracking_code, target.tracking_code.lower().replace("-", "")):
        assert _titles(search_complaints(Complaint.objects.all(), typed)) == ["Antrean panjang"]


def test_the_search_stays_inside_the_given_queryset(three):
    scoped = Complaint.objects.exclude(pk=three[2].pk)
    assert _titles(search_complaints(scoped, "sertifikat")) == ["Sertifikat PBG belum terbit"]


def test_punctuation_and_markup_are_only_words(three):
    assert words_of("<b>antrean</b> & 'lama'") == ["b", "antrean", "b", "lama"]
    assert _titles(search_complaints(Complaint.objects.all(), "antrean'); DROP TABLE x; --")) == []
    assert len(_titles(search_complaints(Complaint.objects.all(), "   "))) == 3


def test_a_word_finds_its_derived_forms(complaint_world):
    # PostgreSQL stems with the indonesian configuration; the fallback finds the word inside.
    make_complaint(complaint_world, title="Perizinan lambat", description="Pelayanan berbelit.")
    assert _titles(search_complaints(Complaint.objects.all(), "izin layanan")) == ["Perizinan lambat"]
