"""Open311 POST requests: a request from a partner's app becomes a complaint of the key's instansi."""

from __future__ import annotations

import datetime
import json

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.complaints.models import Channel, Complaint, Event
from mutu.complaints.selectors_open311 import OPEN311_DETAILS
from mutu.complaints.services import submit_complaint
from mutu.organisations.models import Instansi
from mutu.standards.models import Service

DESCRIPTION_MAX = 4000
TITLE_LENGTH = 80


def submit_open311_request(
    *,
    instansi: Instansi,
    service: Service,
    description: str,
    lat: float | None = None,
    long: float | None = None,
    address_string: str = "",
    address_id: str = "",
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    media_url: str = "",
    now: datetime.datetime,
) -> Complaint:
    """Record the request through the one intake; the location and media go into its details event."""
    first_line = description.strip().splitlines()[0] if description.strip() else ""
    title = f"{service.name}: {first_line}"
    if len(title) > TITLE_LENGTH:
        title = title[: TITLE_LENGTH - 1].rstrip() + "…"
    with transaction.atomic():
        complaint = submit_complaint(
            instansi=instansi,
            channel=Channel.OPEN311,
            title=title,
            description=description,
            reporter_name=" ".join(p for p in (first_name.strip(), last_name.strip()) if p)[:150],
            reporter_email=email,
            reporter_phone=phone[:30],
            service=service,
            suggested_unit=service.unit,
            source_name=_("Open311 client"),
            now=now,
        )
        details = {
            "service_code": f"{service.unit.slug}.{service.slug}",
            "lat": lat,
            "long": long,
            "address_string": address_string,
            "address_id": address_id,
            "media_url": media_url,
        }
        Event.objects.create(
            complaint=complaint, at=now, action=OPEN311_DETAILS, note=json.dumps(details, ensure_ascii=False)
        )
    return complaint
