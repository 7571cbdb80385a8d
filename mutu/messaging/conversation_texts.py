"""What the guided conversation says to the citizen, and the notes it writes into a thread.

Every text is a gettext string with an English source; :mod:`mutu.messaging.conversation` calls
these inside ``translation.override(settings.LANGUAGE_CODE)``, so citizens read Indonesian.  The
words a citizen must type (*batal*, *lanjut*, *kirim*, *ubah*, *baru*) stay Indonesian in the
sources too: they are what the engine understands.  Texts are short and use WhatsApp's *bold*.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def intro(*, account_name: str) -> str:
    return _("Hello! This is the complaint service of %(name)s.") % {"name": account_name}


def ask_description() -> str:
    return _(
        "Please tell us what happened: which service, when, and what went wrong. "
        "You can type *batal* at any time to cancel."
    )


def describe_more() -> str:
    return _("Please tell us a little more: what happened, when and where?")


def description_noted() -> str:
    return _("Thank you, we have noted your story.")


def cancel_hint() -> str:
    return _("(Type *batal* at any time to cancel.)")


def ask_place(*, options: Sequence[str], allow_location: bool) -> str:
    """``options`` are the service names shown as 1…n; 0 lets the citizen type a place."""
    lines = [_("Which service or place is it about? Reply with a number:")]
    lines += [f"*{number}*. {name}" for number, name in enumerate(options, 1)]
    lines.append(_("*0*. Something else — type the name of the place or service"))
    if not options:
        lines = [_("Which service or place is it about? Type its name.")]
    if allow_location:
        lines.append(_("You can also share a location (📎 › Location)."))
    return "\n".join(lines)


def place_hint(*, highest: int) -> str:
    if highest:
        return _("Please choose a number from 0 to %(n)s, or type the name of the service or place.") % {"n": highest}
    return ask_place_name()


def ask_place_name() -> str:
    return _("Please type the name of the place or service.")


def ask_evidence() -> str:
    return _(
        "Do you have photos or documents as evidence? Send them now (JPG/PNG photos or PDF documents), "
        "or type *lanjut* if you have none."
    )


def evidence_received(*, count: int) -> str:
    return ngettext(
        "Received (%(n)s attachment so far). Send more, or type *lanjut* to continue.",
        "Received (%(n)s attachments so far). Send more, or type *lanjut* to continue.",
        count,
    ) % {"n": count}


def attachment_noted() -> str:
    return _("Your photo or document is kept with the report.")


def location_noted() -> str:
    return _("The location is noted.")


def evidence_hint() -> str:
    return _("Please send a photo (JPG/PNG) or a PDF document as evidence, or type *lanjut* if you have none.")


def ask_name(*, profile_name: str) -> str:
    if profile_name:
        return _(
            "What is your name? Reply *1* to use the name *%(name)s*, type your name, "
            "or type *anonim* if you prefer not to give it."
        ) % {"name": profile_name}
    return _("What is your name? Type your name, or type *anonim* if you prefer not to give it.")


def name_hint() -> str:
    return _("Please type your name in letters (for example: Siti Aminah), or type *anonim*.")


def ask_privacy() -> str:
    return "\n".join(
        [
            _("Who may see your identity? Reply with a number:"),
            _("*1*. Normal — the officers handling the report see your name and contact"),
            _("*2*. Rahasia — only the complaint verifier sees your identity, and the report is never shown publicly"),
            _("*3*. Anonim — no identity: your name and contact are not stored in the report"),
        ]
    )


def privacy_hint() -> str:
    return _("Please reply *1*, *2* or *3*.")


def confirm(*, description: str, place: str, attachments: int, identity: str) -> str:
    lines = [
        _("Please check your report:"),
        _("*What happened:* %(text)s") % {"text": description},
        _("*Service or place:* %(place)s") % {"place": place or _("not stated")},
        _("*Evidence:* %(files)s") % {"files": attachments_label(attachments)},
        _("*Identity:* %(identity)s") % {"identity": identity},
        "",
        _(
            "By typing *kirim* you agree that we process the personal data in this report "
            "(including this chat number) to handle your complaint."
        ),
        _("Type *kirim* to send, *ubah* to start over, or *batal* to cancel."),
    ]
    return "\n".join(lines)


def attachments_label(count: int) -> str:
    if not count:
        return _("none")
    return ngettext("%(n)s file", "%(n)s files", count) % {"n": count}


def identity_normal(*, name: str) -> str:
    return _("%(name)s (seen by the officers handling it)") % {"name": name}


def identity_confidential(*, name: str) -> str:
    return _("%(name)s — rahasia: only the verifier sees your identity") % {"name": name or _("no name")}


def identity_anonymous() -> str:
    return _("anonim — no name or number in the report")


def place_location(*, latitude, longitude) -> str:
    return _("shared location (%(lat)s, %(lon)s)") % {"lat": latitude, "lon": longitude}


def confirm_hint() -> str:
    return _("Type *kirim* to send the report, *ubah* to start over, or *batal* to cancel.")


def filed(*, tracking_code: str, tracking_url: str, anonymous: bool) -> str:
    lines = [
        _("Thank you, your report has been received."),
        _("Tracking code: *%(code)s*") % {"code": tracking_code},
    ]
    if tracking_url:
        lines.append(_("Follow it at %(url)s") % {"url": tracking_url})
    if anonymous:
        lines.append(_("Your report is anonymous: this tracking code is your only key to it, keep it safe."))
    else:
        lines.append(_("Keep this code. Reply in this chat at any time to add information."))
    return "\n".join(lines)


def not_filed(*, problem: str) -> str:
    return _("Sorry, we could not file the report: %(problem)s Type *ubah* to start over or *batal* to cancel.") % {
        "problem": problem
    }


def cancelled() -> str:
    return _("Your report has been cancelled; nothing was sent. Write to us again whenever you need.")


def nothing_to_cancel() -> str:
    return _("You are not filling in a report at the moment. Write what happened whenever you want to report.")


def restarted() -> str:
    return _("All right, let's start again.")


def resumed(*, summary: str) -> str:
    if summary:
        return _("Let's continue your report: “%(summary)s”") % {"summary": summary}
    return _("Let's continue your report.")


def unsupported() -> str:
    return _("Sorry, we can only read text, photos (JPG/PNG) and PDF documents.")


def added_to_complaint(*, tracking_code: str) -> str:
    return _("Your message has been added to report *%(code)s*. To make a different report, type *baru*.") % {
        "code": tracking_code
    }


# --- what lands in a complaint's thread ----------------------------------------------------------


def thread_photo() -> str:
    return _("(photo)")


def thread_document(*, name: str) -> str:
    return _("(document: %(name)s)") % {"name": name} if name else _("(document)")


def thread_location(*, latitude, longitude) -> str:
    return _("(location: %(lat)s, %(lon)s)") % {"lat": latitude, "lon": longitude}


def thread_other(*, kind: str) -> str:
    return _("(a %(kind)s message, see the chat)") % {"kind": kind}


def abandoned_note(*, days: int) -> str:
    return _(
        "The chat conversation was not finished: the citizen stopped before confirming the report. "
        "It was filed automatically after %(days)s days of silence, with the details given so far."
    ) % {"days": days}
