"""The guided conversation: chat messages from a citizen become a complaint, in Indonesian.

The inbound service (``services_inbound``) calls :func:`handle_inbound` for every new message
a citizen sends, inside the transaction that stored it, with the ``Contact`` row locked — so two
messages of one person are never handled at once.  One inbound message gets at most one reply,
queued with :func:`mutu.messaging.outgoing.send_chat` under a dedupe key made from the message's
pk; a message already linked to a conversation or a complaint was handled before and is left alone,
so reprocessing sends nothing twice and never moves the dialogue twice.

Steps (``Conversation.State``)::

    DESCRIBE → PLACE → EVIDENCE → NAME → PRIVACY → CONFIRM → FILED
                 *batal* at any step → CANCELLED;  *ubah*/*ulang* → back to DESCRIBE
                 silent for ABANDON_AFTER → ``conversation_jobs`` files it or marks it ABANDONED

Without an open conversation, a message from a citizen who has an open report (linked through
earlier chat messages) joins that report's thread, unless they type *baru*.  Greetings never count
as an answer; a citizen coming back after a pause is reminded where they were.  Photos and documents
sent at any step stay linked to the conversation and become evidence when the report is filed.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from mutu.complaints import services as complaint_services
from mutu.complaints import services_intake
from mutu.complaints.models import OPEN_STATUSES, Channel, Complaint, Message
from mutu.complaints.notifications import url_for
from mutu.complaints.services import DESCRIPTION_MAX
from mutu.core.errors import ApplicationError
from mutu.core.files import ALLOWED_KINDS
from mutu.messaging import conversation_texts as texts
from mutu.messaging.events import InboundMessage
from mutu.messaging.models import ChannelAccount, ChatMessage, Conversation, Platform
from mutu.messaging.outgoing import send_chat
from mutu.organisations.models import Location
from mutu.standards.models import Service
from mutu.standards.selectors import public_services

State = Conversation.State

# A citizen silent this long is reminded where they were when they write again.
RESUME_AFTER = datetime.timedelta(hours=1)
# An open conversation silent this long is filed (or dropped) by the periodic job.
ABANDON_AFTER = datetime.timedelta(days=7)
# Services listed with a number; the citizen may type any other one's name.
MAX_LISTED_SERVICES = 9
# A first message shorter than this is a greeting ("halo", "pagi min"), not yet the story.
FIRST_MESSAGE_MIN_CHARS = 15
DESCRIPTION_MIN_CHARS = 10
TITLE_WORDS_CHARS = 60
SUMMARY_CHARS = 300
NAME_MAX = 150

CHANNEL_OF = {Platform.WHATSAPP: Channel.WHATSAPP, Platform.INSTAGRAM: Channel.INSTAGRAM}

# What citizens type (after lower-casing and dropping punctuation).
CANCEL_WORDS = frozenset({"batal", "batalkan", "cancel", "stop", "berhenti"})
RESTART_WORDS = frozenset({"ubah", "ulang", "ulangi", "mulai lagi", "mulai ulang", "ubah laporan"})
NEW_REPORT_WORDS = frozenset(
    {"baru", "lapor", "pengaduan baru", "laporan baru", "lapor baru", "buat laporan baru", "aduan baru"}
)
SKIP_WORDS = frozenset(
    {"lanjut", "lanjutkan", "tidak ada", "tidak", "tdk ada", "gak ada", "ga ada", "nggak ada", "enggak ada", "skip"}
)
SEND_WORDS = frozenset({"kirim", "kirimkan", "ya", "ok", "oke", "setuju", "kirim laporan"})
ANONYMOUS_WORDS = frozenset({"anonim", "anonymous", "tanpa nama"})
GREETING_WORDS = frozenset(
    {
        "halo", "hallo", "haloo", "hai", "hi", "hello", "helo", "hei", "hey", "pagi", "siang", "sore", "malam",
        "selamat", "assalamualaikum", "asalamualaikum", "assalamu'alaikum", "salam", "wr", "wb", "permisi",
        "min", "admin", "kak", "kakak", "pak", "bu", "bapak", "ibu", "mas", "mbak", "p", "ping", "tes", "test",
        "om", "swastiastu", "warahmatullahi", "wabarakatuh", "wassalam",
    }
)  # fmt: skip


class Privacy:
    """The citizen's answer at PRIVACY, kept in the draft.

    The three chat options follow the complaint's two flags (see domain.md and the web form):
    *Rahasia* hides the identity from everyone but the verifier (``is_anonymous``) and keeps the
    report out of public view (``is_confidential``); *Anonim* stores no identity at all in the
    report — the contact still knows the number, so the chat can answer.
    """

    NORMAL = "normal"
    CONFIDENTIAL = "confidential"
    ANONYMOUS = "anonymous"

    ANSWERS = {
        "1": NORMAL,
        "biasa": NORMAL,
        "normal": NORMAL,
        "2": CONFIDENTIAL,
        "rahasia": CONFIDENTIAL,
        "3": ANONYMOUS,
        "anonim": ANONYMOUS,
        "tanpa identitas": ANONYMOUS,
    }


# What kind of input a message is, whatever the platform calls it.  REFUSED: an attachment the
# media check will refuse (audio, video, a type we do not take) and answer itself.
TEXT, MEDIA, LOCATION, SILENT, REFUSED, OTHER = "text", "media", "location", "silent", "refused", "other"
TEXT_KINDS = ("text", "interactive", "button")
MEDIA_KINDS = ("image", "document", "file")

_PUNCTUATION = re.compile(r"[^\w\s']+")
_SPACES = re.compile(r"\s+")
_NAME = re.compile(r"[^\W\d_][^\d_]*")


def normalise(text: str) -> str:
    """ "*Batal!*", " BATAL " and "batal." are the same answer."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", (text or "").lower())).strip()


