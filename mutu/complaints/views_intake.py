"""Pages of the intake area: the citizen's report form, the email code, the tracking page, and the
staff's recording of walk-in, letter, phone and social-media reports, and evidence downloads.

Citizen pages work without JavaScript. Public writes are rate-limited per IP address (and the
report form per contact address too); a filled honeypot gets a pretend thank-you and stores
nothing. A refused file never loses what the citizen typed: the form comes back with the text.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mutu.complaints import selectors_intake as selectors
from mutu.complaints import services_intake as intake
from mutu.complaints.forms_intake import (
    CodeForm,
    ComplaintForm,
    PhoneCodeForm,
    RatingForm,
    RecordForm,
    ReopenForm,
    ReplyForm,
    SocialRecordForm,
    TrackLookupForm,
)
from mutu.complaints.models import TRACKING_ALPHABET, Channel, Complaint, Kind, Status
from mutu.complaints.selectors import normalise_tracking_code
from mutu.core.errors import ApplicationError
from mutu.core.files import open_stored
from mutu.core.forms import apply_service_error
from mutu.core.models import StoredFile
from mutu.core.ratelimit import client_ip, hit
from mutu.messaging.accounts import normalise_phone

# Reports per IP address and hour: generous, since an MPP's Wi-Fi puts many phones behind one
# address; the per-contact limit is the finer one.
NEW_PER_IP = (20, 3600)
NEW_PER_CONTACT = (5, 3600)
CODE_PER_IP = (30, 600)
TRACK_PER_IP = (120, 600)
TRACK_WRITE_PER_IP = (20, 600)
SKIP_PARAM = "lewati"

# What happens now, in plain words, for each state the citizen can see.
STATUS_EXPLAINED = {
    Status.SUBMITTED: _l("The complaint desk is checking your report before sending it to the unit responsible."),
    Status.NEEDS_INFO: _l("We need more information from you. Please reply below; the clock waits for you."),
    Status.FORWARDED: _l("Your report was sent to the unit responsible, which will follow it up."),
    Status.IN_PROGRESS: _l("The unit responsible is handling your report."),
    Status.WAITING_CITIZEN: _l("The unit is waiting for your reply. Please answer below; the clock waits for you."),
    Status.ANSWERED: _l("The unit has answered. If the answer did not solve your problem, you can ask to reopen it."),
    Status.REOPENED: _l("You asked to reopen the report; the unit is handling it again."),
    Status.CLOSED: _l("The report is closed."),
    Status.WITHDRAWN: _l("The report was closed because we received no reply within 30 days."),
    Status.NOT_AUTHORITY: _l("This matter is not within the authority of this government office."),
    Status.ARCHIVED: _l("The report was archived."),
    Status.MERGED: _l("The report was joined with another report about the same matter."),
}


def _too_many(request, message: str, period: int) -> HttpResponse:
    response = render(request, "core/rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(period)
    return response


def _ip_allows(request, scope: str, limit: tuple[int, int]) -> bool:
    return hit(f"{scope}:{client_ip(request)}", limit=limit[0], period=limit[1])


def _uploads(request, name: str = "evidence") -> list:
    return [f for f in request.FILES.getlist(name) if f]


def _attach_again_note(form, had_files: bool) -> None:
    if had_files and form.errors and "evidence" in form.fields:
        form.add_error(
            "evidence",
            _("Your files were not kept: for your safety the browser sends them only once. Please attach them again."),
        )


# --- the citizen's report -----------------------------------------------------------------------


def _complaint_form(request, data=None, files=None) -> ComplaintForm:
    today = timezone.localdate()
    instansi = selectors.public_instansi()
    return ComplaintForm(
        data,
        files,
        instansi_choices=instansi if instansi.count() > 1 else None,
        services=selectors.public_service_choices(today=today),
        locations=selectors.public_location_choices(),
        initial={"kind": request.GET.get("jenis") if request.GET.get("jenis") in Kind.values else Kind.COMPLAINT},
    )


def _thanks(
    request, *, tracking_code: str, confirmed: bool, email_pending: bool, phone_offer: bool = False
) -> HttpResponse:
    return render(
        request,
        "complaints/intake_thanks.html",
        {
            "tracking_code": tracking_code,
            "confirmed": confirmed,
            "email_pending": email_pending,
            "phone_offer": phone_offer,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def new(request):
    if request.method == "GET":
        return render(request, "complaints/intake_form.html", {"form": _complaint_form(request)})
    if not _ip_allows(request, "complaint-new", NEW_PER_IP):
        return _too_many(request, _("Too many reports were sent from this network. Please try again later."), 3600)
    form = _complaint_form(request, request.POST, request.FILES)
    uploads = _uploads(request)
    if request.POST.get("website"):
        # A robot filled the hidden field: pretend success, store nothing.
        fake = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(8))
        return _thanks(request, tracking_code=f"{fake[:4]}-{fake[4:]}", confirmed=False, email_pending=False)
    if form.is_valid():
        data = form.cleaned_data
        contacts = [c for c in (data["reporter_email"].lower(), data["reporter_phone"].replace(" ", "")) if c]
        if not all(
            hit(f"complaint-contact:{c}", limit=NEW_PER_CONTACT[0], period=NEW_PER_CONTACT[1]) for c in contacts
        ):
            return _too_many(
                request, _("Many reports were already sent with this contact. Please try again later."), 3600
            )
        instansi = data.get("instansi") or selectors.public_instansi().first()
        if instansi is None:
            raise Http404
        try:
            complaint = intake.submit_web_complaint(
                instansi=instansi,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                service=form.chosen_service(),
                location=data.get("location"),
                reporter_name=data["reporter_name"],
                reporter_email=data["reporter_email"],
                reporter_phone=data["reporter_phone"],
                reporter_nik=data["reporter_nik"],
                is_anonymous=data["is_anonymous"],
                is_confidential=data["is_confidential"],
                consent=data["consent"],
                uploads=uploads,
                now=timezone.now(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("complaints:confirm_email", code=complaint.tracking_code)
    _attach_again_note(form, bool(uploads))
    return render(request, "complaints/intake_form.html", {"form": form}, status=200)


def _mask_email(address: str) -> str:
    name, _sep, domain = address.partition("@")
    return f"{name[:1]}{'•' * max(len(name) - 1, 2)}@{domain}"


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_email(request, code):
    complaint = selectors.tracked_complaint(code=code)
    pending = bool(complaint.reporter_email) and complaint.email_confirmed_at is None
    if not pending or (request.method == "GET" and SKIP_PARAM in request.GET):
        return _thanks(
            request,
            tracking_code=complaint.tracking_code,
            confirmed=complaint.email_confirmed_at is not None,
            email_pending=pending,
            phone_offer=intake.phone_confirmation_offered(complaint=complaint),
        )
    form = CodeForm()
    if request.method == "POST":
        if not _ip_allows(request, "complaint-code", CODE_PER_IP):
            return _too_many(request, _("Too many tries from this network. Please wait a few minutes."), CODE_PER_IP[1])
        now = timezone.now()
        if request.POST.get("action") == "resend":
            try:
                intake.resend_email_code(complaint=complaint, now=now)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("We sent a new code. Check your email, also the spam folder."))
            return redirect("complaints:confirm_email", code=complaint.tracking_code)
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                intake.confirm_email(complaint=complaint, code=form.cleaned_data["code"], now=now)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                return redirect("complaints:confirm_email", code=complaint.tracking_code)
    return render(
        request,
        "complaints/intake_confirm.html",
        {"complaint": complaint, "form": form, "masked_email": _mask_email(complaint.reporter_email)},
    )


def _mask_phone(digits: str) -> str:
    return f"+{digits[:4]}{'•' * max(len(digits) - 7, 2)}{digits[-3:]}"


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_phone(request, code):
    """Confirm the report's WhatsApp number with a code sent there (offered, never automatic:
    a template message is the instansi's cost)."""
    complaint = selectors.tracked_complaint(code=code)
    now = timezone.now()
    confirmed = complaint.phone_confirmed_at is not None
    if not confirmed and not intake.phone_confirmation_offered(complaint=complaint):
        return redirect("complaints:track", code=complaint.tracking_code)
    form = PhoneCodeForm()
    if request.method == "POST" and not confirmed:
        if not _ip_allows(request, "complaint-code", CODE_PER_IP):
            return _too_many(request, _("Too many tries from this network. Please wait a few minutes."), CODE_PER_IP[1])
        if request.POST.get("action") == "send":
            try:
                intake.send_phone_code(complaint=complaint, now=now)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("We sent a code to your WhatsApp. It arrives in a moment."))
            return redirect("complaints:confirm_phone", code=complaint.tracking_code)
        form = PhoneCodeForm(request.POST)
        if form.is_valid():
            try:
                intake.confirm_phone(complaint=complaint, code=form.cleaned_data["code"], now=now)
            except ApplicationError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, _("Your WhatsApp number is confirmed. News of your report comes there too."))
                return redirect("complaints:confirm_phone", code=complaint.tracking_code)
    return render(
        request,
        "complaints/intake_confirm_phone.html",
        {
            "complaint": complaint,
            "form": form,
            "confirmed": confirmed,
            "code_sent": intake.phone_code_sent(complaint=complaint, now=now),
            "masked_phone": _mask_phone(normalise_phone(complaint.reporter_phone)),
        },
    )


