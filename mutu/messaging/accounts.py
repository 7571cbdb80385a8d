"""Which account speaks for a unit, which template serves a purpose, and who a phone number is."""

from __future__ import annotations

import datetime
import re

from mutu.messaging.models import ChannelAccount, Contact, MessageTemplate, Platform


def account_for(*, platform: str, unit=None, instansi=None) -> ChannelAccount | None:
    """The active account of ``unit`` on ``platform``, else its instansi's shared one."""
    accounts = ChannelAccount.objects.filter(platform=platform, is_active=True)
    if unit is not None:
        own = accounts.filter(unit=unit).order_by("pk").first()
        if own is not None:
            return own
        instansi = instansi if instansi is not None else unit.instansi
    if instansi is None:
        return None
    return accounts.filter(instansi=instansi, unit__isnull=True).order_by("pk").first()


def template_for(*, account: ChannelAccount, purpose: str, unit=None) -> MessageTemplate | None:
    """The unit's own template for ``purpose`` on this account, else the account's default."""
    templates = MessageTemplate.objects.filter(account=account, purpose=purpose)
    if unit is not None:
        own = templates.filter(unit=unit).first()
        if own is not None:
            return own
    return templates.filter(unit__isnull=True).first()


_NON_DIGITS = re.compile(r"\D+")


def normalise_phone(raw: str) -> str:
    """An Indonesian number as WhatsApp writes it (international digits, no +): "0812-3456-789",
    "+62 812 3456 789" and "62812345678 9" all become "628123456789"; "" if it is not a number."""
    digits = _NON_DIGITS.sub("", raw or "")
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not 9 <= len(digits) <= 15:
        return ""
    return digits


def whatsapp_contact_for_phone(*, phone: str, now: datetime.datetime) -> Contact:
    """The WhatsApp contact of a number a citizen typed (web form, queue kiosk), created if new.
    Raises ValueError when ``phone`` is not a number."""
    digits = normalise_phone(phone)
    if not digits:
        raise ValueError("not a phone number")
    contact, _created = Contact.objects.get_or_create(
        platform=Platform.WHATSAPP, external_id=digits, defaults={"phone": digits, "first_seen_at": now}
    )
    return contact