def is_greeting(text: str) -> bool:
    words = normalise(text).split()
    return bool(words) and all(word in GREETING_WORDS for word in words)


def _number(answer: str) -> int | None:
    return int(answer) if answer.isdigit() and len(answer) <= 2 else None


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def title_from(description: str) -> str:
    """The first words of the story, as the report's subject."""
    words, title = " ".join(description.split()).split(" "), ""
    for word in words:
        if title and len(title) + 1 + len(word) > TITLE_WORDS_CHARS:
            return title + "…"
        title = f"{title} {word}".strip()
    return title[:200]


def _coordinate(value, bound: int) -> str | None:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        return None
    return str(number) if -bound <= number <= bound else None


def _thread_key(external_id: str) -> str:
    """The complaint thread keeps 120 characters of a platform id; Instagram ids can be longer
    and differ only at the end, so a long one is replaced by its hash."""
    if len(external_id) <= 120:
        return external_id
    return "sha256:" + hashlib.sha256(external_id.encode()).hexdigest()


# --- entry point ---------------------------------------------------------------------------------


def handle_inbound(*, message: ChatMessage, event: InboundMessage, now: datetime.datetime) -> None:
    """Answer one new message from a citizen (see the module docstring)."""
    links = ChatMessage.objects.filter(pk=message.pk).values_list("conversation_id", "complaint_id").first()
    if links is None or any(links):
        return  # handled before: reprocessing must neither answer nor move the dialogue again
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        turn = _Turn(message=message, event=event, now=now)
        turn.run()
        turn.send()


