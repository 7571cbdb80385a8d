"""Turn a standard version into labelled lines, for the diff view and exports."""

from django.utils.translation import gettext as _

from mutu.standards.calculations import format_rupiah
from mutu.standards.models import StandardVersion


def completion_time_text(version: StandardVersion) -> str:
    if not version.completion_time_value:
        return ""
    return f"{version.completion_time_value} {version.get_completion_time_unit_display()}"


def fee_text(version: StandardVersion) -> str:
    if version.fee_is_free:
        return _("Free of charge")
    return format_rupiah(version.fee_amount or 0)


def version_components(version: StandardVersion) -> list[tuple[str, list[str]]]:
    """The 14 components (and governance) as (label, lines), in the regulation's order."""

    def lines(text) -> list[str]:
        return [line.strip() for line in str(text or "").splitlines() if line.strip()]

    counter = (
        _("%(minutes)s minutes") % {"minutes": version.counter_time_minutes} if version.counter_time_minutes else ""
    )
    return [
        (_("Requirements"), [r.text for r in version.requirements.all()]),
        (_("Procedure"), [s.text for s in version.procedure_steps.all()]),
        (_("Time at the counter"), lines(counter)),
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
