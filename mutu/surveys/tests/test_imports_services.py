"""Imports from XLSX/CSV: the guessed mapping, the row-level error report, all-or-nothing imports."""

import datetime as dt
import io
import random

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from mutu.core.errors import ApplicationError
from mutu.core.models import AuditEvent
from mutu.surveys import services_imports as services
from mutu.surveys import sheets
from mutu.surveys.calculations import UNSUR_KEYS, compute_ikm
from mutu.surveys.models import Channel, ImportBatch, Question, Response, Tally
from mutu.surveys.selectors import Slice, ikm_for
from mutu.surveys.skm_template import QUESTIONS
from mutu.surveys.tasks import import_responses_task
from mutu.surveys.testing import SKM_CODES

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
CODES = SKM_CODES


@pytest.fixture
def w(survey_world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Service tests match the English source messages; the pages are tested in Indonesian.
    with time_machine.travel(NOW, tick=False), translation.override("en"):
        yield survey_world


def xlsx_upload(rows, name="jawaban.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(lines, name="jawaban.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def upload(w, file, survey=None):
    return services.upload_import(survey=survey or w.survey, upload=file, by=w.alice, now=NOW)


def check(w, batch, *, mapping=None, defaults=None):
    return services.check_import(
        batch=batch,
        mapping=batch.mapping if mapping is None else mapping,
        defaults={"answered_on": "2026-10-15"} if defaults is None else defaults,
        by=w.alice,
        now=NOW,
    )


def import_all(w, batch):
    return services.start_import(batch=batch, by=w.alice, now=NOW)


def questions(w):
    return list(Question.objects.filter(questionnaire=w.survey.questionnaire))


# --- guessing ------------------------------------------------------------------------------


def test_the_mapping_is_guessed_from_codes_question_texts_and_profile_headers(w):
    headers = [
        "Stempel waktu",
        "Nama",
        "Jenis Kelamin",
        "Usia",
        "Pendidikan Terakhir",
        "Pekerjaan",
        "Jenis Layanan yang Diterima",
        "1. " + QUESTIONS[0][2],  # Google Forms: the question text as header
        "U2",
        "u 3",
        "Biaya/Tarif",
        "U5. Produk",
        "Kompetensi Pelaksana",
        "Perilaku",
        "Penanganan Pengaduan, Saran dan Masukan",
        "Sarana dan Prasarana",
        "Kritik dan Saran",
    ]
    mapping = services.guess_mapping(headers=headers, questions=questions(w))
    assert mapping == {
        "0": "answered_at",
        "2": "gender",
        "3": "age_group",
        "4": "education",
        "5": "occupation",
        "6": "service",
        **{str(7 + i): f"q:{code}" for i, code in enumerate(CODES)},
        "16": "suggestion",
    }


def test_a_slightly_reworded_question_text_is_still_recognised(w):
    header = QUESTIONS[8][2].replace("Saudara", "Bapak/Ibu")
    assert services.guess_target(header, questions(w)) == "q:U9"


def test_each_target_is_guessed_for_one_column_only(w):
    mapping = services.guess_mapping(headers=["U1", "Persyaratan", "Keterangan"], questions=questions(w))
    assert mapping == {"0": "q:U1"}


# --- checking --------------------------------------------------------------------------------


def test_the_error_report_names_row_column_and_message_and_nothing_is_imported(w):
    batch = upload(
        w,
        xlsx_upload(
            [
                ["Tanggal", *CODES],
                ["2026-10-01", *[4] * 9],
                ["2026-10-02", 4, 4, 5, 4, 4, 4, 4, 4, 4],
                ["2026-10-03", 4, 4, 4, "baik", 4, 4, 4, 4, 4],
                ["2025-12-31", *[3] * 9],
            ]
        ),
    )
    batch = check(w, batch)
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        {"row": 3, "column": "U3 (D)", "message": "5 is not an answer to this question (allowed: 1, 2, 3, 4)."},
        {"row": 4, "column": "U4 (E)", "message": "baik is not an answer to this question (allowed: 1, 2, 3, 4)."},
        {
            "row": 5,
            "column": "Tanggal (A)",
            "message": "The date 31-12-2025 is outside the survey period (01-01-2026 – 31-12-2026).",
        },
    ]
    with pytest.raises(ApplicationError):
        import_all(w, batch)
    assert Response.objects.count() == 0
    assert Tally.objects.filter(survey=w.survey).count() == 0


def test_profile_values_in_common_indonesian_spellings_are_read(w):
    batch = upload(
        w,
        csv_upload(
            [
                "Jenis kelamin;Umur;Pendidikan;Pekerjaan;" + ";".join(CODES),
                "Laki-laki;35;SMA/SMK;PNS/TNI/Polri;" + ";".join(["4"] * 9),
                "P;20 - 29 tahun;S1;Wiraswasta;" + ";".join(["3"] * 9),
                "Perempuan;61;D3;Ibu rumah tangga;" + ";".join(["2"] * 9),
            ]
        ),
    )
    batch = import_all(w, check(w, batch))
    assert batch.status == ImportBatch.Status.DONE
    rows = list(Response.objects.order_by("import_row").values_list("gender", "age_group", "education", "occupation"))
    assert rows == [("m", "30_39", "sma", "pns"), ("f", "20_29", "s1", "entrepreneur"), ("f", "60plus", "d3", "other")]


def test_unknown_profile_values_and_services_are_errors(w):
    batch = upload(w, csv_upload(["Jenis kelamin,Usia,Layanan,U1", "X,26-35,Izin Terbang,4"]))
    batch = check(w, batch)
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "Jenis kelamin (A)"),
        (2, "Usia (B)"),
        (2, "Layanan (C)"),
    ]
    assert "'Izin Terbang'" in batch.errors[2]["message"]


