from django import forms
from django.core.exceptions import ValidationError

from mutu.core.errors import ApplicationError


def apply_service_error(form: forms.Form, exc: ApplicationError | ValidationError) -> None:
    """Put a service's error next to the fields it names, keeping what the user typed."""
    if isinstance(exc, ApplicationError):
        placed = False
        for field, messages in exc.field_errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
                placed = True
        if not placed:
            form.add_error(None, exc.message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")
