import pytest

from mutu.core.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs ~0.3 s per test persona; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests run with DEBUG=false; the manifest storage would need collectstatic before
    # every run and breaks when a test points STATIC_ROOT elsewhere.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def queue_world(world):
    from mutu.queues.testing import build_queue_world

    return build_queue_world(world)


_OFFICE_SETUP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from mutu.core.testing import build_world
from mutu.queues.testing import build_queue_world
from mutu.surveys.testing import build_survey_world
world = build_world()
build_queue_world(world)
build_survey_world(world)
"""


def _office_env(folder, database_url: str) -> dict:
    import os

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "MUTU_IGNORE_DOTENV": "true",
        "DEBUG": "true",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.fixture(scope="session")
def sqlite_office_template(tmp_path_factory):
    """A SQLite file, migrated and holding the queue and survey test worlds, built once per test process.

    Tests that race real processes on a small office's database copy it instead of
    migrating their own (migrating costs seconds each time).
    """
    import subprocess
    import sys
    from pathlib import Path

    folder = tmp_path_factory.mktemp("sqlite-office")
    path = folder / "template.sqlite3"
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _OFFICE_SETUP],
        cwd=root,
        env=_office_env(folder, f"sqlite:///{path}"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def sqlite_office(sqlite_office_template, tmp_path):
    """Environment variables for subprocesses working on a fresh copy of the office database."""
    import shutil

    target = tmp_path / "office.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        source = sqlite_office_template.with_name(sqlite_office_template.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return _office_env(tmp_path, f"sqlite:///{target}")


@pytest.fixture
def survey_world(world):
    from mutu.surveys.testing import build_survey_world

    return build_survey_world(world)


@pytest.fixture
def complaint_world(world):
    from mutu.complaints.testing import build_complaint_world

    return build_complaint_world(world)


@pytest.fixture
def chat_world(complaint_world):
    from mutu.messaging.testing import build_chat_world

    return build_chat_world(complaint_world)


@pytest.fixture
def fake_graph(settings):
    """A local fake of Meta's Graph API; the app's WhatsApp and Instagram clients point at it."""
    from mutu.messaging.fake_graph import FakeGraph

    with FakeGraph(token="test-graph-token") as graph:
        settings.WHATSAPP_API_BASE_URL = graph.base_url
        settings.WHATSAPP_ACCESS_TOKEN = "test-graph-token"
        settings.INSTAGRAM_API_BASE_URL = graph.base_url
        settings.INSTAGRAM_ACCESS_TOKEN = "test-graph-token"
        settings.INSTAGRAM_MEDIA_HOSTS = [graph.host]
        settings.INSTAGRAM_MEDIA_ALLOW_HTTP = True
        yield graph


@pytest.fixture
def webhook_secrets(settings):
    """Known app secrets and verify tokens for both webhooks."""
    settings.WHATSAPP_APP_SECRET = "wa-test-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "wa-verify-token"
    settings.INSTAGRAM_APP_SECRET = "ig-test-secret"
    settings.INSTAGRAM_VERIFY_TOKEN = "ig-verify-token"
    return settings
