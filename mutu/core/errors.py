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