@dataclass
class _Turn:
    """One inbound message being handled; collects the reply lines and sends them as one."""

    message: ChatMessage
    event: InboundMessage
    now: datetime.datetime
    conversation: Conversation | None = None
    complaint: Complaint | None = None
    lines: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.account: ChannelAccount = self.message.account
        self.contact = self.message.contact
        self.text = (self.event.text or self.message.text or "").strip()
        self.answer = normalise(self.event.reply_id) or normalise(self.text)
        self.kind = self._classify()

    def _classify(self) -> str:
        event = self.event
        if event.has_media:
            declared = event.mime_type.split(";")[0].strip().lower()
            if event.kind not in MEDIA_KINDS or (declared and declared not in ALLOWED_KINDS):
                return REFUSED
            return MEDIA
        if event.kind == "location" and event.latitude is not None and event.longitude is not None:
            return LOCATION
        if event.kind in TEXT_KINDS:
            return TEXT
        if event.kind == "reaction":
            return SILENT
        return OTHER

    def says(self, words: frozenset[str]) -> bool:
        return self.kind == TEXT and (self.answer in words or normalise(self.text) in words)

    def say(self, text: str) -> None:
        self.lines.append(text)

    @property
    def draft(self) -> dict:
        return self.conversation.draft

    # --- routing ---------------------------------------------------------------------------------

    def run(self) -> None:
        self.conversation = (
            Conversation.objects.select_for_update()
            .filter(contact_id=self.contact.pk, account_id=self.account.pk, ended_at__isnull=True)
            .first()
        )
        if self.conversation is None:
            self._without_conversation()
            return
        self._link()
        self._in_conversation()
        self._save()

    def _without_conversation(self) -> None:
        complaint = _open_complaint_of(contact_id=self.contact.pk, instansi_id=self.account.instansi_id)
        if self.kind == SILENT:
            # A reaction to something we said: kept beside the report, nothing to answer.
            if complaint is not None:
                self._link_complaint(complaint)
            return
        if complaint is not None and not self.says(NEW_REPORT_WORDS):
            self._add_to_complaint(complaint)
            return
        if self.says(CANCEL_WORDS):
            self.say(texts.nothing_to_cancel())
            return
        self.conversation = Conversation.objects.create(
            contact=self.contact,
            account=self.account,
            state=State.DESCRIBE,
            draft={},
            started_at=self.now,
            updated_at=self.now,
        )
        self._link()
        self.say(texts.intro(account_name=_speaker(self.account)))
        if self.says(NEW_REPORT_WORDS):
            self.say(texts.ask_description())
        else:
            self._describe(first=True)
        self._save()

    def _in_conversation(self) -> None:
        if self.kind in (SILENT, REFUSED):
            return  # kept with the conversation; the media check tells the citizen what we accept
        if self.says(CANCEL_WORDS):
            self._cancel()
            return
        if self.says(RESTART_WORDS):
            self.conversation.state = State.DESCRIBE
            self.conversation.draft = {k: v for k, v in self.draft.items() if k == "told_unsupported"}
            self.say(texts.restarted())
            self.say(texts.ask_description())
            return
        resumed = self.conversation.updated_at < self.now - RESUME_AFTER
        if self.kind == OTHER:
            if not self.draft.get("told_unsupported"):
                self.draft["told_unsupported"] = True
                self.say(texts.unsupported())
                self.say(self._prompt())
            return
        if self.kind == TEXT and is_greeting(self.text):
            self.say(texts.resumed(summary=_short(self.draft.get("description", ""), 60)))
            self.say(self._prompt())
            return
        if resumed:
            self.say(texts.resumed(summary=_short(self.draft.get("description", ""), 60)))
        step = {
            State.DESCRIBE: self._describe,
            State.PLACE: self._place,
            State.EVIDENCE: self._evidence,
            State.NAME: self._name,
            State.PRIVACY: self._privacy,
            State.CONFIRM: self._confirm,
        }[self.conversation.state]
        step()

    # --- the steps -------------------------------------------------------------------------------

    def _describe(self, first: bool = False) -> None:
        if self.kind == MEDIA:
            self.say(texts.attachment_noted())
        elif self.kind == LOCATION:
            self._keep_location()
            self.say(texts.location_noted())
        elif self.kind == OTHER:
            self.draft["told_unsupported"] = True
            self.say(texts.unsupported())
        minimum = FIRST_MESSAGE_MIN_CHARS if first else DESCRIPTION_MIN_CHARS
        story = self.text if self.kind in (TEXT, MEDIA) else ""
        if len(story) < minimum or is_greeting(story):
            if first or self.kind != TEXT:
                self.say(texts.ask_description())
            else:
                self.say(texts.describe_more())
            return
        self.draft["description"] = story[:DESCRIPTION_MAX]
        self.conversation.state = State.PLACE
        self.say(texts.description_noted())
        if first:
            self.say(texts.cancel_hint())
        self.say(self._ask_place())

    def _place(self) -> None:
        if self._side_input():
            return
        if self.kind == LOCATION:
            self._keep_location()
            if self.text:
                self.draft["place_text"] = self.text[:300]
            self._to(State.EVIDENCE, texts.location_noted())
            return
        choices: list[int] = self.draft.get("choices") or []
        number = _number(self.answer)
        if number == 0:
            self.draft["place_other"] = True
            self.say(texts.ask_place_name())
            return
        if number is not None:
            service = (
                Service.objects.filter(pk=choices[number - 1], unit__instansi_id=self.account.instansi_id).first()
                if number <= len(choices)
                else None
            )
            if service is None:
                self.say(texts.place_hint(highest=len(choices)))
                return
            self.draft.update(service_id=service.pk, place_label=service.name)
            self._to(State.EVIDENCE)
            return
        if len(self.text) < 3:
            self.say(texts.place_hint(highest=len(choices)))
            return
        services, locations = _matching_places(account=self.account, text=self.text, now=self.now)
        label = [self.text[:120]]
        if len(services) == 1:
            self.draft["service_id"] = services[0].pk
            label.insert(0, services[0].name)
        if len(locations) == 1:
            self.draft["location_id"] = locations[0].pk
        self.draft.update(place_text=self.text[:300], place_label=" — ".join(dict.fromkeys(label)))
        self._to(State.EVIDENCE)

    def _evidence(self) -> None:
        if self.kind == MEDIA:
            self.say(texts.evidence_received(count=self._attachment_count()))
            return
        if self.kind == LOCATION:
            self._keep_location()
            self.say(texts.location_noted())
            self.say(texts.ask_evidence())
            return
        if self.says(SKIP_WORDS):
            self._to(State.NAME)
            return
        self.say(texts.evidence_hint())

    def _name(self) -> None:
        if self._side_input():
            return
        if self.says(ANONYMOUS_WORDS):
            self.draft.update(name="", privacy=Privacy.ANONYMOUS)
            self._to(State.CONFIRM)
            return
        profile = self._profile_name()
        if self.answer == "1" and profile:
            self.draft["name"] = profile
            self._to(State.PRIVACY)
            return
        name = " ".join(self.text.split())
        if not (2 <= len(name) <= NAME_MAX and _NAME.fullmatch(name)):
            self.say(texts.name_hint())
            return
        self.draft["name"] = name
        self._to(State.PRIVACY)

    def _privacy(self) -> None:
        if self._side_input():
            return
        privacy = Privacy.ANSWERS.get(self.answer) or Privacy.ANSWERS.get(normalise(self.text))
        if self.kind != TEXT or privacy is None:
            self.say(texts.privacy_hint())
            return
        self.draft["privacy"] = privacy
        self._to(State.CONFIRM)

    def _confirm(self) -> None:
        if self._side_input():
            return
        if not self.says(SEND_WORDS):
            self.say(texts.confirm_hint())
            return
        submitted_at = min(self.message.sent_at, self.now)
        try:
            with transaction.atomic():
                complaint = file_conversation(conversation=self.conversation, now=self.now, submitted_at=submitted_at)
        except ApplicationError as exc:
            self.say(texts.not_filed(problem=exc.message))
            return
        self.complaint = complaint
        self.say(
            texts.filed(
                tracking_code=complaint.tracking_code,
                tracking_url=url_for("complaints:track", complaint.tracking_code, absolute=True),
                anonymous=self.draft.get("privacy") == Privacy.ANONYMOUS,
            )
        )

    # --- helpers of the steps --------------------------------------------------------------------

    def _side_input(self) -> bool:
        """A photo or a location sent at a step that asks for something else: kept, acknowledged,
        and the question asked again."""
        if self.kind == MEDIA:
            self.say(texts.attachment_noted())
        elif self.kind == LOCATION and self.conversation.state != State.PLACE:
            self._keep_location()
            self.say(texts.location_noted())
        else:
            return False
        self.say(self._prompt())
        return True

    def _to(self, state: str, *before: str) -> None:
        self.conversation.state = state
        for line in before:
            self.say(line)
        self.say(self._prompt())

    def _prompt(self) -> str:
        """The question of the current step."""
        state = self.conversation.state
        if state == State.DESCRIBE:
            return texts.ask_description()
        if state == State.PLACE:
            return texts.ask_place_name() if self.draft.get("place_other") else self._ask_place()
        if state == State.EVIDENCE:
            return texts.ask_evidence()
        if state == State.NAME:
            return texts.ask_name(profile_name=self._profile_name())
        if state == State.PRIVACY:
            return texts.ask_privacy()
        return self._summary()

    def _ask_place(self) -> str:
        listed = place_options(account=self.account, now=self.now)
        # The numbers mean what the citizen saw, even if the list changes before they answer.
        self.draft["choices"] = [service.pk for service in listed]
        self.draft.pop("place_other", None)
        options = [_service_label(service, self.account) for service in listed]
        return texts.ask_place(options=options, allow_location=self.account.platform == Platform.WHATSAPP)

    def _summary(self) -> str:
        draft = self.draft
        place = draft.get("place_label", "")
        if not place and draft.get("latitude"):
            place = texts.place_location(latitude=draft["latitude"], longitude=draft["longitude"])
        privacy = draft.get("privacy")
        if privacy == Privacy.ANONYMOUS:
            identity = texts.identity_anonymous()
        elif privacy == Privacy.CONFIDENTIAL:
            identity = texts.identity_confidential(name=draft.get("name", ""))
        else:
            identity = texts.identity_normal(name=draft.get("name", ""))
        return texts.confirm(
            description=_short(draft.get("description", ""), SUMMARY_CHARS),
            place=place,
            attachments=self._attachment_count(),
            identity=identity,
        )

    def _profile_name(self) -> str:
        return (self.event.profile_name or self.contact.profile_name or "").strip()[:NAME_MAX]

    def _keep_location(self) -> None:
        latitude, longitude = _coordinate(self.event.latitude, 90), _coordinate(self.event.longitude, 180)
        if latitude is not None and longitude is not None:
            self.draft.update(latitude=latitude, longitude=longitude)

    def _attachment_count(self) -> int:
        return attachments_of(self.conversation).count()

    def _cancel(self) -> None:
        self.conversation.state = State.CANCELLED
        self.conversation.ended_at = self.now
        self.say(texts.cancelled())

    # --- links and writes ------------------------------------------------------------------------

    def _link(self) -> None:
        ChatMessage.objects.filter(pk=self.message.pk).update(conversation=self.conversation)
        self.message.conversation = self.conversation

    def _link_complaint(self, complaint: Complaint) -> None:
        ChatMessage.objects.filter(pk=self.message.pk).update(complaint=complaint)
        self.message.complaint = complaint

    def _save(self) -> None:
        if self.conversation is None:
            return
        self.conversation.updated_at = self.now
        self.conversation.save(update_fields=["state", "draft", "complaint", "updated_at", "ended_at"])

    def _add_to_complaint(self, complaint: Complaint) -> None:
        """A message outside a conversation from someone with an open report joins its thread;
        a report waiting for the citizen goes back to work, as when they reply on the tracking page."""
        channel = CHANNEL_OF[self.account.platform]
        key = _thread_key(self.message.external_id)
        body = self._thread_body()
        if not Message.objects.filter(channel=channel, external_id=key).exists():
            # The same path as a reply on /lacak: a report waiting for the citizen goes back to work.
            services_intake.citizen_reply(
                complaint=complaint, body=body, channel=channel, external_id=key, now=self.now
            )
        self._link_complaint(complaint)
        if self.kind == MEDIA:
            _attach_media(self.message, now=self.now)
        self.complaint = complaint
        self.say(texts.added_to_complaint(tracking_code=complaint.tracking_code))

    def _thread_body(self) -> str:
        if self.kind == MEDIA:
            placeholder = (
                texts.thread_photo()
                if self.event.kind == "image"
                else texts.thread_document(name=self.event.filename or self.message.media_name)
            )
            return f"{placeholder} {self.text}".strip()
        if self.kind == LOCATION:
            return texts.thread_location(latitude=self.event.latitude, longitude=self.event.longitude)
        if self.kind == TEXT and self.text:
            return self.text
        return texts.thread_other(kind=self.event.kind or "?")

    def send(self) -> None:
        if not self.lines:
            return
        conversation = self.conversation
        send_chat(
            account=self.account,
            contact=self.contact,
            text="\n\n".join(self.lines),
            dedupe_key=f"conversation:{self.message.pk}",
            now=self.now,
            complaint=self.complaint or (conversation.complaint if conversation else None),
            conversation=conversation,
        )


