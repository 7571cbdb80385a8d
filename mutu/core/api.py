"""The one NinjaAPI: it only wires the routers of each app and maps errors once."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError as NinjaValidationError

from mutu.core.errors import ApplicationError

api = NinjaAPI(
    title="mutu API",
    version="1",
    description="Public, read-only data of service units: units, locations, services and their published standards.",
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(request, {"detail": exc.message, "errors": exc.field_errors}, status=422)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    errors = [
        {"field": ".".join(str(p) for p in err.get("loc", [])[1:]) or None, "message": err.get("msg")}
        for err in exc.errors
    ]
    return api.create_response(request, {"detail": _("The data sent is not valid."), "errors": errors}, status=422)


def _wire_routers() -> None:
    from mutu.complaints.api import router as complaints_router
    from mutu.organisations.api import router as organisations_router
    from mutu.standards.api import router as standards_router
    from mutu.surveys.api import router as surveys_router

    api.add_router("/", organisations_router)
    api.add_router("/", standards_router)
    api.add_router("/", surveys_router)
    api.add_router("/", complaints_router)


_wire_routers()
