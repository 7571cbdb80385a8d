"""The one error type that services raise and views / the API turn into a message."""


class ApplicationError(Exception):
    """A rule of the domain was broken; ``message`` is shown to the user as it is.

    ``field_errors`` maps form field names to messages so a view can put each
    message next to its field and keep what the user typed.
    """

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


def required_text(value: str | None, *, field: str, empty: str, limit: int) -> str:
    """``value`` stripped; an ApplicationError naming ``field`` when it is empty (``empty`` is
    the message) or longer than ``limit`` characters."""
    from django.utils.translation import gettext as _

    value = (value or "").strip()
    if not value:
        raise ApplicationError(empty, field_errors={field: [empty]})
    if len(value) > limit:
        too_long = _("Please keep the text under %(n)s characters.") % {"n": limit}
        raise ApplicationError(too_long, field_errors={field: [too_long]})
    return value
