import pytest

from mutu.core.audit import record_audit
from mutu.core.models import AuditEvent
from mutu.core.request_context import current_request_id


def test_services_write_an_audit_row_with_the_request_id(world, login):
    client = login(world.alice)
    response = client.post(
        f"/kelola/gerai/{world.gerai_dpmptsp.pk}/loket/tambah/",
        {"code": "a9", "name": "Loket 9"},
        HTTP_X_REQUEST_ID="req-1234567890",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="counter.create")
    assert event.actor == world.alice
    assert event.unit == world.dpmptsp
    assert event.after["code"] == "A9"
    assert event.request_id == "req-1234567890"
    assert response["X-Request-ID"] == "req-1234567890"


def test_the_audit_log_is_append_only(world):
    event = record_audit(actor=world.alice, action="test", obj=world.dpmptsp, unit=world.dpmptsp, after={"x": 1})
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test"


def test_a_row_outside_a_request_has_no_request_id(world):
    assert current_request_id.get() == ""
    event = record_audit(actor=None, action="job", obj=world.dpmptsp)
    assert event.request_id == "" and event.actor is None
