"""SP4N-LAPOR! files: import all or nothing, re-import changes nothing, export and round trip."""

import csv
import datetime as dt
import io
import json

import pytest
import time_machine

from mutu.complaints import lapor
from mutu.complaints.jobs import escalate_overdue
from mutu.complaints.lapor_adapter import FileExchangeAdapter, get_adapter
from mutu.complaints.models import Channel, Complaint, Deadline, Kind, Message, Stage, Status
from mutu.complaints.selectors_lapor import export_rows
from mutu.complaints.services import add_message, transition
from mutu.complaints.services_lapor import LaporImportError, import_lapor_file
from mutu.complaints.testing import make_complaint
from mutu.organisations.models import Instansi

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)
WITA = dt.timezone(dt.timedelta(hours=8))
HEADER = "Nomor Tracking,Judul,Isi Laporan,Jenis,Kategori,Tanggal Laporan,Status,Anonim,Rahasia\n"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def lapor_csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


GOOD = lapor_csv(
    "LAP-1001,Jalan rusak di Loktuan,Lubang besar di depan pasar,Pengaduan,Infrastruktur,2026-11-20 09:15:00,"
    "Belum Ditindaklanjuti,Tidak,Tidak",
    "LAP-1002,Usul loket disabilitas,Mohon tambah kursi roda,Aspirasi,Pelayanan Publik,20-11-2026 10:00,"
    "Proses,Ya,Tidak",
    'LAP-1003,"Biaya PBG?","Berapa biaya PBG, dan berapa lama?",Permintaan Informasi,,2026-11-21T08:00:00+08:00,,'
    "Tidak,Ya",
)


def do_import(w, content=GOOD, filename="lapor.csv", instansi=None):
    return import_lapor_file(instansi=instansi or w.bontang, content=content, filename=filename, by=w.verifier, now=NOW)


def test_an_import_creates_lapor_complaints_with_lapors_date_and_flags(complaint_world):
    w = complaint_world
    result = do_import(w)
    assert result.created == ["LAP-1001", "LAP-1002", "LAP-1003"] and not result.unchanged
    first = Complaint.objects.get(external_id="LAP-1001")
    assert first.channel == Channel.LAPOR and first.status == Status.SUBMITTED and first.instansi == w.bontang
    assert first.submitted_at == dt.datetime(2026, 11, 20, 9, 15, tzinfo=WITA)
    assert first.kind == Kind.COMPLAINT and not first.is_anonymous and not first.is_confidential
    second = Complaint.objects.get(external_id="LAP-1002")
    assert second.kind == Kind.ASPIRATION and second.is_anonymous
    third = Complaint.objects.get(external_id="LAP-1003")
    assert third.kind == Kind.INFORMATION and third.is_confidential
    assert third.description == "Berapa biaya PBG, dan berapa lama?"
    # The report keeps LAPOR!'s date, but our desk's clock starts at the import (Thu 26 Nov):
    # + 3 working days = Tue 1 Dec.
    verify = Deadline.objects.get(complaint=first, stage=Stage.VERIFY)
    assert verify.started_at == NOW
    assert verify.due_at.astimezone(WITA).date() == dt.date(2026, 12, 1)
    assert Deadline.objects.filter(complaint=third, stage=Stage.INFORMATION, started_at=NOW).exists()


def test_a_backlog_imported_late_does_not_escalate_on_arrival(complaint_world):
    w = complaint_world
    old = lapor_csv(
        "LAP-0901,Lampu jalan mati,Sudah dua bulan mati,Pengaduan,Infrastruktur,2026-09-01 08:00:00,"
        "Belum Ditindaklanjuti,Tidak,Tidak"
    )
    do_import(w, content=old)

    assert escalate_overdue(now=NOW).done == 0
    with time_machine.travel(NOW + dt.timedelta(days=7), tick=False):
        assert escalate_overdue(now=NOW + dt.timedelta(days=7)).done == 1


def test_reimporting_the_same_file_changes_nothing(complaint_world):
    w = complaint_world
    do_import(w)
    counts = (Complaint.objects.count(), Message.objects.count(), Deadline.objects.count())
    result = do_import(w)
    assert result.created == [] and result.unchanged == ["LAP-1001", "LAP-1002", "LAP-1003"]
    assert result.status_noted == []
    assert (Complaint.objects.count(), Message.objects.count(), Deadline.objects.count()) == counts


