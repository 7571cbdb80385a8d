"""Helpers that services use to write the append-only audit log."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from mutu.core.models import AuditEvent
from mutu.core.request_context import current_request_id


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Concrete field values of ``obj`` (foreign keys as ids) for before/after columns."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def record_audit(
    *,
    actor,
    action: str,
    obj: models.Model,
    unit=None,
    before: dict | None = None,
    after: dict | None = None,
    now: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one audit row; call it inside the service's transaction."""
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        created_at=now or timezone.now(),
        actor=actor_obj,
        actor_label=actor_obj.get_username() if actor_obj else "",
        unit=unit,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        request_id=current_request_id.get(),
    )
