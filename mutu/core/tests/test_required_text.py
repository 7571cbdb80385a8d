import pytest

from mutu.core.errors import ApplicationError, required_text


def test_the_text_comes_back_stripped():
    assert required_text("  Terima kasih \n", field="body", empty="Tulis pesan.", limit=50) == "Terima kasih"


@pytest.mark.parametrize("value", [None, "", "   \n"])
def test_an_empty_text_names_its_field_with_the_given_message(value):
    with pytest.raises(ApplicationError) as caught:
        required_text(value, field="reason", empty="Tulis alasannya.", limit=50)
    assert caught.value.field_errors == {"reason": ["Tulis alasannya."]}


def test_a_text_over_the_limit_names_its_field_and_the_limit(settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(ApplicationError) as caught:
        required_text("x" * 11, field="body", empty="Tulis pesan.", limit=10)
    assert list(caught.value.field_errors) == ["body"] and "10" in caught.value.message