# --- tracking ---------------------------------------------------------------------------------------


def _not_found(request, form: TrackLookupForm) -> HttpResponse:
    return render(request, "complaints/track_lookup.html", {"form": form, "not_found": True}, status=404)


@never_cache
@require_GET
def track_lookup(request):
    if "code" not in request.GET:
        return render(request, "complaints/track_lookup.html", {"form": TrackLookupForm()})
    if not _ip_allows(request, "complaint-track", TRACK_PER_IP):
        return _too_many(request, _("Too many look-ups from this network. Please wait a few minutes."), TRACK_PER_IP[1])
    form = TrackLookupForm(request.GET)
    if not form.is_valid():
        return render(request, "complaints/track_lookup.html", {"form": form})
    code = normalise_tracking_code(form.cleaned_data["code"])
    try:
        complaint = selectors.tracked_complaint(code=code)
    except Http404:
        return _not_found(request, form)
    return redirect("complaints:track", code=complaint.tracking_code)


def _track_page(
    request, complaint: Complaint, *, reply_form=None, reopen_form=None, rating_form=None, page_error="", status=200
):
    now = timezone.now()
    resolved = complaint.status in intake.RESOLVED_STATUSES
    return render(
        request,
        "complaints/track.html",
        {
            "complaint": complaint,
            "page_error": page_error,
            "zone": selectors.public_zone(complaint),
            "explained": STATUS_EXPLAINED.get(complaint.status, ""),
            "thread": selectors.public_messages(complaint=complaint),
            "first_files": selectors.first_evidence(complaint=complaint),
            "deadlines": selectors.public_deadlines(complaint=complaint, now=now),
            "can_reply": complaint.is_open,
            "reply_form": reply_form or ReplyForm(),
            "can_reopen": intake.reopen_window(complaint=complaint, now=now) is not None,
            "reopen_form": reopen_form or ReopenForm(),
            "can_rate": resolved and complaint.rating is None,
            "rating_form": rating_form or RatingForm(),
            "waiting_for_citizen": complaint.status in (Status.NEEDS_INFO, Status.WAITING_CITIZEN),
            "phone_offer": intake.phone_confirmation_offered(complaint=complaint),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def track(request, code):
    if not _ip_allows(request, "complaint-track", TRACK_PER_IP):
        return _too_many(request, _("Too many look-ups from this network. Please wait a few minutes."), TRACK_PER_IP[1])
    try:
        complaint = selectors.tracked_complaint(code=code)
    except Http404:
        return _not_found(request, TrackLookupForm(initial={"code": code}))
    if request.method == "GET":
        return _track_page(request, complaint)
    if not _ip_allows(request, "complaint-track-write", TRACK_WRITE_PER_IP):
        return _too_many(request, _("Too many messages from this network. Please wait a few minutes."), 600)
    action = request.POST.get("action")
    now = timezone.now()
    forms_by_action = {"reply": ReplyForm, "reopen": ReopenForm, "rate": RatingForm}
    if action not in forms_by_action:
        return _track_page(request, complaint, status=400)
    form = forms_by_action[action](request.POST, request.FILES)
    uploads = _uploads(request) if action == "reply" else []
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "reply":
                intake.citizen_reply(complaint=complaint, body=data["body"], uploads=uploads, now=now)
                done = _("Thank you. Your message was added to the report.")
            elif action == "reopen":
                intake.request_reopen(complaint=complaint, reason=data["reason"], now=now)
                done = _("Your report was reopened and goes back to the unit.")
            else:
                intake.rate_handling(complaint=complaint, rating=data["rating"], comment=data["comment"], now=now)
                done = _("Thank you for rating the handling of your report.")
        except ApplicationError as exc:
            if not exc.field_errors:
                # A refusal of the action itself (already rated, window passed): its form may be
                # gone from the page, so the message stands at the top.
                return _track_page(request, complaint, page_error=exc.message)
            apply_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("complaints:track", code=complaint.tracking_code)
    if action == "reply":
        _attach_again_note(form, bool(uploads))
    return _track_page(request, complaint, **{f"{'rating' if action == 'rate' else action}_form": form})


# --- staff recording ------------------------------------------------------------------------------


def _detail_url(complaint: Complaint) -> str:
    try:
        return reverse("complaints:detail", args=[complaint.pk])
    except NoReverseMatch:
        return ""


def _record_page(request, *, social: bool):
    instansi_ids = selectors.recorder_instansi_ids(request.user)
    if not instansi_ids:
        raise Http404
    instansi_qs = selectors.recorder_instansi(request.user)
    today = timezone.localdate()
    form_class = SocialRecordForm if social else RecordForm
    kwargs = {
        "instansi_choices": instansi_qs if len(instansi_ids) > 1 else None,
        "services": selectors.recorder_services(instansi_ids=instansi_ids, today=today),
        "locations": selectors.public_location_choices(),
    }
    template = "complaints/intake_record.html"
    if request.method == "GET":
        return render(request, template, {"form": form_class(**kwargs), "social": social})
    form = form_class(request.POST, request.FILES, **kwargs)
    uploads = _uploads(request)
    if form.is_valid():
        data = form.cleaned_data
        instansi = data.get("instansi") or instansi_qs.first()
        try:
            complaint = intake.record_complaint(
                recorder=request.user,
                instansi=instansi,
                channel=Channel.SOCIAL_MEDIA if social else data["channel"],
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                service=form.chosen_service(),
                location=data.get("location"),
                reporter_name=data.get("reporter_name", ""),
                reporter_email=data.get("reporter_email", ""),
                reporter_phone=data.get("reporter_phone", ""),
                reporter_nik=data.get("reporter_nik", ""),
                is_anonymous=data.get("is_anonymous", False),
                is_confidential=data.get("is_confidential", False),
                citizen_agreed=data.get("citizen_agreed", False),
                source_url=data.get("source_url", ""),
                source_name=data.get("source_name", ""),
                uploads=uploads,
                now=timezone.now(),
            )
        except ApplicationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Recorded. Tracking code %(code)s — give it to the citizen.") % {"code": complaint.tracking_code},
            )
            return redirect(_detail_url(complaint) or request.path)
    _attach_again_note(form, bool(uploads))
    return render(request, template, {"form": form, "social": social})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def record(request):
    return _record_page(request, social=False)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def record_social(request):
    return _record_page(request, social=True)


@login_required
@require_GET
def evidence(request, evidence_id):
    item = selectors.evidence_for_user(user=request.user, evidence_id=evidence_id)
    stored = item.file
    response = FileResponse(open_stored(stored), content_type=stored.content_type)
    disposition = "attachment" if stored.kind == StoredFile.Kind.PDF else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{stored.id.hex}.{stored.kind}"'
    response["Cache-Control"] = "private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response
