"""Demo data for "Pemerintah Kota Bontang": instansi, units, the MPP, hours, calendar, staff.

Run through ``manage.py seed_demo``. Every write is keyed on a natural key, so running the
seed again changes nothing. Passwords are set only when an account is created.

The people, decree numbers and addresses are invented for the demo (apart from the public
facts of the seed articles: the DPMPTSP's complaint channels and website). Nothing here
describes a real person's account.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from mutu.organisations.models import (
    Break,
    CalendarException,
    Counter,
    Gerai,
    Instansi,
    Location,
    Membership,
    OpeningHours,
    SpecialPeriod,
    Unit,
)
from mutu.organisations.services import sync_national_holidays

# Demo only: every demo account starts with this password unless ``--password`` or the
# environment variable DEMO_PASSWORD says otherwise. Never use it on a real server.
DEFAULT_DEMO_PASSWORD = "bontang-demo-2026"

WITA = "Asia/Makassar"
WIB = "Asia/Jakarta"

SUPERUSER_ROLE = "superuser"

t = datetime.time
d = datetime.date


def demo_password(password: str | None = None) -> str:
    """The password for new demo accounts: the argument, then DEMO_PASSWORD, then the default."""
    return password or os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def upsert(
    model: type[models.Model],
    *,
    lookup: dict,
    values: dict | None = None,
    create_only: dict | None = None,
) -> tuple[models.Model, bool]:
    """Find a row by ``lookup``; create it, or update only the ``values`` that differ.

    ``create_only`` fields (timestamps, for example) are written on creation and never
    touched again, so a second run of a seed changes nothing.
    """
    values = values or {}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_only or {}))
        obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        if field.is_relation:
            current = getattr(obj, field.attname)
            wanted = value.pk if isinstance(value, models.Model) else value
        else:
            current, wanted = getattr(obj, name), value
        if current != wanted:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.full_clean()
        obj.save(update_fields=changed)
    return obj, False


# --- Accounts ----------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str  # a Membership.Role value, or SUPERUSER_ROLE
    instansi_slug: str | None
    unit_slug: str | None
    note: str = ""

    @property
    def email(self) -> str:
        return f"{self.username}@example.org"


R = Membership.Role

DEMO_ACCOUNTS: list[DemoAccount] = [
    DemoAccount(
        "superadmin",
        "Super",
        "Admin",
        SUPERUSER_ROLE,
        None,
        None,
        "Django superuser, for /django-admin/ only",
    ),
    DemoAccount(
        "admin.bontang",
        "Dewi",
        "Kartikasari",
        R.INSTANSI_ADMIN,
        "kota-bontang",
        None,
        "Bagian Organisasi Setda Kota Bontang",
    ),
    DemoAccount(
        "verifikator.bontang",
        "Arif",
        "Rahmansyah",
        R.COMPLAINT_VERIFIER,
        "kota-bontang",
        None,
        "Admin SP4N-LAPOR! Diskominfo Kota Bontang",
    ),
    DemoAccount(
        "evaluator.inspektorat",
        "Sri",
        "Wahyuningsih",
        R.EVALUATOR,
        "kota-bontang",
        None,
        "Inspektorat Kota Bontang",
    ),
    DemoAccount(
        "mpp.bontang",
        "Yusuf",
        "Maulana",
        R.MPP_MANAGER,
        "kota-bontang",
        "dpmptsp-bontang",
        "Pengelola Mal Pelayanan Publik Bontang",
    ),
    DemoAccount("kepala.dpmptsp", "Hendra", "Saputra", R.UNIT_HEAD, "kota-bontang", "dpmptsp-bontang"),
    DemoAccount("admin.dpmptsp", "Nurul", "Hidayah", R.UNIT_ADMIN, "kota-bontang", "dpmptsp-bontang"),
    DemoAccount(
        "loket.dpmptsp",
        "Fajar",
        "Ramadhan",
        R.COUNTER_OFFICER,
        "kota-bontang",
        "dpmptsp-bontang",
        "Petugas front office",
    ),
    DemoAccount(
        "pengaduan.dpmptsp",
        "Rina",
        "Marlina",
        R.COMPLAINT_OFFICER,
        "kota-bontang",
        "dpmptsp-bontang",
        "Bidang Pengaduan, Pengawasan dan Informasi Layanan",
    ),
    DemoAccount(
        "surveyor.stitek",
        "Rizky",
        "Ananda",
        R.SURVEYOR,
        "kota-bontang",
        "dpmptsp-bontang",
        "Mahasiswa STITEK Bontang, enumerator SKM",
    ),
    DemoAccount("admin.dukcapil", "Siti", "Aminah", R.UNIT_ADMIN, "kota-bontang", "disdukcapil-bontang"),
    DemoAccount(
        "loket.dukcapil",
        "Agus",
        "Setiawan",
        R.COUNTER_OFFICER,
        "kota-bontang",
        "disdukcapil-bontang",
    ),
    DemoAccount(
        "admin.puskesmas",
        "Ratna",
        "Sari",
        R.UNIT_ADMIN,
        "kota-bontang",
        "puskesmas-bontang-utara-1",
    ),
    DemoAccount(
        "admin.bpjs",
        "Dimas",
        "Prasetyo",
        R.UNIT_ADMIN,
        "bpjs-kesehatan",
        "bpjs-kesehatan-bontang",
        "Tenant of the MPP",
    ),
    DemoAccount(
        "admin.kantah",
        "Andi",
        "Baso",
        R.UNIT_ADMIN,
        "atr-bpn",
        "kantah-bontang",
        "Tenant of the MPP",
    ),
]


# --- Data ----------------------------------------------------------------------

INSTANSI = [
    {
        "slug": "kota-bontang",
        "name": "Pemerintah Kota Bontang",
        "kind": Instansi.Kind.LOCAL,
        "timezone": WITA,
    },
    {
        "slug": "bpjs-kesehatan",
        "name": "BPJS Kesehatan",
        "kind": Instansi.Kind.STATE_ENTERPRISE,
        "timezone": WIB,
    },
    {
        "slug": "atr-bpn",
        "name": "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "kind": Instansi.Kind.VERTICAL,
        "timezone": WIB,
    },
]

UNITS = [
    {
        "slug": "dpmptsp-bontang",
        "instansi": "kota-bontang",
        "name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Bontang",
        "short_name": "DPMPTSP",
        "description": (
            "Pelayanan perizinan dan nonperizinan terpadu satu pintu Kota Bontang, pengelola Mal "
            "Pelayanan Publik (MPP) Bontang. Perizinan berusaha diproses melalui OSS-RBA, "
            "persetujuan bangunan gedung melalui SIMBG."
        ),
        "address": ("Jl. Awang Long, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang, Kalimantan Timur 75311"),
        "whatsapp": "0811-53-1515",
        "website": "https://dpmptsp.bontangkota.go.id",
    },
    {
        "slug": "disdukcapil-bontang",
        "instansi": "kota-bontang",
        "name": "Dinas Kependudukan dan Pencatatan Sipil Kota Bontang",
        "short_name": "Disdukcapil",
        "description": ("Pelayanan pendaftaran penduduk dan pencatatan sipil: KTP-el, KK, KIA, akta, pindah datang."),
        "address": ("Jl. Moh. Roem, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang, Kalimantan Timur 75311"),
    },
    {
        "slug": "puskesmas-bontang-utara-1",
        "instansi": "kota-bontang",
        "name": "UPT Puskesmas Bontang Utara I",
        "short_name": "Puskesmas Bontang Utara I",
        "description": ("Pusat kesehatan masyarakat: poli umum, KIA/KB, imunisasi, laboratorium sederhana."),
        "address": ("Jl. Bhayangkara, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang, Kalimantan Timur 75311"),
        # Health services keep serving on cuti bersama.
        "cuti_bersama_closed": False,
    },
    {
        "slug": "bpjs-kesehatan-bontang",
        "instansi": "bpjs-kesehatan",
        "name": "BPJS Kesehatan Kantor Cabang Bontang",
        "short_name": "BPJS Kesehatan Bontang",
        "description": ("Pelayanan administrasi kepesertaan Jaminan Kesehatan Nasional (JKN); gerai di MPP Bontang."),
        "address": ("Jl. Ahmad Yani, Kel. Api-Api, Kec. Bontang Utara, Kota Bontang, Kalimantan Timur 75311"),
    },
    {
        "slug": "kantah-bontang",
        "instansi": "atr-bpn",
        "name": "Kantor Pertanahan Kota Bontang",
        "short_name": "Kantah Bontang",
        "description": (
            "Pelayanan pertanahan: pengecekan sertipikat, peralihan hak, pendaftaran tanah; gerai di MPP Bontang."
        ),
        "address": ("Jl. Bhayangkara, Kel. Belimbing, Kec. Bontang Barat, Kota Bontang, Kalimantan Timur 75313"),
    },
]

LOCATIONS = [
    {
        "slug": "mpp-bontang",
        "name": "Mal Pelayanan Publik (MPP) Bontang",
        "kind": Location.Kind.MPP,
        "manager": "dpmptsp-bontang",
        "address": "Jl. Awang Long, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang",
        "description": (
            "Satu gedung untuk layanan Pemerintah Kota Bontang dan instansi vertikal; satu kios "
            "antrean di pintu masuk, satu layar panggilan. Buka juga hari Sabtu."
        ),
    },
    {
        "slug": "kantor-disdukcapil-bontang",
        "name": "Kantor Disdukcapil Kota Bontang",
        "kind": Location.Kind.OFFICE,
        "manager": "disdukcapil-bontang",
        "address": "Jl. Moh. Roem, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang",
        "description": "Kantor pelayanan Disdukcapil; ruang tunggu dengan loket prioritas.",
    },
    {
        "slug": "puskesmas-bontang-utara-1",
        "name": "Puskesmas Bontang Utara I",
        "kind": Location.Kind.OFFICE,
        "manager": "puskesmas-bontang-utara-1",
        "address": "Jl. Bhayangkara, Kel. Bontang Baru, Kec. Bontang Utara, Kota Bontang",
        "description": "Gedung puskesmas; pendaftaran pasien di lantai dasar.",
    },
]

# (location, unit, gerai name, floor, [(code, name, is_disability, is_priority)])
GERAI = [
    (
        "mpp-bontang",
        "dpmptsp-bontang",
        "Gerai DPMPTSP",
        "Lantai 1",
        [
            ("A1", "Loket Perizinan 1", False, False),
            ("A2", "Loket Perizinan 2", False, False),
            ("A3", "Loket Disabilitas", True, True),
        ],
    ),
    (
        "mpp-bontang",
        "disdukcapil-bontang",
        "Gerai Disdukcapil",
        "Lantai 1",
        [
            ("B1", "Loket Dukcapil 1", False, False),
            ("B2", "Loket Dukcapil 2", False, False),
        ],
    ),
    (
        "mpp-bontang",
        "bpjs-kesehatan-bontang",
        "Gerai BPJS Kesehatan",
        "Lantai 1",
        [
            ("C1", "Loket BPJS Kesehatan", False, False),
        ],
    ),
    (
        "mpp-bontang",
        "kantah-bontang",
        "Gerai Kantor Pertanahan",
        "Lantai 2",
        [
            ("D1", "Loket Pertanahan 1", False, False),
            ("D2", "Loket Pertanahan 2", False, False),
        ],
    ),
    (
        "kantor-disdukcapil-bontang",
        "disdukcapil-bontang",
        "Ruang Pelayanan Disdukcapil",
        "Lantai 1",
        [
            ("L1", "Loket 1", False, False),
            ("L2", "Loket 2", False, False),
            ("L3", "Loket Prioritas (lansia, disabilitas, ibu hamil)", True, True),
        ],
    ),
    (
        "puskesmas-bontang-utara-1",
        "puskesmas-bontang-utara-1",
        "Pendaftaran Pasien",
        "Lantai dasar",
        [
            ("P1", "Pendaftaran Loket 1", False, False),
            ("P2", "Pendaftaran Loket 2 (prioritas)", False, True),
        ],
    ),
]

MON_THU = (0, 1, 2, 3)
FRI, SAT = 4, 5

# location -> [(weekdays, opens, closes, last_ticket, [(label, starts, ends)])]
REGULAR_HOURS = {
    "mpp-bontang": [
        (MON_THU, t(8), t(16), t(15), [("Istirahat", t(12), t(13))]),
        (
            (FRI,),
            t(8),
            t(16, 30),
            t(15, 30),
            [("Istirahat dan sholat Jumat", t(11, 30), t(13, 30))],
        ),
        ((SAT,), t(8), t(12), t(11, 30), []),
    ],
    "kantor-disdukcapil-bontang": [
        (MON_THU, t(8), t(16), t(15), [("Istirahat", t(12), t(13))]),
        (
            (FRI,),
            t(8),
            t(16, 30),
            t(15, 30),
            [("Istirahat dan sholat Jumat", t(11, 30), t(13, 30))],
        ),
    ],
    "puskesmas-bontang-utara-1": [
        (MON_THU, t(7, 30), t(14), t(12), []),
        ((FRI,), t(7, 30), t(11), t(10), []),
        ((SAT,), t(7, 30), t(12), t(11), []),
    ],
}

# (location, name, kind, starts_on, ends_on, hours as in REGULAR_HOURS)
SPECIAL_PERIODS = [
    (
        "mpp-bontang",
        "Ramadan 1448 H",
        SpecialPeriod.Kind.HOURS,
        d(2027, 2, 8),
        d(2027, 3, 9),
        [
            (MON_THU, t(8), t(14), t(13, 30), []),
            ((FRI,), t(8), t(14, 30), t(14), [("Istirahat dan sholat Jumat", t(11, 30), t(13))]),
        ],
    ),
    (
        "mpp-bontang",
        "Pemeliharaan gedung",
        SpecialPeriod.Kind.CLOSED,
        d(2027, 4, 17),
        d(2027, 4, 17),
        [],
    ),
]

# (unit, day, kind, reason)
CALENDAR_EXCEPTIONS = [
    ("dpmptsp-bontang", d(2026, 10, 12), CalendarException.Kind.CLOSED, "HUT Kota Bontang"),
    ("dpmptsp-bontang", d(2027, 10, 12), CalendarException.Kind.CLOSED, "HUT Kota Bontang"),
    (
        "dpmptsp-bontang",
        d(2026, 12, 19),
        CalendarException.Kind.WORKING,
        "Layanan perizinan hari Sabtu: percepatan akhir tahun",
    ),
]


# --- Seed ----------------------------------------------------------------------


def _set_hours(location: Location, rows, special_period: SpecialPeriod | None) -> int:
    created = 0
    for weekdays, opens, closes, last_ticket, breaks in rows:
        for weekday in weekdays:
            hours, new = upsert(
                OpeningHours,
                lookup={"location": location, "special_period": special_period, "weekday": weekday},
                values={"opens": opens, "closes": closes, "last_ticket": last_ticket},
            )
            created += new
            for label, starts, ends in breaks:
                _brk, new = upsert(
                    Break,
                    lookup={"hours": hours, "starts": starts},
                    values={"label": label, "ends": ends},
                )
                created += new
    return created


def _seed_accounts(*, instansi: dict[str, Instansi], units: dict[str, Unit], password: str) -> int:
    User = get_user_model()
    created = 0
    now = timezone.now()
    hashed = None  # hashed once: the hasher is deliberately slow and every account shares it
    for account in DEMO_ACCOUNTS:
        is_super = account.role == SUPERUSER_ROLE
        profile = {
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": account.email,
        }
        user = User.objects.filter(username=account.username).first()
        if user is None:
            hashed = hashed or make_password(password)
            user = User(
                username=account.username,
                password=hashed,
                is_staff=is_super,
                is_superuser=is_super,
                **profile,
            )
            user.save()
            created += 1
        else:
            changed = [k for k, v in profile.items() if getattr(user, k) != v]
            if is_super and not (user.is_staff and user.is_superuser):
                user.is_staff = user.is_superuser = True
                changed += ["is_staff", "is_superuser"]
            for k in profile:
                setattr(user, k, profile[k])
            if changed:
                user.save(update_fields=changed)
        if is_super:
            continue
        _m, new = upsert(
            Membership,
            lookup={
                "user": user,
                "instansi": instansi[account.instansi_slug],
                "unit": units[account.unit_slug] if account.unit_slug else None,
                "role": account.role,
            },
            create_only={"created_at": now},
        )
        created += new
    return created


def seed(*, stdout, password: str | None = None) -> None:
    created = 0
    instansi: dict[str, Instansi] = {}
    for row in INSTANSI:
        obj, new = upsert(
            Instansi,
            lookup={"slug": row["slug"]},
            values={k: v for k, v in row.items() if k != "slug"},
        )
        instansi[obj.slug] = obj
        created += new

    units: dict[str, Unit] = {}
    for row in UNITS:
        values = {k: v for k, v in row.items() if k not in ("slug", "instansi")}
        values.setdefault("timezone", WITA)
        obj, new = upsert(
            Unit,
            lookup={"slug": row["slug"]},
            values={**values, "instansi": instansi[row["instansi"]]},
        )
        units[obj.slug] = obj
        created += new

    locations: dict[str, Location] = {}
    for row in LOCATIONS:
        values = {k: v for k, v in row.items() if k not in ("slug", "manager")}
        obj, new = upsert(
            Location,
            lookup={"slug": row["slug"]},
            values={**values, "manager_unit": units[row["manager"]], "timezone": WITA},
        )
        locations[obj.slug] = obj
        created += new

    for location_slug, unit_slug, name, floor, counters in GERAI:
        gerai, new = upsert(
            Gerai,
            lookup={"location": locations[location_slug], "name": name},
            values={"unit": units[unit_slug], "floor": floor},
        )
        created += new
        for code, counter_name, is_disability, is_priority in counters:
            _c, new = upsert(
                Counter,
                lookup={"gerai": gerai, "code": code},
                values={
                    "name": counter_name,
                    "is_disability": is_disability,
                    "is_priority": is_priority,
                },
            )
            created += new

    for location_slug, rows in REGULAR_HOURS.items():
        created += _set_hours(locations[location_slug], rows, None)

    for location_slug, name, kind, starts_on, ends_on, rows in SPECIAL_PERIODS:
        location = locations[location_slug]
        period, new = upsert(
            SpecialPeriod,
            lookup={"location": location, "name": name},
            values={"kind": kind, "starts_on": starts_on, "ends_on": ends_on},
        )
        created += new
        created += _set_hours(location, rows, period)

    year = timezone.localdate().year
    holidays = sum(sync_national_holidays(instansi=obj, years=[year, year + 1]) for obj in instansi.values())

    for unit_slug, day, kind, reason in CALENDAR_EXCEPTIONS:
        _e, new = upsert(
            CalendarException,
            lookup={"unit": units[unit_slug], "day": day},
            values={"kind": kind, "reason": reason},
        )
        created += new

    created += _seed_accounts(instansi=instansi, units=units, password=demo_password(password))

    stdout.write(
        f"Organisations: {len(instansi)} instansi, {len(units)} units, {len(locations)} locations, "
        f"{len(GERAI)} gerai, {len(DEMO_ACCOUNTS)} accounts; "
        f"{created} rows created, {holidays} holidays imported."
    )