def test_a_row_without_a_date_needs_the_default_date(w):
    batch = upload(w, csv_upload(["U1", "4"]))
    with pytest.raises(ApplicationError) as exc:
        check(w, batch, defaults={})
    assert "answered_on" in exc.value.field_errors


def test_a_google_forms_timestamp_gives_the_day_answered(w):
    batch = upload(w, csv_upload(["Timestamp,U1", '"2026/10/01 11:22:33 PM GMT+8",4']))
    import_all(w, check(w, batch))
    response = Response.objects.get()
    # 23:22 at UTC+8 is the same instant in Bontang (WITA, UTC+8).
    assert response.day == dt.date(2026, 10, 1)
    assert response.answered_at == dt.datetime(2026, 10, 1, 15, 22, 33, tzinfo=dt.UTC)


def test_a_mapping_may_not_read_two_columns_as_the_same_question(w):
    batch = upload(w, csv_upload(["A,B", "4,4"]))
    with pytest.raises(ApplicationError) as exc:
        check(w, batch, mapping={"0": "q:U1", "1": "q:U1"})
    assert "col_1" in exc.value.field_errors


def test_an_mpp_survey_import_needs_the_gerai(w):
    batch = upload(w, csv_upload(["U1", "4"]), survey=w.mpp_survey)
    with pytest.raises(ApplicationError) as exc:
        check(w, batch)
    assert "gerai" in exc.value.field_errors
    batch = check(w, batch, defaults={"answered_on": "2026-10-15", "gerai": w.gerai_bpjs.pk})
    import_all(w, batch)
    assert Response.objects.get().unit_id == w.bpjs.pk


def test_unreadable_files_are_refused_clearly(w):
    with pytest.raises(ApplicationError, match="Only XLSX and CSV"):
        upload(w, SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))
    with pytest.raises(ApplicationError, match="empty"):
        upload(w, SimpleUploadedFile("kosong.csv", b""))
    with pytest.raises(ApplicationError, match="not a valid .xlsx"):
        upload(w, SimpleUploadedFile("rusak.xlsx", b"PK\x03\x04 not really a zip"))


# --- importing -------------------------------------------------------------------------------


def random_rows(n, seed=10):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        values = [rng.choice([1, 2, 3, 4, 4, 3, None]) for _ in CODES]
        if all(v is None for v in values):
            values[i % 9] = 4
        rows.append(values)
    return rows


def test_a_clean_import_of_n_rows_equals_the_pure_ikm_of_the_same_file(w):
    rows = random_rows(60)
    file = xlsx_upload([["Tanggal", *CODES, "Saran"], *[["15/10/2026", *r, "lebih cepat"] for r in rows]])
    batch = import_all(w, check(w, upload(w, file)))
    assert (batch.status, batch.imported_rows, batch.total_rows) == (ImportBatch.Status.DONE, 60, 60)

    sheet = sheets.read_sheet(file.open().read(), "jawaban.xlsx")
    pure = compute_ikm(sheets.ikm_rows(sheet))
    assert ikm_for(survey=w.survey) == pure
    assert ikm_for(survey=w.survey, slice=Slice(channels=(Channel.IMPORT,))) == pure
    assert sheets.ikm_of_sheet(sheet) == pure
    stored = Response.objects.filter(import_batch=batch)
    assert stored.count() == 60
    assert set(stored.values_list("channel", flat=True)) == {Channel.IMPORT}
    assert sorted(stored.values_list("import_row", flat=True)) == list(range(2, 62))
    assert set(stored.values_list("suggestion", flat=True)) == {"lebih cepat"}


