"""The import pages: upload, mapping, preview, error report, import and progress; who may use them."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from mutu.surveys import services_imports as services
from mutu.surveys.models import ImportBatch, Response
from mutu.surveys.skm_template import QUESTIONS
from mutu.surveys.testing import SKM_CODES

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(survey_world, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    with time_machine.travel(NOW, tick=False):
        yield survey_world


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_upload(file: io.BytesIO) -> SimpleUploadedFile:
    return SimpleUploadedFile(file.name, file.getvalue())


def google_forms_file(rows) -> io.BytesIO:
    header = ["Stempel waktu", "Jenis Kelamin", *[q[2] for q in QUESTIONS], "Kritik dan saran"]
    file = io.BytesIO(xlsx_bytes([header, *rows]))
    file.name = "Survei Kepuasan (Jawaban).xlsx"
    return file


def row(day, gender, *values, saran=""):
    return [f"{day}/10/2026 09:15:00", gender, *values, saran]


def urls(survey, batch=None):
    found = [reverse("surveys:imports", args=[survey.pk])]
    if batch is not None:
        found += [
            reverse("surveys:import_batch", args=[survey.pk, batch.pk]),
            reverse("surveys:import_progress", args=[survey.pk, batch.pk]),
        ]
    return found


def test_a_unit_admin_uploads_maps_checks_and_imports_a_google_forms_export(w, login):
    client = login(w.alice)
    page = client.get(reverse("surveys:imports", args=[w.survey.pk]))
    assert page.status_code == 200
    assert 'lang="id"' in page.content.decode()

    file = google_forms_file([row(1, "Laki-laki", *[4] * 9, saran="Antrean lama"), row(2, "P", *[3] * 9)])
    response = client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": file})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:import_batch", args=[w.survey.pk, batch.pk])
    assert batch.mapping["0"] == "answered_at"
    assert batch.mapping["2"] == "q:U1"

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert '<option value="q:U1" selected>' in html
    assert "Antrean lama" in html  # the preview shows the rows as they will be read
    assert "Laki-laki" in html or "Male" in html

    form = {f"col_{i}": t for i, t in batch.mapping.items()} | {"answered_on": "2026-10-15", "location": ""}
    response = client.post(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]), form)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY

    response = client.post(reverse("surveys:import_start", args=[w.survey.pk, batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.imported_rows) == (ImportBatch.Status.DONE, 2)
    assert Response.objects.filter(survey=w.survey, gender="m", suggestion="Antrean lama").count() == 1
    page = client.get(response["Location"])
    assert "2" in page.content.decode()


def test_the_error_report_lists_row_column_and_message(w, login):
    client = login(w.alice)
    file = google_forms_file([row(1, "L", *[4] * 9), row(2, "L", 4, 4, 5, *[4] * 6), row(3, "L", "baik", *[4] * 8)])
    client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": file})
    batch = ImportBatch.objects.get()
    form = {f"col_{i}": t for i, t in batch.mapping.items()}
    client.post(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]), form)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    html = client.get(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk])).content.decode()
    assert '<td class="num">3</td>' in html
    assert '<td class="num">4</td>' in html
    assert "(E)" in html  # the column of U3 in the sheet
    response = client.post(reverse("surveys:import_start", args=[w.survey.pk, batch.pk]))
    assert response.status_code == 302
    assert Response.objects.count() == 0


def test_a_bad_mapping_is_shown_next_to_its_column(w, login):
    client = login(w.alice)
    client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": google_forms_file([row(1, "L", *[4] * 9)])})
    batch = ImportBatch.objects.get()
    response = client.post(
        reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]), {"col_2": "q:U1", "col_3": "q:U1"}
    )
    assert response.status_code == 422
    assert 'id="id_col_3_error"' in response.content.decode()


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(w, login):
    client = login(w.alice)
    file = io.BytesIO(b"%PDF-1.4 not a sheet\x00\x00")
    file.name = "laporan.pdf"
    response = client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": file})
    assert response.status_code == 422
    assert ImportBatch.objects.count() == 0


def test_the_progress_partial_shows_the_bar_and_refreshes_when_done(w, login):
    client = login(w.alice)
    client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": google_forms_file([row(1, "L", *[4] * 9)])})
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.IMPORTING, processed_rows=1, total_rows=4)
    url = reverse("surveys:import_progress", args=[w.survey.pk, batch.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert '<progress id="import-bar" class="imports-bar" max="100" value="25">' in html
    assert 'hx-trigger="every 1s"' in html
    page = client.get(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk])).content.decode()
    assert 'value="25"' in page
    assert reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]) in page  # the refresh link without JS
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.DONE)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"


def test_a_big_file_is_handed_to_the_background_task(w, login, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "INLINE_ROWS", 2)
    client = login(w.alice)
    client.post(
        reverse("surveys:imports", args=[w.survey.pk]),
        {"file": google_forms_file([row(d, "L", *[4] * 9) for d in range(1, 5)])},
    )
    batch = ImportBatch.objects.get()
    client.post(
        reverse("surveys:import_batch", args=[w.survey.pk, batch.pk]), {f"col_{i}": t for i, t in batch.mapping.items()}
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("surveys:import_start", args=[w.survey.pk, batch.pk]))
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTING
    html = client.get(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk])).content.decode()
    assert 'id="import-progress"' in html


def test_a_surveyor_of_the_survey_may_import(w, login):
    w.survey.surveyors.add(w.surveyor)
    assert login(w.surveyor).get(reverse("surveys:imports", args=[w.survey.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["charlie", "dave", "bob", "surveyor", "evaluator", "nobody"])
def test_others_get_404(w, login, persona):
    batch = services.upload_import(
        survey=w.mpp_survey,
        upload=as_upload(google_forms_file([row(1, "L", *[4] * 9)])),
        by=w.alice,
        now=NOW,
    )
    client = login(getattr(w, persona))
    for url in urls(w.mpp_survey, batch):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("surveys:import_start", args=[w.mpp_survey.pk, batch.pk])).status_code == 404


def test_the_head_of_the_unit_may_import_and_charlie_only_into_his_own_survey(w, login):
    assert login(w.head).get(reverse("surveys:imports", args=[w.survey.pk])).status_code == 200
    client = login(w.charlie)
    assert client.get(reverse("surveys:imports", args=[w.dukcapil_survey.pk])).status_code == 200
    assert client.get(reverse("surveys:imports", args=[w.survey.pk])).status_code == 404


def test_a_batch_of_another_survey_is_404(w, login):
    batch = services.upload_import(
        survey=w.dukcapil_survey, upload=as_upload(google_forms_file([row(1, "L", *[4] * 9)])), by=w.charlie, now=NOW
    )
    client = login(w.alice)
    assert client.get(reverse("surveys:import_batch", args=[w.survey.pk, batch.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, w):
    response = client.get(reverse("surveys:imports", args=[w.survey.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_the_code_column_headers_need_no_question_text(w, login):
    client = login(w.alice)
    file = io.BytesIO(xlsx_bytes([SKM_CODES, [4.0] * 9]))
    file.name = "rekap.xlsx"
    client.post(reverse("surveys:imports", args=[w.survey.pk]), {"file": file})
    batch = ImportBatch.objects.get()
    assert batch.mapping == {str(i): f"q:{code}" for i, code in enumerate(SKM_CODES)}