# --- reads ---------------------------------------------------------------------------------------


def _open_complaint_of(*, contact_id: int, instansi_id: int) -> Complaint | None:
    """The open report this contact last wrote or was written to about, at this instansi."""
    complaint_id = (
        ChatMessage.objects.filter(
            contact_id=contact_id, complaint__instansi_id=instansi_id, complaint__status__in=OPEN_STATUSES
        )
        .order_by("-sent_at", "-id")
        .values_list("complaint_id", flat=True)
        .first()
    )
    return Complaint.objects.filter(pk=complaint_id).first() if complaint_id else None


def _speaker(account: ChannelAccount) -> str:
    return account.unit.name if account.unit_id else account.instansi.name


def _service_label(service: Service, account: ChannelAccount) -> str:
    return service.name if account.unit_id else f"{service.name} ({service.unit.short_name or service.unit.name})"


def _services_in_scope(*, account: ChannelAccount, now: datetime.datetime) -> list[Service]:
    today = timezone.localdate(now, ZoneInfo(account.instansi.timezone))
    services = public_services(today=today, unit=account.unit)
    return [service for service in services if service.unit.instansi_id == account.instansi_id]


def place_options(*, account: ChannelAccount, now: datetime.datetime) -> list[Service]:
    """Up to nine services to offer by number: the account's unit's (or its instansi's) public
    services, those most complained about in the last year first."""
    services = _services_in_scope(account=account, now=now)
    if len(services) > MAX_LISTED_SERVICES:
        counts = dict(
            Complaint.objects.filter(
                service__in=[service.pk for service in services], submitted_at__gte=now - datetime.timedelta(days=365)
            )
            .values_list("service")
            .annotate(n=Count("id"))
        )
        services.sort(key=lambda service: -counts.get(service.pk, 0))
    return services[:MAX_LISTED_SERVICES]


