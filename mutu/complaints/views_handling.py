"""The unit's inbox and handling pages, the unit's categories, and the statistics.

Scoped like every staff page: a complaint the user cannot see is a 404; a unit that forwarded a
complaint keeps a read-only view; only the unit holding it now gets the action forms.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutu.complaints import services_handling as services
from mutu.complaints.forms_handling import (
    AnswerForm,
    AssignForm,
    BodyForm,
    CannedReplyForm,
    CategoryForm,
    InboxFilterForm,
    RedressForm,
    StatsPeriodForm,
)
from mutu.complaints.models import CannedReply, Category, Channel, Kind, Message, Stage, Status
from mutu.complaints.selectors import (
    can_act_on,
    can_see_identity,
    complaints_visible_to,
    handler_unit_ids,
    verifier_instansi_ids,
)
from mutu.complaints.selectors_handling import (
    assignable_officers,
    canned_replies_for,
    categories_for,
    complaint_for_detail,
    complaint_stats,
    inbox,
    inbox_options,
)
from mutu.complaints.selectors_verification import can_redirect
from mutu.core.charts import bar_chart
from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import get_visible_or_404, staff_required
from mutu.messaging.selectors import accounts_visible_to, complaint_chat
from mutu.organisations.models import Unit
from mutu.organisations.selectors import units_managed_by

PER_PAGE = 25


def _url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- inbox ------------------------------------------------------------------------------------------


@staff_required
@require_GET
def inbox_page(request):
    now = timezone.now()
    options = inbox_options(user=request.user)
    form = InboxFilterForm(request.GET or None, options=options)
    items = inbox(user=request.user, filters=form.filters(), now=now)
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    handled_units = handler_unit_ids(request.user)
    rows = [
        {
            "complaint": c,
            "can_act": c.unit_id is not None and (request.user.is_superuser or c.unit_id in handled_units),
            "forwarded_away": c.unit_id is not None
            and c.unit_id not in handled_units
            and _held_before(request.user, c),
            "overdue": c.next_due_at is not None and c.next_due_at < now and c.paused_since is None,
        }
        for c in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "assign_form": AssignForm(officers=options.assignable),
        "can_assign": bool(options.assignable) and any(r["can_act"] for r in rows),
        "next": request.get_full_path(),
        "managed_units": list(units_managed_by(user=request.user).order_by("name")[:10]),
        "has_chats": accounts_visible_to(user=request.user).exists(),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "complaints/inbox.html#results", context)
    return render(request, "complaints/inbox.html", context)


def _held_before(user, complaint) -> bool:
    """A handler's view of a complaint their unit forwarded (unit handlers only, not verifiers)."""
    if complaint.instansi_id in verifier_instansi_ids(user) or user.is_superuser:
        return False
    return complaint.unit_id not in handler_unit_ids(user)


@staff_required
@require_POST
def inbox_assign(request):
    options = inbox_options(user=request.user)
    form = AssignForm(request.POST, officers=options.assignable)
    ids = [int(v) for v in request.POST.getlist("complaint") if v.isdigit()][: PER_PAGE * 4]
    target = _safe_next(request, reverse("complaints:inbox"))
    if not form.is_valid():
        messages.error(request, _("Choose an officer."))
        return redirect(target)
    if not ids:
        messages.error(request, _("Tick at least one report."))
        return redirect(target)
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(pk=form.cleaned_data["officer"])
    complaints = complaints_visible_to(user=request.user).filter(pk__in=ids)
    assigned, skipped = services.assign_complaints(
        complaints=complaints, officer=officer, by=request.user, now=timezone.now()
    )
    skipped += len(ids) - len(complaints)
    messages.success(
        request,
        ngettext("%(n)s report assigned.", "%(n)s reports assigned.", assigned) % {"n": assigned},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(n)s report was skipped: your unit does not hold it or the officer does not work for its unit.",
                "%(n)s reports were skipped: your unit does not hold them or the officer does not work for their unit.",
                skipped,
            )
            % {"n": skipped},
        )
    return redirect(target)


def _safe_next(request, fallback: str) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- one complaint ----------------------------------------------------------------------------------


def _deadline_rows(complaint, now):
    rows = []
    for d in complaint.deadlines.all():
        if d.cancelled_at is not None:
            continue
        rows.append(
            {
                "deadline": d,
                "label": Stage(d.stage).label,
                "open": d.met_at is None,
                "overdue": d.met_at is None and d.due_at < now and complaint.paused_since is None,
                "late": d.met_at is not None and d.met_at > d.due_at,
            }
        )
    return rows


