"""A complaints world for tests, on ``build_world()``: categories, a canned reply, helpers."""

from types import SimpleNamespace

from mutu.complaints.models import CannedReply, Category, Channel, Complaint
from mutu.complaints.services import submit_complaint


def build_complaint_world(w: SimpleNamespace) -> SimpleNamespace:
    w.light = Category.objects.create(unit=w.dpmptsp, name="Ringan", completion_days=2)
    w.normative = Category.objects.create(unit=w.dpmptsp, name="Normatif", completion_days=5)
    w.examination = Category.objects.create(unit=w.dpmptsp, name="Perlu pemeriksaan", completion_days=60)
    w.dukcapil_light = Category.objects.create(unit=w.dukcapil, name="Ringan", completion_days=2)
    w.canned = CannedReply.objects.create(
        unit=w.dpmptsp, category=w.light, title="Terima kasih", body="Terima kasih atas laporan Anda."
    )
    return w


def make_complaint(w: SimpleNamespace, **kwargs) -> Complaint:
    """A web complaint to the Bontang instansi through the real intake service."""
    kwargs.setdefault("instansi", w.bontang)
    kwargs.setdefault("channel", Channel.WEB)
    kwargs.setdefault("title", "Antrean tidak jelas")
    kwargs.setdefault("description", "Saya menunggu satu jam tanpa informasi di loket perizinan.")
    kwargs.setdefault("reporter_name", "Siti Aminah")
    kwargs.setdefault("reporter_email", "siti@example.org")
    kwargs.setdefault("consent", True)
    return submit_complaint(**kwargs)
