"""Test personas shared by every app's tests (like healthchecks' hc/test.py).

One small world: Kota Bontang with DPMPTSP (runs the MPP) and Disdukcapil, a
vertical agency (BPJS) as an MPP tenant, and one person for every role.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.utils import timezone

from mutu.organisations.models import (
    Counter,
    Gerai,
    Instansi,
    Location,
    Membership,
    OpeningHours,
    Unit,
)

PASSWORD = "test-password-123"
Role = Membership.Role


def make_user(username: str, *, superuser: bool = False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username=username, password=PASSWORD, email=f"{username}@example.org")
    return User.objects.create_user(username=username, password=PASSWORD, first_name=username.title())


def give_role(user, role: str, *, instansi: Instansi, unit: Unit | None = None) -> Membership:
    return Membership.objects.create(user=user, instansi=instansi, unit=unit, role=role, created_at=timezone.now())


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.bontang = Instansi.objects.create(name="Pemerintah Kota Bontang", slug="kota-bontang", timezone="Asia/Makassar")
    w.bpjs_instansi = Instansi.objects.create(name="BPJS Kesehatan", slug="bpjs", kind=Instansi.Kind.STATE_ENTERPRISE)
    w.dpmptsp = Unit.objects.create(
        instansi=w.bontang, name="DPMPTSP Kota Bontang", short_name="DPMPTSP", slug="dpmptsp", timezone="Asia/Makassar"
    )
    w.dukcapil = Unit.objects.create(
        instansi=w.bontang,
        name="Disdukcapil Kota Bontang",
        short_name="Disdukcapil",
        slug="dukcapil",
        timezone="Asia/Makassar",
    )
    w.bpjs = Unit.objects.create(
        instansi=w.bpjs_instansi,
        name="BPJS Kesehatan Cabang Bontang",
        short_name="BPJS Bontang",
        slug="bpjs-bontang",
        timezone="Asia/Makassar",
    )
    w.mpp = Location.objects.create(
        name="MPP Bontang", slug="mpp", kind=Location.Kind.MPP, manager_unit=w.dpmptsp, timezone="Asia/Makassar"
    )
    w.dukcapil_office = Location.objects.create(
        name="Kantor Disdukcapil", slug="kantor-dukcapil", manager_unit=w.dukcapil, timezone="Asia/Makassar"
    )
    w.gerai_dpmptsp = Gerai.objects.create(location=w.mpp, unit=w.dpmptsp, name="Gerai DPMPTSP")
    w.gerai_dukcapil = Gerai.objects.create(location=w.mpp, unit=w.dukcapil, name="Gerai Disdukcapil")
    w.gerai_bpjs = Gerai.objects.create(location=w.mpp, unit=w.bpjs, name="Gerai BPJS Kesehatan")
    w.gerai_dukcapil_office = Gerai.objects.create(location=w.dukcapil_office, unit=w.dukcapil, name="Ruang Layanan")
    w.counter_a1 = Counter.objects.create(gerai=w.gerai_dpmptsp, code="A1", name="Loket 1")
    w.counter_b1 = Counter.objects.create(gerai=w.gerai_dukcapil, code="B1", name="Loket 1")
    w.counter_c1 = Counter.objects.create(gerai=w.gerai_bpjs, code="C1", name="Loket 1")
    for weekday in range(5):
        OpeningHours.objects.create(
            location=w.mpp,
            weekday=weekday,
            opens=datetime.time(8),
            closes=datetime.time(16),
            last_ticket=datetime.time(15),
        )

    w.superuser = make_user("root", superuser=True)
    w.instansi_admin = make_user("admin.bontang")
    give_role(w.instansi_admin, Role.INSTANSI_ADMIN, instansi=w.bontang)
    w.verifier = make_user("verifikator")
    give_role(w.verifier, Role.COMPLAINT_VERIFIER, instansi=w.bontang)
    w.evaluator = make_user("evaluator")
    give_role(w.evaluator, Role.EVALUATOR, instansi=w.bontang)
    w.mpp_manager = make_user("mpp.manager")
    give_role(w.mpp_manager, Role.MPP_MANAGER, instansi=w.bontang, unit=w.dpmptsp)
    w.alice = make_user("alice")  # unit admin of DPMPTSP
    give_role(w.alice, Role.UNIT_ADMIN, instansi=w.bontang, unit=w.dpmptsp)
    w.head = make_user("kepala")
    give_role(w.head, Role.UNIT_HEAD, instansi=w.bontang, unit=w.dpmptsp)
    w.bob = make_user("bob")  # counter officer of DPMPTSP
    give_role(w.bob, Role.COUNTER_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    w.complaint_officer = make_user("pengaduan")
    give_role(w.complaint_officer, Role.COMPLAINT_OFFICER, instansi=w.bontang, unit=w.dpmptsp)
    w.surveyor = make_user("surveyor")
    give_role(w.surveyor, Role.SURVEYOR, instansi=w.bontang, unit=w.dpmptsp)
    w.charlie = make_user("charlie")  # unit admin of Disdukcapil: another unit
    give_role(w.charlie, Role.UNIT_ADMIN, instansi=w.bontang, unit=w.dukcapil)
    w.dave = make_user("dave")  # unit admin of BPJS: a tenant of the MPP from another instansi
    give_role(w.dave, Role.UNIT_ADMIN, instansi=w.bpjs_instansi, unit=w.bpjs)
    w.nobody = make_user("nobody")  # an account without any role
    return w


def tiny_pdf(*, author: str = "") -> bytes:
    """A valid one-page PDF (uploads are parsed to strip metadata, so a fake header won't do)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if author:
        writer.add_metadata({"/Author": author, "/Creator": "Scanner 3000"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
