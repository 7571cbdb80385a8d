"""The pure duplicate scoring: text shingles, contacts as people write them, shared files."""

from mutu.complaints import similarity as sim


def test_text_is_compared_without_case_accents_or_punctuation():
    assert sim.normalise_text("Antrean  LAMA, di Loket!!") == "antrean lama di loket"
    assert sim.normalise_text("Café") == "cafe"
    assert sim.text_similarity("Antrean lama.", "antrean LAMA") == 1.0


def test_reworded_reports_of_one_event_score_above_the_threshold_and_unrelated_ones_below():
    a = "Antrean loket perizinan lama. Saya antre dua jam di loket perizinan MPP tanpa kejelasan dari petugas."
    b = "Antrean lama di loket perizinan. Dua jam mengantre di loket perizinan MPP, petugas tidak memberi kejelasan."
    c = "Jalan rusak. Ada lubang besar di jalan depan sekolah dasar."
    assert sim.text_similarity(a, b) >= sim.TEXT_THRESHOLD
    assert sim.text_similarity(a, c) < 0.15


def test_indonesian_phone_numbers_in_every_common_spelling_are_one_number():
    assert sim.normalise_phone("+62 812-3456-7890") == sim.normalise_phone("081234567890") == "081234567890"
    assert sim.normalise_phone("12") == ""


def test_each_reason_is_named_and_the_strongest_comes_first():
    subject = sim.Fingerprint(pk=1, text="Pungutan liar di loket", email="A@example.org", sha256s=frozenset({"x"}))
    same_file = sim.Fingerprint(pk=2, text="Lain sekali", sha256s=frozenset({"x"}))
    same_email = sim.Fingerprint(pk=3, text="Hal berbeda", email="a@example.org ")
    same_text = sim.Fingerprint(pk=4, text="pungutan liar di loket!")
    nothing = sim.Fingerprint(pk=5, text="Toilet kotor", email="b@example.org", nik="1234567890123456")
    ranked = sim.rank(subject, [nothing, same_text, same_email, same_file, subject])
    assert [(m.pk, m.reasons) for m in ranked] == [(2, ("evidence",)), (3, ("email",)), (4, ("text",))]


def test_empty_contacts_never_match():
    a = sim.Fingerprint(pk=1, text="satu", email="", phone="", nik="")
    b = sim.Fingerprint(pk=2, text="dua", email="", phone="", nik="")
    assert sim.compare(a, b) is None
