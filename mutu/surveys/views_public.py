"""The citizen's survey pages: after a served queue ticket, from a poster QR, and the poster.

Plain forms that work without JavaScript. Every refusal a citizen can meet (not served yet,
already answered, survey closed, too many answers from one browser) is a kind page, not an
error. Anonymous answers are limited per browser — a random long-lived cookie of which only a
hash is stored — and per IP address.
"""

from __future__ import annotations

import re
import secrets

import segno
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mutu.core.errors import ApplicationError
from mutu.core.ratelimit import client_ip, hit
from mutu.queues.models import Ticket
from mutu.surveys import selectors_public as selectors
from mutu.surveys.forms_public import PublicSurveyForm, apply_submission_error
from mutu.surveys.models import Survey
from mutu.surveys.services import is_open_on
from mutu.surveys.services_public import device_hash_of, submit_anonymous_survey, submit_ticket_survey

DEVICE_COOKIE = "mutu_survey_device"
DEVICE_COOKIE_MAX_AGE = 2 * 365 * 24 * 3600
DEVICE_COOKIE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
# Answers sent per IP address and period: generous, since an MPP's Wi-Fi puts many phones
# behind one address; the per-browser limit (one per survey and day) is the finer one.
RATE_LIMIT = 30
RATE_PERIOD = 600
THANKS_PARAM = "terima-kasih"


def _device_cookie(request) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if DEVICE_COOKIE_PATTERN.match(value) else ""


def _with_device_cookie(request, response: HttpResponse) -> HttpResponse:
    if not _device_cookie(request):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(32),
            max_age=DEVICE_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=getattr(settings, "HTTPS", False),
        )
    return response


def _message(request, kind: str, *, survey: Survey | None = None, ticket: Ticket | None = None, status=200):
    return render(
        request,
        "surveys/public_message.html",
        {"kind": kind, "survey": survey, "ticket": ticket, "today": timezone.localdate()},
        status=status,
    )


def _closed(request, survey: Survey, *, ticket: Ticket | None = None):
    today = selectors.local_today(survey, timezone.now())
    not_started = survey.status == Survey.Status.DRAFT or today < survey.starts_on
    kind = "not_yet" if not_started and survey.status != Survey.Status.CLOSED and today <= survey.ends_on else "closed"
    return _message(request, kind, survey=survey, ticket=ticket)


def _rate_limited(request) -> HttpResponse:
    response = render(
        request,
        "core/rate_limited.html",
        {"message": _("Too many answers were sent from this network. Please wait a few minutes and try again.")},
        status=429,
    )
    response["Retry-After"] = str(RATE_PERIOD)
    return response


def _form_page(request, *, survey, form, ticket=None):
    return render(
        request,
        "surveys/public_form.html",
        {"survey": survey, "form": form, "ticket": ticket, "intro": survey.questionnaire.intro},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_survey(request, ticket_token):
    try:
        ticket = selectors.ticket_by_token(token=ticket_token)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    if ticket.status != Ticket.Status.DONE:
        return _message(request, "not_served", ticket=ticket)
    existing = selectors.ticket_response(ticket=ticket)
    if existing is not None:
        return _message(request, "thanks" if THANKS_PARAM in request.GET else "already_answered", ticket=ticket)
    survey = selectors.survey_for_ticket(ticket=ticket)
    if survey is None:
        return _message(request, "no_survey", ticket=ticket)
    now = timezone.now()
    if not is_open_on(survey, selectors.local_today(survey, now)):
        return _closed(request, survey, ticket=ticket)

    questions = selectors.questionnaire_questions(questionnaire_id=survey.questionnaire_id)
    if request.method == "GET":
        return _form_page(request, survey=survey, ticket=ticket, form=PublicSurveyForm(questions=questions))
    if not hit(f"survey-ticket:{client_ip(request)}", limit=RATE_LIMIT, period=RATE_PERIOD):
        return _rate_limited(request)
    form = PublicSurveyForm(request.POST, questions=questions)
    if form.is_valid():
        try:
            _response, created = submit_ticket_survey(
                survey=survey,
                ticket=ticket,
                answers=form.answers(),
                profile=form.profile(),
                suggestion=form.cleaned_data["suggestion"],
                now=now,
            )
        except ApplicationError as exc:
            apply_submission_error(form, exc)
        else:
            if not created:
                return _message(request, "already_answered", ticket=ticket)
            url = reverse("surveys:ticket_survey", args=[ticket.public_token])
            return redirect(f"{url}?{THANKS_PARAM}=1")
    return _form_page(request, survey=survey, ticket=ticket, form=form)


@never_cache
@require_http_methods(["GET", "POST"])
def qr_survey(request, token):
    try:
        survey = selectors.survey_by_token(token=token)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc
    if not survey.allow_anonymous_qr:
        return _message(request, "no_anonymous", survey=survey)
    now = timezone.now()
    today = selectors.local_today(survey, now)
    if not is_open_on(survey, today):
        return _closed(request, survey)

    cookie = _device_cookie(request)
    device_hash = device_hash_of(cookie) if cookie else ""
    if device_hash and selectors.device_answered_on(survey=survey, device_hash=device_hash, day=today):
        kind = "thanks" if THANKS_PARAM in request.GET else "already_today"
        return _message(request, kind, survey=survey)

    questions = selectors.questionnaire_questions(questionnaire_id=survey.questionnaire_id)
    scope = selectors.survey_scope(survey=survey)
    if request.method == "GET":
        form = PublicSurveyForm(questions=questions, scope=scope)
        return _with_device_cookie(request, _form_page(request, survey=survey, form=form))
    if not hit(f"survey-qr:{client_ip(request)}", limit=RATE_LIMIT, period=RATE_PERIOD):
        return _rate_limited(request)
    form = PublicSurveyForm(request.POST, questions=questions, scope=scope)
    if form.is_valid():
        if not device_hash:
            # The form came without our cookie (opened elsewhere, or cookies blocked): the
            # answers are kept and a cookie is set with this page, so sending again works.
            form.add_error(
                None,
                _(
                    "Your browser did not keep our cookie. "
                    "Your answers are still here: please allow cookies and send again."
                ),
            )
        else:
            data = form.cleaned_data
            try:
                submit_anonymous_survey(
                    survey=survey,
                    device_hash=device_hash,
                    answers=form.answers(),
                    location=form.location(),
                    gerai=data.get("gerai"),
                    service=data.get("service"),
                    profile=form.profile(),
                    suggestion=data["suggestion"],
                    now=now,
                )
            except ApplicationError as exc:
                apply_submission_error(form, exc)
            else:
                url = reverse("surveys:qr", args=[survey.public_token])
                return redirect(f"{url}?{THANKS_PARAM}=1")
    return _with_device_cookie(request, _form_page(request, survey=survey, form=form))


def survey_qr_url(survey: Survey) -> str:
    """The absolute address a poster's QR code opens."""
    return settings.SITE_URL + reverse("surveys:qr", args=[survey.public_token])


@require_GET
def qr_poster(request, token):
    """An A4 page to print and hang at the counter: the anonymous survey's QR code."""
    try:
        survey = selectors.survey_by_token(token=token)
    except Survey.DoesNotExist as exc:
        raise Http404 from exc
    url = survey_qr_url(survey)
    qr = segno.make(url, error="m").svg_inline(scale=10, omitsize=True, title=_("QR code of the survey"))
    return render(
        request,
        "surveys/public_poster.html",
        {"survey": survey, "url": url, "qr": qr if survey.allow_anonymous_qr else ""},
    )