def _matching_places(
    *, account: ChannelAccount, text: str, now: datetime.datetime
) -> tuple[list[Service], list[Location]]:
    """Services and places whose name the citizen typed (or that contain all their words)."""
    said = normalise(text)
    words = [word for word in said.split() if len(word) >= 3]

    def named(name: str) -> bool:
        name = normalise(name)
        return bool(name) and (name in said or said in name or (bool(words) and all(w in name for w in words)))

    services = [s for s in _services_in_scope(account=account, now=now) if named(s.name)]
    locations = Location.objects.filter(is_active=True)
    if account.unit_id:
        locations = locations.filter(Q(manager_unit_id=account.unit_id) | Q(gerai__unit_id=account.unit_id))
    else:
        locations = locations.filter(manager_unit__instansi_id=account.instansi_id)
    return services, [location for location in locations.distinct() if named(location.name)]


def attachments_of(conversation: Conversation):
    """The photos and documents the citizen sent in ``conversation`` that were not refused."""
    return (
        ChatMessage.objects.filter(conversation=conversation, direction=ChatMessage.Direction.IN, kind__in=MEDIA_KINDS)
        .exclude(media_ref="")
        .exclude(media_status__in=[ChatMessage.MediaStatus.REJECTED, ChatMessage.MediaStatus.FAILED])
    )


