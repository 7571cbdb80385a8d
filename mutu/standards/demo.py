"""Demo service standards for the Bontang units: categories, services, versions, maklumat.

Run through ``manage.py seed_demo`` after ``mutu.organisations.demo``. Every row is keyed on
a natural key, so running the seed again changes nothing.

Decree numbers, officials' names (except the Kepala DPMPTSP named in the seed article) and
fee examples are invented for the demo; statutes are cited by their real numbers.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.contrib.auth import get_user_model

from mutu.organisations.demo import upsert
from mutu.organisations.models import Unit
from mutu.standards.models import (
    ConsultationParticipants,
    Maklumat,
    ProcedureStep,
    PublicConsultation,
    RequirementItem,
    Service,
    ServiceCategory,
    StandardVersion,
    TimeUnit,
)

WITA = zoneinfo.ZoneInfo("Asia/Makassar")
d = datetime.date


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=WITA)


MINUTES, HOURS, WORKING_DAYS = TimeUnit.MINUTES, TimeUnit.HOURS, TimeUnit.WORKING_DAYS

LAW_PUBLIC_SERVICE = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik; Peraturan Pemerintah Nomor 96 "
    "Tahun 2012 tentang Pelaksanaan UU Pelayanan Publik; Peraturan Menteri PANRB Nomor 15 Tahun "
    "2014 tentang Pedoman Standar Pelayanan"
)

# --- Components shared by all services of a unit --------------------------------------------

UNIT_COMMON = {
    "dpmptsp-bontang": {
        "complaint_handling": (
            "Pengaduan, saran dan masukan disampaikan melalui kanal resmi DPMPTSP Kota Bontang:\n"
            "1. formulir pengaduan di situs web https://dpmptsp.bontangkota.go.id;\n"
            "2. WhatsApp 0811-53-1515;\n"
            "3. Instagram @dpmptsp.bontang;\n"
            "4. SP4N-LAPOR! di https://www.lapor.go.id;\n"
            "5. datang langsung ke meja pengaduan Gerai DPMPTSP di MPP Bontang atau dengan surat.\n"
            "Sertakan identitas yang jelas serta bukti pendukung (dokumen atau foto). Pengaduan "
            "anonim tetap diterima, tetapi sulit ditindaklanjuti. Keluhan yang hanya ditulis di "
            "media sosial lain (misalnya grup Facebook) baru tercatat resmi setelah dicatat "
            "petugas. Pengaduan ditangani Bidang Pengaduan, Pengawasan dan Informasi Layanan dan "
            "dijawab paling lambat 5 hari kerja."
        ),
        "facilities": (
            "Gerai DPMPTSP di Mal Pelayanan Publik Bontang: ruang tunggu ber-AC, kios antrean dan "
            "layar panggilan, Loket Disabilitas (A3) dengan meja rendah dan kursi roda, ramp dan "
            "jalur pemandu, toilet difabel, ruang laktasi, area bermain anak, musala, komputer "
            "swalayan untuk OSS-RBA dan SIMBG, Wi-Fi, brosur standar pelayanan, papan ketentuan "
            "kompensasi pelayanan dan kotak saran."
        ),
        "internal_supervision": (
            "Pengawasan melekat oleh Kepala Bidang dan Kepala Dinas; pemantauan kepatuhan waktu "
            "layanan tiap bulan; Survei Kepuasan Masyarakat tiap semester; pemeriksaan oleh "
            "Inspektorat Kota Bontang."
        ),
        "service_guarantee": (
            "Pelayanan dijamin sesuai standar ini sebagaimana dinyatakan dalam Maklumat Pelayanan "
            "DPMPTSP Kota Bontang. Skema Kompensasi Pelayanan:\n"
            "1. pemohon yang menunggu lebih dari 10 menit tanpa informasi jelas dari petugas "
            "menerima permintaan maaf dan minuman;\n"
            "2. layanan yang tidak selesai dalam jangka waktu standar memberi pemohon souvenir "
            "atau prioritas layanan pada kunjungan berikutnya.\n"
            "Ketentuan kompensasi dipasang di meja layanan; setiap kejadian dicatat dan menjadi "
            "bahan evaluasi internal. Kompensasi ini janji layanan DPMPTSP, bukan ganti rugi "
            "menurut UU 25/2009 yang diputuskan melalui penanganan pengaduan atau Ombudsman."
        ),
        "safety_guarantee": (
            "Data pribadi pemohon dijaga sesuai Undang-Undang Nomor 27 Tahun 2022 tentang "
            "Pelindungan Data Pribadi dan hanya diakses petugas yang berwenang; dokumen "
            "ditandatangani secara elektronik dengan kode QR untuk memeriksa keasliannya; gedung "
            "dilengkapi APAR, jalur evakuasi, CCTV dan petugas keamanan."
        ),
        "staff_evaluation": (
            "Kinerja pelaksana dievaluasi tiap bulan oleh atasan langsung berdasarkan capaian "
            "waktu layanan, catatan kompensasi pelayanan, pengaduan dan hasil SKM; hasilnya "
            "menjadi dasar pembinaan, rotasi dan penghargaan pegawai."
        ),
    },
    "disdukcapil-bontang": {
        "complaint_handling": (
            "Pengaduan, saran dan masukan disampaikan melalui formulir pengaduan daring pada laman "
            "standar pelayanan ini, SP4N-LAPOR! di https://www.lapor.go.id, kotak saran, atau "
            "langsung ke meja pengaduan di Kantor Disdukcapil maupun Gerai Disdukcapil MPP "
            "Bontang. Pengaduan dijawab paling lambat 5 hari kerja."
        ),
        "facilities": (
            "Ruang tunggu ber-AC, mesin antrean, loket prioritas bagi lansia, penyandang "
            "disabilitas dan ibu hamil, alat perekaman biometrik (kamera, pemindai sidik jari dan "
            "iris), printer KTP-el dan KIA, kursi roda, toilet difabel dan ruang laktasi."
        ),
        "internal_supervision": (
            "Pengawasan melekat oleh Kepala Bidang Pelayanan Pendaftaran Penduduk / Pencatatan "
            "Sipil dan Kepala Dinas; rekapitulasi harian dokumen terbit dari SIAK; pemeriksaan "
            "oleh Inspektorat Kota Bontang."
        ),
        "service_guarantee": (
            "Dokumen kependudukan diterbitkan tanpa biaya dan sesuai jangka waktu standar ini, "
            "sebagaimana dinyatakan dalam Maklumat Pelayanan Disdukcapil Kota Bontang."
        ),
        "safety_guarantee": (
            "Data kependudukan dilindungi sesuai UU 24/2013 dan UU 27/2022; akses SIAK hanya "
            "dengan hak akses petugas; blangko KTP-el disimpan dan dicatat pemakaiannya; gedung "
            "dilengkapi APAR dan CCTV."
        ),
        "staff_evaluation": (
            "Evaluasi bulanan atas jumlah dokumen terbit, ketepatan waktu dan pengaduan; hasil SKM "
            "tiap semester dibahas dalam rapat evaluasi pelayanan."
        ),
    },
    "puskesmas-bontang-utara-1": {
        "complaint_handling": (
            "Pengaduan, saran dan masukan disampaikan melalui formulir pengaduan daring pada laman "
            "standar pelayanan ini, kotak saran di ruang tunggu, SP4N-LAPOR! di "
            "https://www.lapor.go.id, atau langsung kepada petugas pengaduan puskesmas. Pengaduan "
            "dijawab paling lambat 5 hari kerja."
        ),
        "facilities": (
            "Ruang pendaftaran dengan loket prioritas, ruang tunggu, ruang skrining, ruang poli "
            "umum, ruang KIA/KB, ruang imunisasi dengan lemari pendingin vaksin, laboratorium "
            "sederhana, apotek, kursi roda, ramp dan toilet difabel."
        ),
        "internal_supervision": (
            "Pengawasan oleh Kepala Puskesmas dan penanggung jawab mutu; audit internal mutu "
            "puskesmas; pembinaan oleh Dinas Kesehatan Kota Bontang."
        ),
        "service_guarantee": (
            "Pelayanan diberikan sesuai standar ini dan standar profesi, sebagaimana dinyatakan "
            "dalam Maklumat Pelayanan UPT Puskesmas Bontang Utara I."
        ),
        "safety_guarantee": (
            "Rahasia medis dijaga sesuai peraturan perundang-undangan; pencegahan dan pengendalian "
            "infeksi; obat dan vaksin disimpan sesuai standar; APAR dan jalur evakuasi tersedia."
        ),
        "staff_evaluation": (
            "Penilaian kinerja tenaga kesehatan tiap bulan, indikator mutu puskesmas dan hasil SKM "
            "tiap semester dibahas dalam lokakarya mini."
        ),
    },
    "bpjs-kesehatan-bontang": {
        "complaint_handling": (
            "Pengaduan, saran dan masukan disampaikan melalui BPJS Kesehatan Care Center 165, "
            "aplikasi Mobile JKN, SP4N-LAPOR! di https://www.lapor.go.id, atau langsung ke petugas "
            "Gerai BPJS Kesehatan di MPP Bontang."
        ),
        "facilities": (
            "Gerai BPJS Kesehatan di MPP Bontang: loket C1, ruang tunggu bersama, komputer untuk "
            "pendaftaran Mobile JKN, fasilitas disabilitas MPP."
        ),
        "internal_supervision": ("Pengawasan oleh Kepala Kantor Cabang Bontang dan Satuan Pengawas Internal."),
        "service_guarantee": ("Pelayanan administrasi kepesertaan tanpa biaya dan sesuai standar ini."),
        "safety_guarantee": ("Data peserta dijaga kerahasiaannya sesuai UU 27/2022 tentang Pelindungan Data Pribadi."),
        "staff_evaluation": (
            "Evaluasi kinerja petugas tiap bulan berdasarkan waktu layanan dan survei kepuasan peserta."
        ),
    },
    "kantah-bontang": {
        "complaint_handling": (
            "Pengaduan, saran dan masukan disampaikan melalui kanal pengaduan resmi Kementerian "
            "ATR/BPN, SP4N-LAPOR! di https://www.lapor.go.id, atau langsung ke loket pengaduan "
            "Kantor Pertanahan Kota Bontang maupun Gerai Kantor Pertanahan di MPP Bontang."
        ),
        "facilities": (
            "Gerai Kantor Pertanahan di MPP Bontang (loket D1 dan D2) dan loket di kantor; ruang "
            "tunggu, komputer informasi layanan pertanahan, fasilitas disabilitas MPP."
        ),
        "internal_supervision": (
            "Pengawasan oleh Kepala Kantor dan Kepala Seksi; pemeriksaan Inspektorat Jenderal ATR/BPN."
        ),
        "service_guarantee": (
            "Pelayanan sesuai standar ini; tarif hanya sesuai PNBP yang berlaku, dibayar melalui bank persepsi."
        ),
        "safety_guarantee": (
            "Sertipikat dan warkah disimpan di ruang arsip berpengaman; dokumen elektronik "
            "ditandatangani secara elektronik; data pemohon dijaga kerahasiaannya."
        ),
        "staff_evaluation": ("Evaluasi bulanan atas ketepatan waktu penyelesaian berkas dan pengaduan."),
    },
}

LEGAL_DUKCAPIL = (
    "Undang-Undang Nomor 23 Tahun 2006 tentang Administrasi Kependudukan "
    "sebagaimana telah diubah dengan Undang-Undang Nomor 24 Tahun 2013; "
    "Peraturan Presiden Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara "
    "Pendaftaran Penduduk dan Pencatatan Sipil; Peraturan Menteri Dalam "
    "Negeri Nomor 19 Tahun 2018 tentang Peningkatan Kualitas Layanan "
    "Administrasi Kependudukan; Peraturan Menteri Dalam Negeri Nomor 108 "
    "Tahun 2019; " + LAW_PUBLIC_SERVICE
)
FREE_DUKCAPIL = "Tidak dipungut biaya (Pasal 79A Undang-Undang Nomor 24 Tahun 2013)."

# --- Services --------------------------------------------------------------------------------

CATEGORIES = {
    "dpmptsp-bontang": [
        "Bangunan Gedung",
        "Perizinan Berusaha",
        "Perizinan Kesehatan",
        "Perizinan Non-Berusaha",
    ],
    "disdukcapil-bontang": ["Pendaftaran Penduduk", "Pencatatan Sipil"],
    "puskesmas-bontang-utara-1": ["Pelayanan Kesehatan"],
    "bpjs-kesehatan-bontang": ["Kepesertaan JKN"],
    "kantah-bontang": ["Pendaftaran Tanah"],
}

# Default version: v1 published at the start of 2025.
V1_2025 = {
    "number": 1,
    "decree_date": d(2024, 12, 20),
    "published_on": d(2024, 12, 23),
    "effective_date": d(2025, 1, 2),
    "next_review_date": d(2027, 12, 31),
}

PBG_REQUIREMENTS_V2 = [
    "Bukti kepemilikan hak atas tanah (sertipikat) atau perjanjian pemanfaatan tanah dengan pemilik tanah",
    "Data umum bangunan gedung: fungsi, luas lantai, jumlah lantai, ketinggian",
    "Dokumen rencana teknis (arsitektur, struktur, mekanikal-elektrikal-plambing) yang "
    "ditandatangani perencana bersertifikat; rumah tinggal sederhana dapat memakai desain "
    "prototipe",
    "Kesesuaian Kegiatan Pemanfaatan Ruang (KKPR) atau Keterangan Rencana Kota (KRK)",
    "Persetujuan Lingkungan (SPPL, UKL-UPL atau AMDAL) sesuai tingkat risiko",
    "Bukti pembayaran Pajak Bumi dan Bangunan (PBB) tahun berjalan",
]
PBG_PROCEDURE_V1 = [
    "Pemohon mendaftar dan mengisi permohonan di SIMBG (simbg.pu.go.id), atau dibantu petugas di "
    "Gerai DPMPTSP MPP Bontang",
    "Petugas memeriksa kelengkapan dokumen administrasi dan teknis",
    "Konsultasi perencanaan dan penilaian dokumen teknis oleh Tim Profesi Ahli / Tim Penilai Teknis",
    "Penerbitan Surat Pernyataan Pemenuhan Standar Teknis dan perhitungan retribusi (SKRD)",
    "Pemohon membayar retribusi PBG melalui bank atau kanal pembayaran daerah",
    "PBG ditandatangani secara elektronik dan diterbitkan di SIMBG; pemohon mengunduh dokumen PBG dan lampirannya",
]
PBG_PROCEDURE_V2 = [
    *PBG_PROCEDURE_V1[:2],
    "Konsultasi perencanaan dijadwalkan paling lambat 3 hari kerja setelah dokumen lengkap; "
    "penilaian dokumen teknis oleh Tim Profesi Ahli / Tim Penilai Teknis",
    *PBG_PROCEDURE_V1[3:],
]
PBG_COMMON = {
    "fee_kind": "tariff",
    "fee_amount": None,
    "fee_legal_basis": (
        "Retribusi PBG menurut Peraturan Daerah Kota Bontang tentang Pajak Daerah dan Retribusi "
        "Daerah (Undang-Undang Nomor 1 Tahun 2022 tentang HKPD; PP Nomor 35 Tahun 2023). Besarnya "
        "dihitung per bangunan: luas total lantai × indeks lokalitas × standar harga satuan "
        "tertinggi × indeks terintegrasi, dan ditetapkan dalam SKRD."
    ),
    "product": (
        "Persetujuan Bangunan Gedung (PBG) beserta lampiran dokumen teknis, diterbitkan elektronik melalui SIMBG"
    ),
    "legal_basis": (
        "Undang-Undang Nomor 28 Tahun 2002 tentang Bangunan Gedung "
        "sebagaimana telah diubah dengan Undang-Undang Nomor 6 Tahun 2023 "
        "tentang Penetapan Perppu Nomor 2 Tahun 2022 tentang Cipta Kerja "
        "menjadi Undang-Undang; Peraturan Pemerintah Nomor 16 Tahun 2021 "
        "tentang Peraturan Pelaksanaan UU Bangunan Gedung; Peraturan Daerah "
        "Kota Bontang tentang Pajak Daerah dan Retribusi Daerah; " + LAW_PUBLIC_SERVICE
    ),
    "staff_competence": (
        "Petugas front office memahami SIMBG dan persyaratan PBG; verifikator berlatar teknik "
        "sipil atau arsitektur; Tim Profesi Ahli bersertifikat keahlian."
    ),
    "staff_count": ("2 petugas front office, 2 verifikator teknis, 1 pejabat penanda tangan (Kepala Dinas)"),
}

SERVICES = [
    # ---------------------------------------------------------------- DPMPTSP
    {
        "unit": "dpmptsp-bontang",
        "category": "Bangunan Gedung",
        "slug": "pbg",
        "name": "Persetujuan Bangunan Gedung (PBG)",
        "summary": ("Persetujuan untuk membangun baru, mengubah, memperluas atau merawat bangunan gedung."),
        "national_system": "SIMBG",
        "versions": [
            {
                **PBG_COMMON,
                "number": 1,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/014/DPMPTSP/II/2024"),
                "decree_date": d(2024, 2, 20),
                "published_on": d(2024, 2, 22),
                "effective_date": d(2024, 3, 1),
                "next_review_date": d(2025, 3, 1),
                "counter_time_minutes": 30,
                "completion_time_value": 28,
                "completion_time_unit": WORKING_DAYS,
                "requirements": [
                    "Fotokopi KTP-el pemohon atau pemilik bangunan",
                    *PBG_REQUIREMENTS_V2,
                ],
                "procedure": PBG_PROCEDURE_V1,
            },
            {
                **PBG_COMMON,
                "number": 2,
                "change_summary": (
                    "Waktu penyelesaian dipersingkat dari 28 menjadi 18 hari kerja; fotokopi "
                    "KTP-el tidak lagi diminta karena NIK diverifikasi di SIMBG; konsultasi "
                    "dijadwalkan paling lambat 3 hari kerja."
                ),
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/041/DPMPTSP/VI/2025"),
                "decree_date": d(2025, 6, 16),
                "published_on": d(2025, 6, 18),
                "effective_date": d(2025, 7, 1),
                "next_review_date": d(2026, 12, 31),
                "counter_time_minutes": 20,
                "completion_time_value": 18,
                "completion_time_unit": WORKING_DAYS,
                "requirements": PBG_REQUIREMENTS_V2,
                "procedure": PBG_PROCEDURE_V2,
            },
            {
                **PBG_COMMON,
                "number": 3,
                "draft": True,
                "created_at": at(d(2026, 11, 2), 10),
                "change_summary": (
                    "Rancangan: konsultasi perencanaan daring melalui SIMBG, waktu penyelesaian 18 "
                    "→ 15 hari kerja; bahan forum konsultasi publik 2026."
                ),
                "counter_time_minutes": 20,
                "completion_time_value": 15,
                "completion_time_unit": WORKING_DAYS,
                "requirements": PBG_REQUIREMENTS_V2,
                "procedure": [
                    *PBG_PROCEDURE_V1[:2],
                    "Konsultasi perencanaan secara daring melalui SIMBG paling lambat 2 hari "
                    "kerja setelah dokumen lengkap; penilaian dokumen teknis oleh Tim Profesi Ahli",
                    *PBG_PROCEDURE_V1[3:],
                ],
            },
        ],
    },
    {
        "unit": "dpmptsp-bontang",
        "category": "Perizinan Berusaha",
        "slug": "nib",
        "name": "Nomor Induk Berusaha (NIB)",
        "summary": ("Identitas pelaku usaha yang diterbitkan melalui OSS-RBA, dengan pendampingan di gerai."),
        "national_system": "OSS-RBA",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/088/DPMPTSP/XII/2024"),
                "counter_time_minutes": 20,
                "completion_time_value": 60,
                "completion_time_unit": MINUTES,
                "fee_kind": "free",
                "fee_legal_basis": "Tidak dipungut biaya.",
                "product": ("Nomor Induk Berusaha (NIB) yang diterbitkan sistem OSS dan dapat diunduh pemohon"),
                "legal_basis": (
                    "Undang-Undang Nomor 6 Tahun 2023 tentang Cipta Kerja; Peraturan Pemerintah "
                    "Nomor 28 Tahun 2025 tentang Penyelenggaraan Perizinan Berusaha Berbasis "
                    "Risiko; Peraturan Presiden Nomor 97 Tahun 2014 tentang Penyelenggaraan PTSP; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Petugas front office terlatih OSS-RBA dan klasifikasi KBLI 2020."),
                "staff_count": "3 petugas front office pendamping OSS-RBA",
                "requirements": [
                    "NIK pada KTP-el pelaku usaha (NIK yang telah dipadankan sebagai NPWP)",
                    "Alamat email dan nomor telepon seluler yang aktif",
                    "Data kegiatan usaha: KBLI, lokasi usaha, modal usaha dan jumlah tenaga kerja",
                    "Bagi badan usaha: akta pendirian dan SK pengesahan Kementerian Hukum",
                ],
                "procedure": [
                    "Pemohon membuat hak akses di oss.go.id, mandiri atau dibantu petugas gerai",
                    "Pemohon mengisi data pelaku usaha dan kegiatan usaha (KBLI, lokasi, skala usaha)",
                    "Sistem OSS menentukan tingkat risiko kegiatan usaha",
                    "Pemohon menyetujui pernyataan mandiri",
                    "NIB terbit di OSS dan diunduh pemohon; usaha berisiko menengah atau tinggi "
                    "dilanjutkan ke Sertifikat Standar atau Izin",
                ],
            }
        ],
    },
    {
        "unit": "dpmptsp-bontang",
        "category": "Perizinan Kesehatan",
        "slug": "sip-dokter",
        "name": "Surat Izin Praktik Dokter (SIP Dokter)",
        "summary": ("Izin praktik dokter dan dokter gigi di fasilitas pelayanan kesehatan di Kota Bontang."),
        "national_system": "SiCantik",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/089/DPMPTSP/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 5,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": "Tidak dipungut biaya.",
                "product": "Surat Izin Praktik (SIP) Dokter bertanda tangan elektronik",
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; Peraturan Pemerintah "
                    "Nomor 28 Tahun 2024 tentang Peraturan Pelaksanaan UU Kesehatan; Peraturan "
                    "Wali Kota Bontang tentang pendelegasian kewenangan perizinan kepada Kepala "
                    "DPMPTSP; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Petugas memahami regulasi tenaga medis; verifikasi teknis oleh Dinas Kesehatan."),
                "staff_count": ("1 petugas front office, 1 verifikator, 1 tim teknis Dinas Kesehatan"),
                "requirements": [
                    "KTP-el dokter",
                    "Surat Tanda Registrasi (STR) yang berlaku",
                    "Surat keterangan dari pimpinan fasilitas pelayanan kesehatan tempat praktik",
                    "Surat pernyataan jumlah tempat praktik (paling banyak tiga)",
                    "Pas foto berwarna terbaru ukuran 4×6",
                ],
                "procedure": [
                    "Pemohon mengajukan permohonan melalui SiCantik atau di Gerai DPMPTSP",
                    "Petugas memverifikasi kelengkapan dokumen",
                    "Tim teknis Dinas Kesehatan memeriksa tempat praktik bila diperlukan",
                    "SIP ditandatangani secara elektronik oleh Kepala DPMPTSP",
                    "SIP dikirim ke akun pemohon atau diambil di gerai",
                ],
            }
        ],
    },
    {
        "unit": "dpmptsp-bontang",
        "category": "Perizinan Kesehatan",
        "slug": "sip-bidan",
        "name": "Surat Izin Praktik Bidan (SIPB)",
        "summary": ("Izin praktik bidan di fasilitas pelayanan kesehatan atau tempat praktik mandiri."),
        "national_system": "SiCantik",
        "versions": [
            {
                # Overdue for review on purpose: the review date has passed.
                "number": 1,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/016/DPMPTSP/II/2024"),
                "decree_date": d(2024, 2, 20),
                "published_on": d(2024, 2, 22),
                "effective_date": d(2024, 3, 1),
                "next_review_date": d(2025, 6, 30),
                "counter_time_minutes": 15,
                "completion_time_value": 5,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": "Tidak dipungut biaya.",
                "product": "Surat Izin Praktik Bidan (SIPB) bertanda tangan elektronik",
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; Peraturan Menteri "
                    "Kesehatan Nomor 28 Tahun 2017 tentang Izin dan Penyelenggaraan Praktik Bidan; "
                    + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": (
                    "Petugas memahami regulasi tenaga kesehatan; verifikasi teknis oleh Dinas Kesehatan."
                ),
                "staff_count": "1 petugas front office, 1 verifikator",
                "requirements": [
                    "KTP-el bidan",
                    "Surat Tanda Registrasi Bidan (STRB) yang berlaku",
                    "Surat keterangan dari pimpinan fasilitas pelayanan kesehatan atau denah tempat praktik mandiri",
                    "Pas foto berwarna terbaru ukuran 4×6",
                ],
                "procedure": [
                    "Pemohon mengajukan permohonan melalui SiCantik atau di Gerai DPMPTSP",
                    "Petugas memverifikasi kelengkapan dokumen",
                    "Pemeriksaan tempat praktik mandiri oleh tim teknis Dinas Kesehatan",
                    "SIPB ditandatangani secara elektronik dan diserahkan kepada pemohon",
                ],
            }
        ],
    },
    {
        "unit": "dpmptsp-bontang",
        "category": "Perizinan Kesehatan",
        "slug": "apotek",
        "name": "Perizinan Berusaha Apotek (Sertifikat Standar)",
        "summary": ("Sertifikat Standar apotek melalui OSS-RBA dengan verifikasi teknis Dinas Kesehatan."),
        "national_system": "OSS-RBA",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/090/DPMPTSP/XII/2024"),
                "counter_time_minutes": 20,
                "completion_time_value": 12,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": "Tidak dipungut biaya.",
                "product": "Sertifikat Standar Apotek yang telah diverifikasi, terbit di OSS",
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; "
                    "Peraturan Pemerintah Nomor 28 Tahun 2025 tentang "
                    "Penyelenggaraan Perizinan Berusaha Berbasis Risiko; "
                    "Peraturan Menteri Kesehatan Nomor 14 Tahun 2021 tentang "
                    "Standar Kegiatan Usaha dan Produk pada Penyelenggaraan "
                    "Perizinan Berusaha Berbasis Risiko Sektor Kesehatan; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Petugas terlatih OSS-RBA; verifikator apoteker dari Dinas Kesehatan."),
                "staff_count": "1 petugas front office, 1 tim verifikasi lapangan",
                "requirements": [
                    "NIB dengan KBLI 47722 (perdagangan eceran barang farmasi di apotek)",
                    "Surat Izin Praktik Apoteker (SIPA) apoteker penanggung jawab",
                    "Denah bangunan, daftar sarana, prasarana dan peralatan",
                    "Bukti penguasaan tempat usaha (sertipikat atau perjanjian sewa)",
                    "Daftar tenaga kefarmasian",
                ],
                "procedure": [
                    "Pelaku usaha mengajukan Sertifikat Standar melalui OSS-RBA",
                    "DPMPTSP memeriksa kelengkapan dokumen",
                    "Tim teknis Dinas Kesehatan melakukan verifikasi lapangan",
                    "Hasil verifikasi dicatat dan Sertifikat Standar disetujui di OSS",
                    "Pelaku usaha mengunduh Sertifikat Standar yang telah terverifikasi",
                ],
            }
        ],
    },
    {
        "unit": "dpmptsp-bontang",
        "category": "Perizinan Non-Berusaha",
        "slug": "reklame",
        "name": "Izin Penyelenggaraan Reklame",
        "summary": "Izin memasang reklame papan, billboard, baliho atau megatron di Kota Bontang.",
        "national_system": "SiCantik",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala DPMPTSP Kota Bontang Nomor 500.16/091/DPMPTSP/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 5,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": (
                    "Izin tidak dipungut biaya. Pajak reklame ditetapkan dan dipungut terpisah "
                    "oleh Badan Pendapatan Daerah sesuai Undang-Undang Nomor 1 Tahun 2022 dan "
                    "Perda Kota Bontang tentang Pajak Daerah dan Retribusi Daerah."
                ),
                "product": "Izin Penyelenggaraan Reklame bertanda tangan elektronik",
                "legal_basis": (
                    "Undang-Undang Nomor 1 Tahun 2022 tentang Hubungan "
                    "Keuangan antara Pemerintah Pusat dan Pemerintahan "
                    "Daerah; Peraturan Daerah Kota Bontang tentang Pajak "
                    "Daerah dan Retribusi Daerah; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": (
                    "Petugas memahami ketentuan titik reklame; tim teknis lintas OPD (DPUPR, Bapenda)."
                ),
                "staff_count": "1 petugas front office, 1 verifikator, tim teknis survei lokasi",
                "requirements": [
                    "KTP-el pemohon; NIB atau akta pendirian bagi badan usaha",
                    "Desain reklame beserta ukuran dan titik lokasi (koordinat dan foto lokasi)",
                    "Surat izin pemilik lahan atau bangunan tempat reklame dipasang",
                    "Gambar konstruksi dan perhitungan struktur untuk reklame berkonstruksi",
                    "Bukti lunas pajak reklame periode sebelumnya (untuk perpanjangan)",
                ],
                "procedure": [
                    "Pemohon mengajukan permohonan melalui SiCantik atau di Gerai DPMPTSP",
                    "Petugas memverifikasi kelengkapan dokumen",
                    "Tim teknis melakukan survei titik lokasi",
                    "Badan Pendapatan Daerah menetapkan pajak reklame dan pemohon membayarnya",
                    "Izin diterbitkan secara elektronik",
                ],
            }
        ],
    },
    # ------------------------------------------------------------- Disdukcapil
    {
        "unit": "disdukcapil-bontang",
        "category": "Pendaftaran Penduduk",
        "slug": "ktp-el",
        "name": "Kartu Tanda Penduduk Elektronik (KTP-el)",
        "summary": ("Perekaman dan pencetakan KTP-el baru, penggantian karena rusak, hilang atau perubahan data."),
        "versions": [
            {
                "number": 1,
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/007/DKPS/I/2024"),
                "decree_date": d(2024, 1, 8),
                "published_on": d(2024, 1, 10),
                "effective_date": d(2024, 1, 15),
                "next_review_date": d(2025, 1, 15),
                "counter_time_minutes": 20,
                "completion_time_value": 1,
                "completion_time_unit": WORKING_DAYS,
                "requirements": [
                    "Telah berusia 17 tahun, sudah kawin atau pernah kawin",
                    "Fotokopi Kartu Keluarga",
                    "Surat pengantar dari RT dan kelurahan",
                    "KTP-el lama (untuk penggantian rusak atau perubahan data) atau surat "
                    "keterangan kehilangan dari kepolisian",
                ],
            },
            {
                "number": 2,
                "change_summary": (
                    "Surat pengantar RT dan kelurahan tidak lagi diminta; fotokopi KK diganti "
                    "pemeriksaan NIK di SIAK; waktu di loket 20 → 15 menit; selesai dalam 1 jam."
                ),
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/019/DKPS/II/2025"),
                "decree_date": d(2025, 2, 17),
                "published_on": d(2025, 2, 19),
                "effective_date": d(2025, 3, 3),
                "next_review_date": d(2027, 3, 3),
                "counter_time_minutes": 15,
                "completion_time_value": 1,
                "completion_time_unit": HOURS,
                "requirements": [
                    "Telah berusia 17 tahun, sudah kawin atau pernah kawin",
                    "Menyebutkan NIK atau membawa Kartu Keluarga (tanpa fotokopi)",
                    "KTP-el lama (untuk penggantian rusak atau perubahan data) atau surat "
                    "keterangan kehilangan dari kepolisian",
                ],
            },
        ],
        "common": {
            "fee_kind": "free",
            "fee_legal_basis": FREE_DUKCAPIL,
            "product": "KTP-el",
            "legal_basis": LEGAL_DUKCAPIL,
            "staff_competence": ("Operator SIAK bersertifikat; petugas perekaman biometrik terlatih."),
            "staff_count": "3 petugas loket, 2 operator perekaman, 1 operator pencetakan",
            "procedure": [
                "Pemohon mengambil nomor antrean",
                "Petugas memeriksa data NIK di SIAK",
                "Perekaman biometrik (foto, sidik jari, iris, tanda tangan) bagi yang belum merekam",
                "Verifikasi data dan pencetakan KTP-el",
                "KTP-el diserahkan dan diperiksa kebenarannya oleh pemohon",
            ],
        },
    },
    {
        "unit": "disdukcapil-bontang",
        "category": "Pendaftaran Penduduk",
        "slug": "kartu-keluarga",
        "name": "Kartu Keluarga (KK)",
        "summary": "Penerbitan KK baru, perubahan susunan keluarga atau perubahan data.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/101/DKPS/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 1,
                "completion_time_unit": HOURS,
                "fee_kind": "free",
                "fee_legal_basis": FREE_DUKCAPIL,
                "product": (
                    "Kartu Keluarga yang dicetak atau dikirim dalam bentuk elektronik (PDF bertanda tangan elektronik)"
                ),
                "legal_basis": LEGAL_DUKCAPIL,
                "staff_competence": "Operator SIAK bersertifikat.",
                "staff_count": "3 petugas loket",
                "requirements": [
                    "Formulir biodata keluarga (F-1.01) yang telah diisi",
                    "Kartu Keluarga lama (untuk perubahan data)",
                    "Buku nikah atau akta perkawinan (untuk KK baru pasangan menikah)",
                    "Surat keterangan pindah (bagi penduduk pindah datang)",
                ],
                "procedure": [
                    "Pemohon mengambil nomor antrean dan menyerahkan formulir",
                    "Petugas memverifikasi data di SIAK",
                    "Perubahan data direkam dan KK diterbitkan",
                    "KK diserahkan atau dikirim ke alamat email pemohon",
                ],
            }
        ],
    },
    {
        "unit": "disdukcapil-bontang",
        "category": "Pencatatan Sipil",
        "slug": "akta-kelahiran",
        "name": "Akta Kelahiran",
        "summary": "Pencatatan kelahiran dan penerbitan kutipan akta kelahiran.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/102/DKPS/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 1,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": FREE_DUKCAPIL,
                "product": "Kutipan Akta Kelahiran dan KK yang telah dimutakhirkan",
                "legal_basis": LEGAL_DUKCAPIL,
                "staff_competence": "Petugas pencatatan sipil memahami Perpres 96/2018 dan SPTJM.",
                "staff_count": "2 petugas loket, 1 pejabat pencatatan sipil",
                "requirements": [
                    "Surat keterangan kelahiran dari rumah sakit, puskesmas atau bidan",
                    "Buku nikah atau akta perkawinan orang tua, atau Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)",
                    "Kartu Keluarga tempat anak didaftarkan",
                    "KTP-el orang tua",
                ],
                "procedure": [
                    "Pemohon mengisi formulir pelaporan kelahiran di loket atau daring",
                    "Petugas memverifikasi dokumen dan data di SIAK",
                    "Pejabat pencatatan sipil menandatangani akta secara elektronik",
                    "Akta kelahiran dan KK baru diserahkan kepada pemohon",
                ],
            }
        ],
    },
    {
        "unit": "disdukcapil-bontang",
        "category": "Pendaftaran Penduduk",
        "slug": "kia",
        "name": "Kartu Identitas Anak (KIA)",
        "summary": "Kartu identitas untuk anak di bawah 17 tahun.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/103/DKPS/XII/2024"),
                "counter_time_minutes": 10,
                "completion_time_value": 1,
                "completion_time_unit": HOURS,
                "fee_kind": "free",
                "fee_legal_basis": FREE_DUKCAPIL,
                "product": "Kartu Identitas Anak (KIA)",
                "legal_basis": (
                    "Peraturan Menteri Dalam Negeri Nomor 2 Tahun 2016 tentang Kartu Identitas Anak; " + LEGAL_DUKCAPIL
                ),
                "staff_competence": "Operator SIAK bersertifikat.",
                "staff_count": "2 petugas loket",
                "requirements": [
                    "Kutipan akta kelahiran anak",
                    "Kartu Keluarga orang tua",
                    "KTP-el kedua orang tua atau wali",
                    "Pas foto berwarna anak ukuran 2×3 (untuk anak berusia 5 tahun ke atas)",
                ],
                "procedure": [
                    "Orang tua mengambil nomor antrean dan menyerahkan dokumen",
                    "Petugas memverifikasi data anak di SIAK",
                    "KIA dicetak dan diserahkan kepada orang tua",
                ],
            }
        ],
    },
    {
        "unit": "disdukcapil-bontang",
        "category": "Pendaftaran Penduduk",
        "slug": "pindah-datang",
        "name": "Pindah Datang Penduduk",
        "summary": "Pendaftaran penduduk yang datang dari kabupaten/kota lain dengan SKPWNI.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Disdukcapil Kota Bontang Nomor 470/104/DKPS/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 1,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "free",
                "fee_legal_basis": FREE_DUKCAPIL,
                "product": "Kartu Keluarga baru dan KTP-el dengan alamat Kota Bontang",
                "legal_basis": LEGAL_DUKCAPIL,
                "staff_competence": "Operator SIAK bersertifikat.",
                "staff_count": "2 petugas loket",
                "requirements": [
                    "Surat Keterangan Pindah Warga Negara Indonesia (SKPWNI) dari daerah asal",
                    "KTP-el yang masih berlaku",
                    "Buku nikah atau akta perkawinan (bila pindah bersama keluarga)",
                ],
                "procedure": [
                    "Pemohon menyerahkan SKPWNI di loket",
                    "Petugas memverifikasi SKPWNI di SIAK",
                    "Data kedatangan direkam; KK dan KTP-el baru diterbitkan",
                    "Dokumen diserahkan kepada pemohon",
                ],
            }
        ],
    },
    # --------------------------------------------------------------- Puskesmas
    {
        "unit": "puskesmas-bontang-utara-1",
        "category": "Pelayanan Kesehatan",
        "slug": "poli-umum",
        "name": "Pelayanan Poli Umum",
        "summary": "Pemeriksaan dan pengobatan umum oleh dokter.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala UPT Puskesmas Bontang Utara I Nomor 445/012/PKM-BU1/XII/2024"),
                "counter_time_minutes": 5,
                "completion_time_value": 90,
                "completion_time_unit": MINUTES,
                "fee_kind": "fixed",
                "fee_amount": 15_000,
                "fee_legal_basis": (
                    "Retribusi pelayanan kesehatan bagi pasien umum menurut Peraturan Daerah Kota "
                    "Bontang tentang Pajak Daerah dan Retribusi Daerah. Peserta JKN (BPJS "
                    "Kesehatan) yang aktif tidak dipungut biaya."
                ),
                "product": (
                    "Pemeriksaan, diagnosis, resep obat, dan bila perlu surat rujukan atau surat keterangan sehat"
                ),
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; "
                    "Peraturan Menteri Kesehatan Nomor 19 Tahun 2024 tentang "
                    "Penyelenggaraan Pusat Kesehatan Masyarakat; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Dokter ber-STR dan SIP; perawat ber-STR; petugas pendaftaran terlatih P-Care."),
                "staff_count": "2 dokter, 3 perawat, 2 petugas pendaftaran",
                "requirements": [
                    "KTP-el, KIA atau NIK pasien",
                    "Kartu JKN atau NIK bagi peserta JKN",
                    "Buku berobat lama (bila ada)",
                ],
                "procedure": [
                    "Pasien mengambil nomor antrean; lansia, ibu hamil, penyandang disabilitas "
                    "dan anak dilayani di loket prioritas P2",
                    "Pendaftaran dan pemeriksaan status kepesertaan JKN",
                    "Pemeriksaan tanda vital di ruang skrining",
                    "Pemeriksaan oleh dokter di poli umum",
                    "Pengambilan obat di apotek puskesmas atau penerimaan surat rujukan",
                ],
            }
        ],
    },
    {
        "unit": "puskesmas-bontang-utara-1",
        "category": "Pelayanan Kesehatan",
        "slug": "imunisasi",
        "name": "Pelayanan Imunisasi",
        "summary": "Imunisasi rutin lengkap bagi bayi dan anak sesuai jadwal nasional.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala UPT Puskesmas Bontang Utara I Nomor 445/013/PKM-BU1/XII/2024"),
                "counter_time_minutes": 5,
                "completion_time_value": 30,
                "completion_time_unit": MINUTES,
                "fee_kind": "free",
                "fee_legal_basis": "Tidak dipungut biaya (program imunisasi nasional).",
                "product": "Imunisasi yang dicatat di Buku KIA dan aplikasi ASIK",
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; "
                    "Peraturan Menteri Kesehatan Nomor 12 Tahun 2017 tentang "
                    "Penyelenggaraan Imunisasi; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": "Bidan atau perawat terlatih imunisasi dan penanganan KIPI.",
                "staff_count": "2 bidan, 1 perawat",
                "requirements": ["Buku KIA anak", "Kartu Keluarga atau NIK anak"],
                "procedure": [
                    "Pendaftaran di loket",
                    "Penimbangan dan pemeriksaan kesehatan anak",
                    "Pemberian imunisasi sesuai jadwal",
                    "Observasi 30 menit dan pencatatan di Buku KIA",
                ],
            }
        ],
    },
    {
        "unit": "puskesmas-bontang-utara-1",
        "category": "Pelayanan Kesehatan",
        "slug": "pemeriksaan-ibu-hamil",
        "name": "Pemeriksaan Kesehatan Ibu Hamil (KIA)",
        "summary": "Pemeriksaan kehamilan (antenatal care) terpadu.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala UPT Puskesmas Bontang Utara I Nomor 445/014/PKM-BU1/XII/2024"),
                "counter_time_minutes": 5,
                "completion_time_value": 60,
                "completion_time_unit": MINUTES,
                "fee_kind": "free",
                "fee_legal_basis": ("Tidak dipungut biaya bagi peserta JKN dan program kesehatan ibu dan anak."),
                "product": (
                    "Hasil pemeriksaan kehamilan yang dicatat di Buku KIA, tablet tambah darah, rujukan bila perlu"
                ),
                "legal_basis": (
                    "Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan; "
                    "Peraturan Menteri Kesehatan Nomor 21 Tahun 2021 tentang "
                    "Penyelenggaraan Pelayanan Kesehatan Masa Sebelum Hamil, "
                    "Masa Hamil, Persalinan, dan Masa Sesudah Melahirkan; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Bidan ber-STR dan SIPB; dokter untuk pemeriksaan trimester pertama dan ketiga."),
                "staff_count": "3 bidan, 1 dokter",
                "requirements": [
                    "Buku KIA",
                    "KTP-el atau NIK ibu",
                    "Kartu JKN atau NIK bagi peserta JKN",
                ],
                "procedure": [
                    "Ibu hamil mendaftar di loket prioritas P2",
                    "Pemeriksaan tanda vital, berat badan dan lingkar lengan",
                    "Pemeriksaan kehamilan oleh bidan atau dokter",
                    "Konseling dan pemberian tablet tambah darah",
                    "Pencatatan di Buku KIA dan jadwal kunjungan berikutnya",
                ],
            }
        ],
    },
    # ------------------------------------------------------------------- BPJS
    {
        "unit": "bpjs-kesehatan-bontang",
        "category": "Kepesertaan JKN",
        "slug": "pendaftaran-peserta-jkn",
        "name": "Pendaftaran Peserta JKN",
        "summary": ("Pendaftaran peserta Jaminan Kesehatan Nasional segmen Pekerja Bukan Penerima Upah (mandiri)."),
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala BPJS Kesehatan Kantor Cabang Bontang Nomor 015/KC-BTG/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 30,
                "completion_time_unit": MINUTES,
                "fee_kind": "free",
                "fee_legal_basis": (
                    "Pendaftaran tidak dipungut biaya. Iuran bulanan dibayar terpisah sesuai "
                    "Peraturan Presiden tentang Jaminan Kesehatan."
                ),
                "product": (
                    "Nomor peserta, kartu JKN digital di Mobile JKN dan nomor virtual account pembayaran iuran"
                ),
                "legal_basis": (
                    "Undang-Undang Nomor 40 Tahun 2004 tentang Sistem Jaminan "
                    "Sosial Nasional; Undang-Undang Nomor 24 Tahun 2011 "
                    "tentang BPJS; Peraturan Presiden Nomor 82 Tahun 2018 "
                    "tentang Jaminan Kesehatan beserta perubahannya; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": "Petugas pelayanan peserta terlatih aplikasi kepesertaan.",
                "staff_count": "1 petugas gerai MPP",
                "requirements": [
                    "KTP-el atau NIK seluruh anggota keluarga yang didaftarkan",
                    "Kartu Keluarga",
                    "Nomor telepon seluler dan alamat email yang aktif",
                    "Nomor rekening untuk autodebet iuran (bila memilih autodebet)",
                ],
                "procedure": [
                    "Peserta mengambil antrean untuk loket C1",
                    "Petugas memeriksa NIK dan data keluarga",
                    "Peserta memilih kelas perawatan dan fasilitas kesehatan tingkat pertama",
                    "Peserta menerima nomor virtual account dan membayar iuran pertama",
                    "Kartu JKN aktif setelah masa tunggu 14 hari sejak pendaftaran",
                ],
            }
        ],
    },
    # ----------------------------------------------------------------- Kantah
    {
        "unit": "kantah-bontang",
        "category": "Pendaftaran Tanah",
        "slug": "pengecekan-sertipikat",
        "name": "Pengecekan Sertipikat",
        "summary": "Pemeriksaan kesesuaian sertipikat hak atas tanah dengan buku tanah.",
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Kantor Pertanahan Kota Bontang Nomor 21/SK-64.74/XII/2024"),
                "counter_time_minutes": 10,
                "completion_time_value": 1,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "fixed",
                "fee_amount": 50_000,
                "fee_legal_basis": (
                    "Peraturan Pemerintah Nomor 128 Tahun 2015 tentang Jenis dan Tarif atas Jenis "
                    "Penerimaan Negara Bukan Pajak yang Berlaku pada Kementerian ATR/BPN: Rp50.000 "
                    "per sertipikat, dibayar melalui bank persepsi."
                ),
                "product": ("Catatan hasil pengecekan pada sertipikat atau surat keterangan pendaftaran tanah"),
                "legal_basis": (
                    "Undang-Undang Nomor 5 Tahun 1960 tentang Peraturan Dasar Pokok-Pokok Agraria; "
                    "Peraturan Pemerintah Nomor 24 Tahun 1997 tentang Pendaftaran Tanah; Peraturan "
                    "Pemerintah Nomor 18 Tahun 2021; Peraturan Kepala BPN Nomor 1 Tahun 2010 "
                    "tentang Standar Pelayanan dan Pengaturan Pertanahan; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Petugas loket dan petugas buku tanah memahami pendaftaran tanah."),
                "staff_count": "2 petugas loket, 1 petugas buku tanah",
                "requirements": [
                    "Formulir permohonan yang telah diisi dan ditandatangani",
                    "KTP-el pemohon atau kuasanya",
                    "Surat kuasa (bila dikuasakan)",
                    "Sertipikat asli",
                ],
                "procedure": [
                    "Pemohon atau PPAT menyerahkan berkas di loket",
                    "Pembayaran PNBP melalui bank persepsi",
                    "Petugas mencocokkan sertipikat dengan buku tanah",
                    "Hasil pengecekan dicatat dan sertipikat dikembalikan",
                ],
            }
        ],
    },
    {
        "unit": "kantah-bontang",
        "category": "Pendaftaran Tanah",
        "slug": "peralihan-hak-jual-beli",
        "name": "Peralihan Hak atas Tanah karena Jual Beli",
        "summary": ("Pencatatan peralihan hak (balik nama) sertipikat berdasarkan akta jual beli PPAT."),
        "versions": [
            {
                **V1_2025,
                "decree_number": ("Keputusan Kepala Kantor Pertanahan Kota Bontang Nomor 22/SK-64.74/XII/2024"),
                "counter_time_minutes": 15,
                "completion_time_value": 5,
                "completion_time_unit": WORKING_DAYS,
                "fee_kind": "tariff",
                "fee_amount": 50_000,
                "fee_legal_basis": (
                    "Peraturan Pemerintah Nomor 128 Tahun 2015: tarif pendaftaran peralihan hak = "
                    "(nilai tanah ÷ 1.000) + Rp50.000; nominal tercantum adalah bagian tetapnya. "
                    "Dibayar melalui bank persepsi sesuai Surat Perintah Setor."
                ),
                "product": "Sertipikat hak atas tanah atas nama penerima hak",
                "legal_basis": (
                    "Undang-Undang Nomor 5 Tahun 1960 tentang Peraturan Dasar Pokok-Pokok Agraria; "
                    "Peraturan Pemerintah Nomor 24 Tahun 1997 tentang Pendaftaran Tanah; Peraturan "
                    "Pemerintah Nomor 18 Tahun 2021; Peraturan Kepala BPN Nomor 1 Tahun 2010; " + LAW_PUBLIC_SERVICE
                ),
                "staff_competence": ("Petugas loket dan pejabat pendaftaran hak memahami peralihan hak dan PPAT."),
                "staff_count": "2 petugas loket, 2 petugas pendaftaran hak",
                "requirements": [
                    "Formulir permohonan yang ditandatangani penerima hak atau kuasanya",
                    "KTP-el dan Kartu Keluarga para pihak",
                    "Sertipikat asli",
                    "Akta jual beli dari PPAT",
                    "Bukti pembayaran BPHTB dan PPh final",
                    "SPPT PBB tahun berjalan",
                ],
                "procedure": [
                    "PPAT menyerahkan berkas peralihan hak",
                    "Pemohon membayar PNBP melalui bank persepsi",
                    "Pemeriksaan berkas dan pencatatan peralihan hak di buku tanah",
                    "Penandatanganan oleh pejabat berwenang",
                    "Sertipikat diserahkan kepada pemohon atau PPAT",
                ],
            }
        ],
    },
]

# unit -> (signatory, title, signed_on)
MAKLUMAT_TEXT = (
    "Dengan ini, kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang "
    "telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai "
    "peraturan perundang-undangan yang berlaku."
)
MAKLUMAT = {
    "dpmptsp-bontang": (
        "Muhammad Aspiannur",
        "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Bontang",
        d(2025, 1, 2),
    ),
    "disdukcapil-bontang": (
        "Hj. Nurhayati Rahman, S.Sos., M.Si.",
        "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Bontang",
        d(2025, 1, 2),
    ),
    "puskesmas-bontang-utara-1": (
        "dr. Andi Rahmawati",
        "Kepala UPT Puskesmas Bontang Utara I",
        d(2025, 1, 2),
    ),
    "bpjs-kesehatan-bontang": (
        "Bambang Wicaksono",
        "Kepala BPJS Kesehatan Kantor Cabang Bontang",
        d(2025, 1, 6),
    ),
    "kantah-bontang": (
        "Made Suryawan, S.H., M.Kn.",
        "Kepala Kantor Pertanahan Kota Bontang",
        d(2025, 1, 6),
    ),
}

PUBLISHER = {
    "dpmptsp-bontang": "admin.dpmptsp",
    "disdukcapil-bontang": "admin.dukcapil",
    "puskesmas-bontang-utara-1": "admin.puskesmas",
    "bpjs-kesehatan-bontang": "admin.bpjs",
    "kantah-bontang": "admin.kantah",
}

VERSION_FIELDS = (
    "counter_time_minutes",
    "completion_time_value",
    "completion_time_unit",
    "fee_kind",
    "fee_amount",
    "fee_legal_basis",
    "product",
    "legal_basis",
    "staff_competence",
    "staff_count",
    "change_summary",
    "decree_number",
    "decree_date",
    "next_review_date",
)


# --- Seed ----------------------------------------------------------------------------------


def _set_lines(model, version: StandardVersion, texts: list[str]) -> int:
    created = 0
    for position, text in enumerate(texts, start=1):
        _row, new = upsert(model, lookup={"version": version, "position": position}, values={"text": text})
        created += new
    model.objects.filter(version=version, position__gt=len(texts)).delete()
    return created


def _seed_version(service: Service, unit: Unit, spec: dict, publisher) -> tuple[StandardVersion, int]:
    """Create or complete one version.

    A published version is frozen by database triggers (and its requirement and procedure
    rows with it), so it is built as a draft and then published with its historical dates;
    afterwards only its next review date is kept in line with the seed.
    """
    values = {name: spec.get(name) for name in VERSION_FIELDS}
    for text_field in (
        "fee_legal_basis",
        "product",
        "legal_basis",
        "staff_competence",
        "staff_count",
        "change_summary",
        "decree_number",
        "completion_time_unit",
    ):
        values[text_field] = values[text_field] or ""
    values.update(UNIT_COMMON[unit.slug])
    is_draft = bool(spec.get("draft"))
    if is_draft:
        values["created_at"] = spec["created_at"]
    else:
        values["created_at"] = at(spec["decree_date"] - datetime.timedelta(days=14))

    lookup = {"service": service, "number": spec["number"]}
    existing = StandardVersion.objects.filter(**lookup).first()
    if existing is not None and existing.is_published:
        if existing.next_review_date != values["next_review_date"]:
            existing.next_review_date = values["next_review_date"]
            existing.save(update_fields=["next_review_date"])
        return existing, 0

    version, new = upsert(StandardVersion, lookup=lookup, values={**values, "status": StandardVersion.Status.DRAFT})
    created = int(new)
    created += _set_lines(RequirementItem, version, spec["requirements"])
    created += _set_lines(ProcedureStep, version, spec["procedure"])
    if not is_draft:
        StandardVersion.objects.filter(pk=version.pk, status=StandardVersion.Status.DRAFT).update(
            status=StandardVersion.Status.PUBLISHED,
            effective_date=spec["effective_date"],
            published_at=at(spec["published_on"], 10),
            published_by=publisher,
        )
        version.refresh_from_db()
    return version, created


def seed(*, stdout) -> None:
    User = get_user_model()
    units = {u.slug: u for u in Unit.objects.filter(slug__in=list(CATEGORIES))}
    created = 0
    categories: dict[tuple[str, str], ServiceCategory] = {}
    for unit_slug, names in CATEGORIES.items():
        for position, name in enumerate(names, start=1):
            category, new = upsert(
                ServiceCategory,
                lookup={"unit": units[unit_slug], "name": name},
                values={"position": position},
            )
            categories[unit_slug, name] = category
            created += new

    versions: dict[tuple[str, int], StandardVersion] = {}
    for spec in SERVICES:
        unit = units[spec["unit"]]
        service, new = upsert(
            Service,
            lookup={"unit": unit, "slug": spec["slug"]},
            values={
                "category": categories[spec["unit"], spec["category"]],
                "name": spec["name"],
                "summary": spec["summary"],
                "national_system": spec.get("national_system", ""),
            },
        )
        created += new
        publisher = User.objects.filter(username=PUBLISHER[spec["unit"]]).first()
        for version_spec in spec["versions"]:
            version, new = _seed_version(service, unit, {**spec.get("common", {}), **version_spec}, publisher)
            versions[spec["slug"], version.number] = version
            created += new

    # The forum konsultasi publik held on PBG v2 before its decree.
    consultation, new = upsert(
        PublicConsultation,
        lookup={"version": versions["pbg", 2], "held_on": d(2025, 5, 21)},
        values={
            "venue": "Ruang Rapat DPMPTSP, Mal Pelayanan Publik Bontang",
            "minutes": (
                "Forum konsultasi publik rancangan standar pelayanan PBG. Masukan: (1) fotokopi "
                "KTP-el tidak perlu lagi karena NIK diverifikasi SIMBG; (2) jadwal konsultasi "
                "perencanaan diminta pasti, paling lambat 3 hari kerja; (3) pendampingan pengisian "
                "SIMBG bagi pemohon rumah tinggal sederhana dan penyandang disabilitas di Loket "
                "Disabilitas; (4) waktu penyelesaian disepakati 18 hari kerja. Seluruh masukan "
                "dituangkan dalam berita acara dan rancangan standar versi 2."
            ),
            "recorded_at": at(d(2025, 5, 22), 14),
        },
    )
    created += new
    for group, count in (
        (ConsultationParticipants.Group.SERVICE_USERS, 20),
        (ConsultationParticipants.Group.EXPERTS, 3),
        (ConsultationParticipants.Group.CIVIL_SOCIETY, 5),
        (ConsultationParticipants.Group.VULNERABLE, 4),
    ):
        _p, new = upsert(
            ConsultationParticipants,
            lookup={"consultation": consultation, "group": group},
            values={"count": count},
        )
        created += new

    for unit_slug, (name, title, signed_on) in MAKLUMAT.items():
        _m, new = upsert(
            Maklumat,
            lookup={"unit": units[unit_slug], "signed_on": signed_on},
            values={
                "text": MAKLUMAT_TEXT,
                "signatory_name": name,
                "signatory_title": title,
                "created_at": at(signed_on, 8),
            },
        )
        created += new

    stdout.write(
        f"Standards: {len(SERVICES)} services, {len(versions)} versions, {len(MAKLUMAT)} maklumat; "
        f"{created} rows created."
    )