def test_the_same_file_is_refused_a_second_time(w):
    file = xlsx_upload([["U1", "U2"], [4, 3]])
    first = import_all(w, check(w, upload(w, file)))
    assert first.status == ImportBatch.Status.DONE
    file.seek(0)
    with pytest.raises(ApplicationError, match="already imported"):
        upload(w, file)
    assert Response.objects.count() == 1


def test_a_second_batch_of_the_same_file_uploaded_before_the_first_import_is_refused_too(w):
    file = csv_upload(["U1", "4"])
    first = check(w, upload(w, file))
    file.seek(0)
    second = check(w, upload(w, file))
    import_all(w, first)
    with pytest.raises(ApplicationError, match="already imported"):
        import_all(w, second)
    assert Response.objects.count() == 1


def test_the_same_file_may_be_imported_into_another_survey(w):
    file = csv_upload(["U1", "4"])
    import_all(w, check(w, upload(w, file)))
    file.seek(0)
    other = check(
        w, upload(w, file, survey=w.mpp_survey), defaults={"answered_on": "2026-10-15", "gerai": w.gerai_dpmptsp.pk}
    )
    assert import_all(w, other).status == ImportBatch.Status.DONE


def test_a_big_file_is_imported_by_the_task_with_progress(w, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "INLINE_ROWS", 10)
    monkeypatch.setattr(services, "PROGRESS_EVERY", 5)
    rows = random_rows(23, seed=3)
    batch = check(w, upload(w, xlsx_upload([CODES, *rows])))
    seen = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = import_all(w, batch)
    assert batch.status == ImportBatch.Status.IMPORTING
    assert (batch.processed_rows, batch.total_rows) == (0, 23)
    assert len(callbacks) == 1
    assert Response.objects.count() == 0

    real_record = services.record_responses

    def spy(**kwargs):
        seen.append(ImportBatch.objects.values_list("processed_rows", "total_rows").get(pk=batch.pk))
        return real_record(**kwargs)

    monkeypatch.setattr(services, "record_responses", spy)
    result = import_responses_task.call(batch.pk)
    assert result == {"status": "done", "imported": 23}
    assert seen == [(23, 23)]  # every row checked before the one write
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.imported_rows) == (ImportBatch.Status.DONE, 23, 23)
    assert ikm_for(survey=w.survey) == compute_ikm(dict(zip(UNSUR_KEYS, r, strict=True)) for r in rows)


def test_the_task_runs_on_commit_with_the_immediate_backend(
    w, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(services, "INLINE_ROWS", 1)
    batch = check(w, upload(w, csv_upload(["U1,U2", "4,3", "3,3"])))
    with django_capture_on_commit_callbacks(execute=True):
        import_all(w, batch)
    batch.refresh_from_db()
    assert (batch.status, batch.imported_rows) == (ImportBatch.Status.DONE, 2)


def test_a_failed_import_leaves_no_responses(w, monkeypatch):
    batch = check(w, upload(w, csv_upload(["U1,U2", "4,3", "3,3"])))
    real_record = services.record_responses

    def broken(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record_responses", broken)
    batch = import_all(w, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.errors[0]["message"] == "The import failed and nothing was imported. Check the file and try again."
    assert Response.objects.count() == 0
    assert Tally.objects.filter(survey=w.survey).count() == 0


def test_a_file_that_changed_rules_since_the_check_fails_without_importing(w):
    batch = check(w, upload(w, csv_upload(["U1", "4"])))
    w.survey.ends_on = dt.date(2026, 10, 1)
    w.survey.save()
    batch = import_all(w, batch)
    assert batch.status == ImportBatch.Status.FAILED
    assert "outside the survey period" in batch.errors[0]["message"]
    assert Response.objects.count() == 0


def test_every_step_is_audited(w):
    batch = import_all(w, check(w, upload(w, csv_upload(["U1", "4"]))))
    actions = list(
        AuditEvent.objects.filter(object_type="surveys.importbatch", object_id=str(batch.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["survey.import.upload", "survey.import.check", "survey.import.start", "survey.import.done"]
    assert AuditEvent.objects.filter(action="file.store", object_id=str(batch.file_id)).exists()