def _detail_context(request, complaint, *, forms: dict | None = None, now=None) -> dict:
    now = now or timezone.now()
    user = request.user
    can_act = can_act_on(user=user, complaint=complaint)
    canned = canned_replies_for(complaint=complaint) if can_act else []
    reply_initial = ""
    chosen = request.GET.get("balasan", "")
    if chosen.isdigit():
        reply_initial = next((c.body for c in canned if c.pk == int(chosen)), "")
    forms = forms or {}
    categories = categories_for(unit_id=complaint.unit_id) if can_act else []
    officers = assignable_officers(unit_id=complaint.unit_id) if can_act else []
    thread = list(complaint.messages.all())
    zone = ZoneInfo(complaint.unit.timezone if complaint.unit else complaint.instansi.timezone)
    context = {
        "complaint": complaint,
        "can_act": can_act,
        "read_only_history": not can_act and complaint.unit_id is not None and _held_before(user, complaint),
        "show_identity": can_see_identity(user=user, complaint=complaint) and not complaint.is_anonymous,
        "identity_url": _url_or_empty("complaints:identity", complaint.pk)
        if complaint.is_anonymous and can_see_identity(user=user, complaint=complaint)
        else "",
        "redirect_url": (
            _url_or_empty("complaints:redirect", complaint.pk)
            if can_act and can_redirect(user=user, complaint=complaint)
            else ""
        ),
        "deadlines": _deadline_rows(complaint, now),
        "thread": thread,
        # The WhatsApp/Instagram thread beside the complaint, and how a reply would go out.
        "chat": complaint_chat(complaint=complaint, user=user, now=now),
        "public_kinds": (Message.Kind.CITIZEN, Message.Kind.PUBLIC_REPLY, Message.Kind.SYSTEM),
        "events": list(complaint.events.all()),
        "evidence": list(complaint.evidence.all()),
        "handlings": list(complaint.handlings.all()),
        "canned": canned,
        "categories": categories,
        "officers": officers,
        "zone": zone,
        "reply_form": forms.get("reply") or BodyForm(initial={"body": reply_initial}, prefix="reply"),
        "note_form": forms.get("note") or BodyForm(prefix="note"),
        "ask_form": forms.get("ask") or BodyForm(prefix="ask"),
        "answer_form": forms.get("answer") or AnswerForm(initial={"outcome": complaint.outcome}),
        "redress_form": forms.get("redress")
        or RedressForm(
            initial={"redress_claim": complaint.redress_claim, "redress_decision": complaint.redress_decision}
        ),
        "extend_form": forms.get("extend") or BodyForm(prefix="extend"),
        "social_form": forms.get("social") or BodyForm(prefix="social"),
        "error": forms.get("error", ""),
        "can_start": complaint.status in services.START_FROM,
        "can_ask": complaint.status == Status.IN_PROGRESS,
        "can_answer": complaint.status in services.ANSWER_FROM,
        "can_close": complaint.status == Status.ANSWERED,
        "can_reply": complaint.status in services.REPLY_STATUSES,
        "can_extend": complaint.kind == Kind.INFORMATION
        and complaint.is_open
        and any(
            d["open"] and d["deadline"].stage == Stage.INFORMATION and not d["deadline"].extended
            for d in _deadline_rows(complaint, now)
        ),
        "is_social": complaint.channel == Channel.SOCIAL_MEDIA,
    }
    return context


@staff_required
@require_GET
def detail(request, pk: int):
    complaint = complaint_for_detail(user=request.user, pk=pk)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


# action name → (form class, prefix, service call)
def _run_action(request, complaint, action: str, now):
    by = request.user
    post = request.POST
    if action == "take":
        return services.assign_complaint(complaint=complaint, officer=by, by=by, now=now), _("The report is yours.")
    if action == "assign":
        officer_id = post.get("officer", "")
        officer = None
        if officer_id:
            from django.contrib.auth import get_user_model

            officer = get_user_model().objects.filter(pk=officer_id if officer_id.isdigit() else 0).first()
            if officer is None:
                raise ApplicationError(_("Choose an officer."))
        services.assign_complaint(complaint=complaint, officer=officer, by=by, now=now)
        return None, _("The assignment is saved.")
    if action == "category":
        value = post.get("category", "")
        category = Category.objects.filter(pk=value if value.isdigit() else 0).first()
        if category is None:
            raise ApplicationError(_("Choose one of the unit's categories."))
        services.set_category(complaint=complaint, category=category, by=by, now=now)
        return None, _("The category is saved and the completion deadline follows its limit.")
    if action == "start":
        services.start_handling(complaint=complaint, by=by, now=now)
        return None, _("You started handling this report.")
    if action == "close":
        services.close_complaint(complaint=complaint, by=by, now=now)
        return None, _("The report is closed.")
    return "form", None


