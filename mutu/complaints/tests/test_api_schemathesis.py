"""Property-based calls over every complaints endpoint of the OpenAPI schema: never a 500."""

import contextlib
import importlib

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application
from mutu.core.api import api

# schemathesis' pytest plugin imports its report writers at the end of the session, after
# Hypothesis has run; importing them now keeps pytest's assertion rewriter from parsing them then
# (CPython 3.11.7 once raised "AST constructor recursion depth mismatch" there).
for _module in ("allure", "html.writer", "junitxml"):
    with contextlib.suppress(ImportError):
        importlib.import_module(f"schemathesis.reporting.{_module}")

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = application
complaints = schema.include(path_regex=r"^/api/v1/complaints")


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the test's
    database connection (and its transaction); Django's test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def session_cookie(complaint_world, client, settings, keep_test_connection):
    settings.RATELIMIT_ENABLED = False
    cache.clear()
    from mutu.complaints.testing import make_complaint

    make_complaint(complaint_world)
    make_complaint(complaint_world, is_anonymous=True)
    client.force_login(complaint_world.verifier, backend="django.contrib.auth.backends.ModelBackend")
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.mark.django_db
@complaints.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_complaints_endpoint_answers_500(case, session_cookie):
    response = case.call(cookies=session_cookie)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