def test_a_changed_lapor_status_is_noted_once_and_never_regresses_ours(complaint_world):
    w = complaint_world
    do_import(w)
    complaint = Complaint.objects.get(external_id="LAP-1001")
    transition(
        complaint=complaint, to=Status.ARCHIVED, allowed_from=[Status.SUBMITTED], actor=w.verifier, action="archive"
    )
    changed = GOOD.replace(b"Belum Ditindaklanjuti", b"Selesai")
    result = do_import(w, changed)
    assert result.status_noted == ["LAP-1001"] and result.created == []
    complaint.refresh_from_db()
    assert complaint.status == Status.ARCHIVED
    note = Message.objects.get(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE)
    assert "Selesai" in note.body
    again = do_import(w, changed)
    assert again.status_noted == []
    assert Message.objects.filter(complaint=complaint, kind=Message.Kind.INTERNAL_NOTE).count() == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(complaint_world):
    w = complaint_world
    bad = lapor_csv(
        "LAP-2001,Baik,Isi yang benar,Pengaduan,,2026-11-20 09:15,,Tidak,Tidak",
        "LAP-2002,,Tanpa judul,Keluhan,,kemarin,Hilang,Mungkin,Tidak",
        "LAP-2001,Ganda,Nomor sama,Aspirasi,,2026-11-20,,,",
    )
    with pytest.raises(LaporImportError) as caught:
        do_import(w, bad)
    errors = {e.line: e for e in caught.value.row_errors}
    assert set(errors) == {3, 4}
    messages = " ".join(errors[3].messages)
    for expected in ("“Judul” is empty", "Jenis", "Tanggal Laporan", "not a SP4N-LAPOR! status", "Ya or Tidak"):
        assert expected in messages
    assert "already appears on line 2" in " ".join(errors[4].messages)
    assert not Complaint.objects.exists()


def test_a_file_without_the_required_columns_or_of_another_type_is_refused(complaint_world):
    w = complaint_world
    with pytest.raises(LaporImportError, match="lacks the column"):
        do_import(w, b"Judul,Isi\nA,B\n")
    with pytest.raises(LaporImportError, match=r"\.csv or \.json"):
        do_import(w, GOOD, filename="lapor.xlsx")
    with pytest.raises(LaporImportError, match="not valid JSON"):
        do_import(w, b"{nope", filename="lapor.json")
    with pytest.raises(LaporImportError, match="UTF-8"):
        do_import(w, "Nomor Tracking;Judul\n\xff".encode("latin-1"))
    assert not Complaint.objects.exists()


def test_json_and_semicolon_csv_are_read_too(complaint_world):
    w = complaint_world
    data = {
        "data": [
            {
                "Nomor Tracking": "LAP-3001",
                "Judul": "Lampu jalan mati",
                "Isi Laporan": "Sudah seminggu",
                "Jenis": "Pengaduan",
                "Tanggal Laporan": "2026-11-24 07:30:00",
                "Anonim": True,
                "Rahasia": False,
            }
        ]
    }
    assert do_import(w, json.dumps(data).encode(), filename="x.json").created == ["LAP-3001"]
    assert Complaint.objects.get(external_id="LAP-3001").is_anonymous
    semi = "Nomor Tracking;Judul;Isi Laporan;Jenis;Tanggal Laporan\nLAP-3002;A;B;Aspirasi;24/11/2026 08:00\n"
    assert do_import(w, semi.encode("utf-8-sig")).created == ["LAP-3002"]


def test_the_same_lapor_id_may_exist_in_another_instansi(complaint_world):
    w = complaint_world
    do_import(w)
    other = Instansi.objects.create(name="Pemerintah Kota Balikpapan", slug="balikpapan", timezone="Asia/Makassar")
    assert len(do_import(w, instansi=other).created) == 3
    assert Complaint.objects.filter(external_id="LAP-1001").count() == 2


def test_the_export_has_the_lapor_status_and_our_latest_public_reply_and_no_identity(complaint_world):
    w = complaint_world
    do_import(w)
    ours = make_complaint(w, title='=HYPERLINK("x")', is_anonymous=True)
    complaint = Complaint.objects.get(external_id="LAP-1001")
    transition(
        complaint=complaint,
        to=Status.IN_PROGRESS,
        allowed_from=[Status.SUBMITTED],
        actor=w.verifier,
        action="forward",
        unit=w.dpmptsp,
    )
    add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body="Tim sudah ke lokasi.", now=NOW)
    add_message(
        complaint=complaint,
        kind=Message.Kind.PUBLIC_REPLY,
        body="Jalan sudah ditambal.",
        now=NOW + dt.timedelta(hours=1),
    )
    add_message(
        complaint=complaint, kind=Message.Kind.INTERNAL_NOTE, body="Rahasia internal", now=NOW + dt.timedelta(hours=2)
    )
    rows = {r[lapor.TRACKING]: r for r in export_rows(user=w.verifier, instansi=w.bontang)}
    assert set(rows) == {"LAP-1001", "LAP-1002", "LAP-1003", ours.tracking_code}
    row = rows["LAP-1001"]
    assert row[lapor.STATUS] == "Proses"
    assert row[lapor.FOLLOW_UP] == "Jalan sudah ditambal."
    assert row[lapor.FOLLOW_UP_AT] == "2026-11-26 11:00:00"
    assert row[lapor.UNIT] == "DPMPTSP Kota Bontang"
    assert row[lapor.CATEGORY] == "Infrastruktur"
    assert rows[ours.tracking_code][lapor.STATUS] == "Belum Terverifikasi"
    content = lapor.build_csv(list(rows.values())).decode("utf-8-sig")
    assert "Siti" not in content and "siti@example.org" not in content
    assert "'=HYPERLINK" in content  # a spreadsheet must not run it
    assert export_rows(user=w.charlie, instansi=w.bontang) == []


