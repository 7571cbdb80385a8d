"""Turn a standard version into labelled lines, for the diff view and exports."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mutu.standards.calculations import format_rupiah
from mutu.standards.models import FeeKind, StandardVersion, TimeUnit


def completion_time_text(version: StandardVersion) -> str:
    value, unit = version.completion_time_value, version.completion_time_unit
    if not value:
        return ""
    if unit == TimeUnit.MINUTES:
        return ngettext("%(n)s minute", "%(n)s minutes", value) % {"n": value}
    if unit == TimeUnit.HOURS:
        return ngettext("%(n)s hour", "%(n)s hours", value) % {"n": value}
    return ngettext("%(n)s working day", "%(n)s working days", value) % {"n": value}


def counter_time_text(version: StandardVersion) -> str:
    minutes = version.counter_time_minutes
    if not minutes:
        return ""
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def fee_text(version: StandardVersion) -> str:
    """What the citizen pays, in one line: "Gratis", "Rp 150.000" or "Sesuai tarif (mulai Rp 50.000)"."""
    if version.fee_kind == FeeKind.FREE:
        return _("Free of charge")
    if version.fee_kind == FeeKind.TARIFF:
        if version.fee_amount:
            return _("Calculated by the tariff (from %(amount)s)") % {"amount": format_rupiah(version.fee_amount)}
        return _("Calculated per application by the tariff")
    return format_rupiah(version.fee_amount or 0)


def version_components(version: StandardVersion) -> list[tuple[str, list[str]]]:
    """The 14 components (and governance) as (label, lines), in the regulation's order."""

    def lines(text) -> list[str]:
        return [line.strip() for line in str(text or "").splitlines() if line.strip()]

    return [
        (_("Requirements"), [r.text for r in version.requirements.all()]),
        (_("Procedure"), [s.text for s in version.procedure_steps.all()]),
        (_("Time at the counter"), lines(counter_time_text(version))),
        (_("Time to completion"), lines(completion_time_text(version))),
        (_("Fee"), lines(fee_text(version))),
        (_("Legal basis of the fee"), lines(version.fee_legal_basis)),
        (_("Product of the service"), lines(version.product)),
        (_("Complaints, suggestions and feedback"), lines(version.complaint_handling)),
        (_("Legal basis"), lines(version.legal_basis)),
        (_("Facilities and infrastructure"), lines(version.facilities)),
        (_("Staff competence"), lines(version.staff_competence)),
        (_("Internal supervision"), lines(version.internal_supervision)),
        (_("Number of staff"), lines(version.staff_count)),
        (_("Service guarantee"), lines(version.service_guarantee)),
        (_("Security and safety guarantee"), lines(version.safety_guarantee)),
        (_("Staff performance evaluation"), lines(version.staff_evaluation)),
        (_("Decree"), lines(" ".join(filter(None, [version.decree_number, str(version.decree_date or "")])))),
    ]