# --- filing --------------------------------------------------------------------------------------


def file_conversation(
    *, conversation: Conversation, now: datetime.datetime, submitted_at: datetime.datetime, abandoned: bool = False
) -> Complaint:
    """File the conversation's draft as a complaint through ``submit_complaint``; link every chat
    message of the conversation to it and turn the stored photos and documents into evidence.

    ``abandoned``: filed by the job without the citizen's confirmation — no consent recorded, the
    identity kept for the verifier only unless the citizen chose otherwise, and a note saying so.
    Call inside a transaction.
    """
    draft = conversation.draft
    account = conversation.account
    contact = conversation.contact
    service = None
    if draft.get("service_id"):
        service = (
            Service.objects.select_related("unit")
            .filter(pk=draft["service_id"], unit__instansi_id=account.instansi_id)
            .first()
        )
    location = Location.objects.filter(pk=draft["location_id"]).first() if draft.get("location_id") else None
    privacy = draft.get("privacy") or (Privacy.CONFIDENTIAL if abandoned else Privacy.NORMAL)
    keep_identity = privacy != Privacy.ANONYMOUS
    description = draft.get("description", "")
    complaint = complaint_services.submit_complaint(
        instansi=account.instansi,
        channel=CHANNEL_OF[account.platform],
        title=title_from(description),
        description=description,
        reporter_name=draft.get("name", "") if keep_identity else "",
        # Instagram ids stay on the Contact: a report only takes a phone number.
        reporter_phone=contact.phone if keep_identity and account.platform == Platform.WHATSAPP else "",
        is_anonymous=privacy in (Privacy.CONFIDENTIAL, Privacy.ANONYMOUS),
        is_confidential=privacy == Privacy.CONFIDENTIAL,
        consent=not abandoned,
        service=service,
        location=location,
        suggested_unit=account.unit or (service.unit if service else None),
        latitude=Decimal(draft["latitude"]) if draft.get("latitude") else None,
        longitude=Decimal(draft["longitude"]) if draft.get("longitude") else None,
        address=draft.get("place_text", ""),
        submitted_at=submitted_at,
        now=now,
    )
    conversation.complaint = complaint
    conversation.state = State.FILED
    conversation.ended_at = now
    conversation.updated_at = now
    conversation.save(update_fields=["complaint", "state", "ended_at", "updated_at"])
    ChatMessage.objects.filter(conversation=conversation, complaint__isnull=True).update(complaint=complaint)
    if abandoned:
        complaint_services.add_message(
            complaint=complaint,
            kind=Message.Kind.INTERNAL_NOTE,
            body=texts.abandoned_note(days=ABANDON_AFTER.days),
            now=now,
        )
    for message in attachments_of(conversation).order_by("pk"):
        _attach_media(message, now=now)
    return complaint


def _attach_media(message: ChatMessage, *, now: datetime.datetime) -> None:
    """Evidence from a stored file now; a file still being fetched is attached by the fetch task."""
    try:
        from mutu.messaging.media import attach_chat_media
    except ImportError:  # the inbound area is not there yet
        return
    attach_chat_media(message=message, now=now)