FORM_ACTIONS = {
    "reply": (
        "reply",
        lambda c, d, by, now: services.post_public_reply(complaint=c, body=d["body"], by=by, now=now),
        gettext_lazy("The reply is published on the tracking page."),
    ),
    "note": (
        "note",
        lambda c, d, by, now: services.add_internal_note(complaint=c, body=d["body"], by=by, now=now),
        gettext_lazy("The internal note is saved."),
    ),
    "ask": (
        "ask",
        lambda c, d, by, now: services.ask_citizen(complaint=c, question=d["body"], by=by, now=now),
        gettext_lazy("The citizen is asked for more; the deadlines are paused."),
    ),
    "extend": (
        "extend",
        lambda c, d, by, now: services.extend_information_deadline(complaint=c, reason=d["body"], by=by, now=now),
        gettext_lazy("The deadline is extended and the citizen is told why."),
    ),
    "social": (
        "social",
        lambda c, d, by, now: services.log_social_post(complaint=c, body=d["body"], by=by, now=now),
        gettext_lazy("The reply posted on social media is logged."),
    ),
}


@staff_required
@require_POST
def act(request, pk: int):
    complaint = get_visible_or_404(complaints_visible_to(user=request.user).select_related("unit", "instansi"), pk=pk)
    if not can_act_on(user=request.user, complaint=complaint):
        raise Http404
    action = request.POST.get("action", "")
    now = timezone.now()
    forms: dict = {}
    try:
        result, message = _run_action(request, complaint, action, now)
        if result == "form":
            if action in FORM_ACTIONS:
                prefix, call, message = FORM_ACTIONS[action]
                form = BodyForm(request.POST, prefix=prefix)
                forms[action] = form
                if not form.is_valid():
                    raise ApplicationError(_("Please write a message."))
                call(complaint, form.cleaned_data, request.user, now)
            elif action == "answer":
                form = AnswerForm(request.POST)
                forms["answer"] = form
                if not form.is_valid():
                    raise ApplicationError(_("Please write the answer and the action taken."))
                services.answer_complaint(
                    complaint=complaint, outcome=form.cleaned_data["outcome"], by=request.user, now=now
                )
                message = _("The answer is sent; the citizen may ask to reopen within the reopen window.")
            elif action == "redress":
                form = RedressForm(request.POST)
                forms["redress"] = form
                if not form.is_valid():
                    raise ApplicationError(_("Please write what the citizen claims."))
                services.record_redress(
                    complaint=complaint,
                    claim=form.cleaned_data["redress_claim"],
                    decision=form.cleaned_data["redress_decision"],
                    by=request.user,
                    now=now,
                )
                message = _("The redress claim is recorded.")
            else:
                raise Http404
    except ApplicationError as exc:
        if forms:
            form = next(iter(forms.values()))
            if exc.field_errors or not form.errors:
                if exc.field_errors:
                    apply_service_error(form, exc)
                else:
                    form.add_error(None, exc.message)
        fresh = complaint_for_detail(user=request.user, pk=pk)
        context = _detail_context(request, fresh, forms={**forms, "error": exc.message}, now=now)
        return render(request, "complaints/detail.html", context, status=400)
    messages.success(request, message)
    return redirect("complaints:detail", complaint.pk)


# --- categories and canned replies ------------------------------------------------------------------


def _managed_unit(request, unit_slug: str) -> Unit:
    return get_visible_or_404(units_managed_by(user=request.user), slug=unit_slug)