def test_export_then_import_into_a_fresh_instansi_gives_the_same_rows(complaint_world):
    w = complaint_world
    do_import(w)
    make_complaint(
        w,
        title="-minus di depan",
        description='Teks dengan "kutip", koma\ndan baris baru',
        occurred_on=dt.date(2026, 11, 19),
    )
    fresh = Instansi.objects.create(name="Instansi Baru", slug="baru", timezone="Asia/Makassar")
    compared = [
        lapor.TRACKING,
        lapor.TITLE,
        lapor.TEXT,
        lapor.KIND,
        lapor.CATEGORY,
        lapor.REPORTED_AT,
        lapor.OCCURRED_ON,
        lapor.ANONYMOUS,
        lapor.CONFIDENTIAL,
    ]
    for fmt, build in (("csv", lapor.build_csv), ("json", lapor.build_json)):
        before = export_rows(user=w.superuser, instansi=w.bontang)
        target = fresh if fmt == "csv" else Instansi.objects.create(name="Lain", slug="lain", timezone="Asia/Makassar")
        result = do_import(w, build(before), filename=f"export.{fmt}", instansi=target)
        assert len(result.created) == 4
        after = export_rows(user=w.superuser, instansi=target)
        assert [[r[c] for c in compared] for r in after] == [[r[c] for c in compared] for r in before]
        assert all(r[lapor.STATUS] == "Belum Terverifikasi" for r in after)


def test_the_csv_export_reads_back_with_the_documented_header(complaint_world):
    w = complaint_world
    do_import(w)
    content = lapor.build_csv(export_rows(user=w.verifier, instansi=w.bontang))
    assert content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    assert reader.fieldnames == lapor.COLUMNS
    assert len(list(reader)) == 3


def test_the_file_exchange_adapter_is_the_configured_one_and_sends_nothing(complaint_world, settings):
    w = complaint_world
    adapter = get_adapter()
    assert isinstance(adapter, FileExchangeAdapter)
    parsed = adapter.fetch_reports(instansi=w.bontang, source=GOOD, filename="a.csv")
    assert [r.tracking_id for r in parsed.rows] == ["LAP-1001", "LAP-1002", "LAP-1003"]
    do_import(w)
    complaint = Complaint.objects.get(external_id="LAP-1001")
    row = adapter.post_follow_up(instansi=w.bontang, complaint=complaint, text="Sudah diperbaiki")
    assert row[lapor.TRACKING] == "LAP-1001" and row[lapor.FOLLOW_UP] == "Sudah diperbaiki"
    settings.LAPOR_ADAPTER = "mutu.complaints.lapor_adapter.FileExchangeAdapter"
    assert isinstance(get_adapter(), FileExchangeAdapter)


def test_the_export_query_count_does_not_grow_with_the_number_of_reports(complaint_world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = complaint_world
    do_import(w)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            export_rows(user=w.verifier, instansi=w.bontang)
        return len(ctx.captured_queries)

    first = make_complaint(w, title="Pertama")
    add_message(complaint=first, kind=Message.Kind.PUBLIC_REPLY, body="Balasan", now=NOW)
    count()  # the user's roles are cached after the first look
    few = count()
    for i in range(5):
        complaint = make_complaint(w, title=f"Tambahan {i}")
        add_message(complaint=complaint, kind=Message.Kind.PUBLIC_REPLY, body="Balasan", now=NOW)
    assert count() == few


def test_null_characters_in_a_file_are_dropped(complaint_world):
    w = complaint_world
    content = lapor_csv("LAP-4001,Judul\x00rusak,Isi\x00,Pengaduan,,2026-11-20 09:15,,Tidak,Tidak")
    assert do_import(w, content).created == ["LAP-4001"]
    assert Complaint.objects.get(external_id="LAP-4001").title == "Judulrusak"
