"""The SKM questionnaire of PermenPANRB 14/2017 (Lampiran), as plain data.

These are the regulation's own Indonesian wordings, so they are data rather than
translatable interface strings. The data migration creates template version 1 from it; a
unit that rewords a question makes a version of its own.
"""

TEMPLATE_NAME = "Survei Kepuasan Masyarakat (PermenPANRB 14/2017)"
TEMPLATE_INTRO = (
    "Pendapat Bapak/Ibu membantu kami memperbaiki pelayanan. Survei ini tanpa nama dan hanya butuh satu menit."
)

FACES = ("very_sad", "sad", "happy", "very_happy")

# (code, unsur key, question, four answer labels from 1 to 4)
QUESTIONS: tuple[tuple[str, str, str, tuple[str, str, str, str]], ...] = (
    (
        "U1",
        "persyaratan",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "U2",
        "prosedur",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    (
        "U3",
        "waktu",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    (
        "U4",
        "biaya",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    (
        "U5",
        "produk",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
        "pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    (
        "U6",
        "kompetensi",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    (
        "U7",
        "perilaku",
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    (
        "U8",
        "pengaduan",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    (
        "U9",
        "sarana",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
)


def create_template(*, Questionnaire, Question, Scale, ScaleOption, now):
    """Create template version 1 unless it exists; models are passed in so the data migration
    can use its historical models and the running code its real ones."""
    if Questionnaire.objects.filter(unit__isnull=True, number=1).exists():
        return None
    questionnaire = Questionnaire.objects.create(
        unit=None, name=TEMPLATE_NAME, number=1, intro=TEMPLATE_INTRO, is_locked=True, created_at=now
    )
    for position, (code, unsur, text, labels) in enumerate(QUESTIONS, start=1):
        scale = Scale.objects.create(name=f"SKM {code}: {labels[0]} – {labels[-1]}")
        ScaleOption.objects.bulk_create(
            ScaleOption(scale=scale, value=value, label=label, face=face)
            for value, (label, face) in enumerate(zip(labels, FACES, strict=True), start=1)
        )
        Question.objects.create(
            questionnaire=questionnaire, position=position, code=code, unsur=unsur, text=text, kind="scale", scale=scale
        )
    return questionnaire