@staff_required
@require_http_methods(["GET", "POST"])
def categories(request, unit_slug: str):
    unit = _managed_unit(request, unit_slug)
    unit_categories = list(Category.objects.filter(unit=unit).order_by("completion_days", "name"))
    replies = list(CannedReply.objects.filter(unit=unit).select_related("category").order_by("title"))
    category_form = CategoryForm(prefix="new-category")
    reply_form = CannedReplyForm(categories=unit_categories, prefix="new-reply")
    status = 200
    if request.method == "POST":
        what = request.POST.get("what", "")
        now = timezone.now()
        try:
            if what == "category":
                edited = _owned(unit_categories, request.POST.get("category_id"))
                form = CategoryForm(request.POST, prefix=f"category-{edited.pk}" if edited else "new-category")
                if edited is None:
                    category_form = form
                if not form.is_valid():
                    raise ApplicationError(_("Some fields need attention."))
                services.save_category(unit=unit, by=request.user, category=edited, now=now, **form.cleaned_data)
                messages.success(request, _("The category is saved."))
            elif what == "reply":
                edited = _owned(replies, request.POST.get("reply_id"))
                form = CannedReplyForm(
                    request.POST, categories=unit_categories, prefix=f"reply-{edited.pk}" if edited else "new-reply"
                )
                if edited is None:
                    reply_form = form
                if not form.is_valid():
                    raise ApplicationError(_("Some fields need attention."))
                category = next((c for c in unit_categories if c.pk == form.cleaned_data["category"]), None)
                services.save_canned_reply(
                    unit=unit,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    category=category,
                    reply=edited,
                    now=now,
                )
                messages.success(request, _("The canned reply is saved."))
            elif what == "delete-reply":
                edited = _owned(replies, request.POST.get("reply_id"))
                if edited is None:
                    raise Http404
                services.delete_canned_reply(reply=edited, by=request.user, now=now)
                messages.success(request, _("The canned reply is deleted."))
            else:
                raise Http404
            return redirect("complaints:categories", unit.slug)
        except ApplicationError as exc:
            if exc.field_errors:
                apply_service_error(form, exc)
            messages.error(request, exc.message)
            status = 400
    context = {
        "unit": unit,
        "categories": [
            (c, CategoryForm(prefix=f"category-{c.pk}", initial=_category_initial(c))) for c in unit_categories
        ],
        "replies": [
            (
                r,
                CannedReplyForm(
                    categories=unit_categories,
                    prefix=f"reply-{r.pk}",
                    initial={"title": r.title, "body": r.body, "category": r.category_id},
                ),
            )
            for r in replies
        ],
        "category_form": category_form,
        "reply_form": reply_form,
    }
    return render(request, "complaints/categories.html", context, status=status)


def _owned(items, value):
    if not value:
        return None
    found = next((item for item in items if str(item.pk) == str(value)), None)
    if found is None:
        raise Http404
    return found


def _category_initial(c: Category) -> dict:
    return {
        "name": c.name,
        "completion_days": c.completion_days,
        "day_kind": c.day_kind,
        "lapor_category": c.lapor_category,
        "is_active": c.is_active,
    }


# --- statistics -------------------------------------------------------------------------------------


def _day_bounds(day: datetime.date | None, zone: ZoneInfo) -> datetime.datetime | None:
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)


@staff_required
@require_GET
def stats(request):
    now = timezone.now()
    form = StatsPeriodForm(request.GET or None)
    start_day, end_day = form.period()
    zone = ZoneInfo(timezone.get_current_timezone_name())
    start = _day_bounds(start_day, zone)
    end = _day_bounds(end_day + datetime.timedelta(days=1), zone) if end_day else None
    result = complaint_stats(user=request.user, start=start, end=end, now=now)

    def one(value):
        return formats.number_format(value, decimal_pos=1)

    charts = {
        "channel_count": bar_chart(
            title=_("Reports per channel"),
            data=[(r.label, r.count) for r in result.by_channel],
            value_label=_("Reports"),
            category_label=_("Channel"),
        ),
        "channel_within": bar_chart(
            title=_("Share answered within the deadline, per channel (%)"),
            data=[(r.label, r.within_deadline_percent) for r in result.by_channel],
            value_label=_("Within the deadline (%)"),
            category_label=_("Channel"),
            max_value=100,
            number_format=one,
        ),
        "category_completion": bar_chart(
            title=_("Median days to the answer, per category"),
            data=[(r.label, r.median_completion_days) for r in result.by_category],
            value_label=_("Median days"),
            category_label=_("Category"),
            number_format=one,
        ),
    }
    context = {"form": form, "stats": result, "charts": charts}
    return render(request, "complaints/stats.html", context)
