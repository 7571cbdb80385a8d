import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _service_messages_in_english(request):
    """Service tests match the English source text of error messages; pages are tested in Indonesian."""
    if request.module.__name__.endswith("_services"):
        with translation.override("en"):
            yield
    else:
        yield
