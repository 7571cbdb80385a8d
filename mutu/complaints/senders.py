"""Pluggable senders of the one-time code that confirms a complainant's contact address.

``settings.COMPLAINT_CODE_SENDER`` names the class (dotted path): :class:`EmailCodeSender` sends
it with Django's mail settings; :class:`ConsoleCodeSender` only logs it, for the demo and a
laptop without a mail server. Phone (WhatsApp) codes come with the WhatsApp channel.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class CodeSender(Protocol):
    def send(self, *, address: str, code: str, tracking_code: str, minutes: int) -> None: ...


def _body(*, code: str, tracking_code: str, minutes: int) -> str:
    return _(
        "Your confirmation code is %(code)s.\n\n"
        "Type it on the page of your report %(tracking)s within %(minutes)s minutes. "
        "If you did not send a report, ignore this message."
    ) % {"code": code, "tracking": tracking_code, "minutes": minutes}


class EmailCodeSender:
    """Sends the code by email through Django's configured mail backend."""

    def send(self, *, address: str, code: str, tracking_code: str, minutes: int) -> None:
        send_mail(
            subject=_("Your confirmation code: %(code)s") % {"code": code},
            message=_body(code=code, tracking_code=tracking_code, minutes=minutes),
            from_email=None,
            recipient_list=[address],
        )


class ConsoleCodeSender:
    """Logs the code instead of sending it (demo and development)."""

    def send(self, *, address: str, code: str, tracking_code: str, minutes: int) -> None:
        logger.warning("Confirmation code for report %s to %s: %s", tracking_code, address, code)


def code_sender() -> CodeSender:
    return import_string(settings.COMPLAINT_CODE_SENDER)()
