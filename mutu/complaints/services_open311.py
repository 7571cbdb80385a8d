"""Open311 POST requests: a request from a partner's app becomes a complaint of the key's instansi."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from mutu.complaints.models import Channel, Complaint
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
    """Record the request through the one intake, with its location and photo link."""
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
            latitude=None if lat is None else Decimal(str(round(lat, 6))),
            longitude=None if long is None else Decimal(str(round(long, 6))),
            address=address_string,
            address_id=address_id,
            media_url=media_url,
            now=now,
        )
    return complaint
