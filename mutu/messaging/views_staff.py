"""Staff pages of the chat channels ("Percakapan"): messages that are not (yet) part of a report,
one contact's thread with a reply box and "file a report from it", and the template names.

Scoped like every staff page: an account the user may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutu.core.errors import ApplicationError
from mutu.core.forms import apply_service_error
from mutu.core.permissions import staff_required
from mutu.messaging import selectors
from mutu.messaging import services_staff as services
from mutu.messaging.conversation import is_greeting, title_from
from mutu.messaging.forms_staff import AccountForm, ConversationReplyForm, FileComplaintForm, TemplateForm
from mutu.organisations.models import Instansi, Membership, Unit
from mutu.organisations.selectors import _instansi_ids
from mutu.standards.models import Service


@staff_required
@require_GET
def conversations(request):
    if not selectors.accounts_visible_to(user=request.user).exists():
        raise Http404
    rows = selectors.conversation_rows(user=request.user)
    may_configure = _administered_instansi(request.user).exists()
    return render(request, "messaging/conversations.html", {"rows": rows, "may_configure": may_configure})


def _services_of(account) -> list[Service]:
    return list(
        Service.objects.filter(unit__instansi_id=account.instansi_id, is_active=True)
        .select_related("unit")
        .order_by("unit__name", "name")
    )


def _file_initial(thread) -> dict:
    texts = [t for t in thread.loose_texts if t.strip()]
    # The subject comes from the first message that tells something, as the guide would make it.
    story = next((t for t in texts if not is_greeting(t)), texts[0] if texts else "")
    return {
        "title": title_from(story) if story else "",
        "description": "\n\n".join(thread.loose_texts),
        "reporter_name": thread.contact.profile_name if thread.show_identity else "",
    }


@staff_required
@require_http_methods(["GET", "POST"])
def conversation(request, account_id: int, contact_id: int):
    now = timezone.now()
    thread = selectors.conversation_thread(user=request.user, account_id=account_id, contact_id=contact_id, now=now)
    services_list = _services_of(thread.account)
    reply_form = ConversationReplyForm(prefix="reply")
    file_form = FileComplaintForm(prefix="file", services=services_list, initial=_file_initial(thread))
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "reply":
                reply_form = ConversationReplyForm(request.POST, prefix="reply")
                if not reply_form.is_valid():
                    raise ApplicationError(_("Please write a message."))
                services.reply_in_conversation(
                    account=thread.account,
                    contact=thread.contact,
                    text=reply_form.cleaned_data["text"],
                    token=reply_form.cleaned_data["token"],
                    by=request.user,
                    now=now,
                )
                messages.success(request, _("The reply is queued and goes out in a moment."))
                return redirect("messaging:conversation", thread.account.pk, thread.contact.pk)
            if action == "file":
                file_form = FileComplaintForm(request.POST, prefix="file", services=services_list)
                if not file_form.is_valid():
                    raise ApplicationError(_("Some fields need attention."))
                data = file_form.cleaned_data
                complaint = services.file_complaint_from_conversation(
                    account=thread.account,
                    contact=thread.contact,
                    by=request.user,
                    title=data["title"],
                    description=data["description"],
                    kind=data["kind"],
                    service=file_form.chosen_service(),
                    reporter_name=data["reporter_name"],
                    is_anonymous=data["is_anonymous"],
                    is_confidential=data["is_confidential"],
                    now=now,
                )
                messages.success(
                    request,
                    _("Report %(code)s is filed from the conversation; the citizen gets the tracking code.")
                    % {"code": complaint.tracking_code},
                )
                return redirect("messaging:conversation", thread.account.pk, thread.contact.pk)
            raise Http404
        except ApplicationError as exc:
            form = reply_form if action == "reply" else file_form
            if exc.field_errors:
                apply_service_error(form, exc)
            elif not form.errors:
                form.add_error(None, exc.message)
            status = 400
    context = {"thread": thread, "reply_form": reply_form, "file_form": file_form}
    return render(request, "messaging/conversation.html", context, status=status)


# --- accounts and templates ---------------------------------------------------------------------


def _administered_instansi(user):
    if user.is_superuser:
        return Instansi.objects.all()
    return Instansi.objects.filter(pk__in=_instansi_ids(user, (Membership.Role.INSTANSI_ADMIN,)))


@staff_required
@require_http_methods(["GET", "POST"])
def accounts(request):
    instansi = list(_administered_instansi(request.user).order_by("name"))
    if not instansi:
        raise Http404
    account_list = list(
        selectors.accounts_administered_by(user=request.user)
        .filter(instansi__in=instansi)
        .select_related("instansi", "unit")
        .order_by("instansi__name", "platform", "display_name")
    )
    units_by_instansi: dict[int, list[Unit]] = {}
    for unit in Unit.objects.filter(instansi__in=instansi).order_by("name"):
        units_by_instansi.setdefault(unit.instansi_id, []).append(unit)
    templates = selectors.templates_of(accounts=account_list)
    new_forms = {
        a.pk: TemplateForm(prefix=f"new-{a.pk}", units=units_by_instansi.get(a.instansi_id, [])) for a in account_list
    }
    edit_forms: dict[int, TemplateForm] = {}
    all_units = [u for units in units_by_instansi.values() for u in units]
    account_form = AccountForm(instansi=instansi, units=all_units)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "connect":
        account_form = AccountForm(request.POST, instansi=instansi, units=all_units)
        try:
            if not account_form.is_valid():
                raise ApplicationError(_("Some fields need attention."))
            data = account_form.cleaned_data
            services.connect_chat_account(
                instansi=account_form.chosen_instansi(),
                platform=data["platform"],
                external_id=data["external_id"],
                display_name=data["display_name"],
                display_address=data["display_address"],
                unit=account_form.chosen_unit(),
                by=request.user,
                now=timezone.now(),
            )
        except ApplicationError as exc:
            if exc.field_errors:
                apply_service_error(account_form, exc)
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(request, _("The account is connected. Add its approved templates below."))
            return redirect("messaging:accounts")
    elif request.method == "POST":
        account = next((a for a in account_list if str(a.pk) == request.POST.get("account", "")), None)
        if account is None:
            raise Http404
        units = units_by_instansi.get(account.instansi_id, [])
        edited = None
        template_id = request.POST.get("template", "")
        if template_id:
            edited = next((t for t in templates[account.pk] if str(t.pk) == template_id), None)
            if edited is None:
                raise Http404
        now = timezone.now()
        if request.POST.get("action") == "delete" and edited is not None:
            services.delete_message_template(template=edited, by=request.user, now=now)
            messages.success(request, _("The template is removed."))
            return redirect("messaging:accounts")
        form = TemplateForm(request.POST, prefix=f"edit-{edited.pk}" if edited else f"new-{account.pk}", units=units)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Some fields need attention."))
            services.save_message_template(
                account=account,
                purpose=form.cleaned_data["purpose"],
                name=form.cleaned_data["name"],
                language=form.cleaned_data["language"],
                unit=form.chosen_unit(),
                template=edited,
                by=request.user,
                now=now,
            )
        except ApplicationError as exc:
            if exc.field_errors:
                apply_service_error(form, exc)
            messages.error(request, exc.message)
            status = 400
            if edited is None:
                new_forms[account.pk] = form
            else:
                edit_forms[edited.pk] = form
        else:
            messages.success(request, _("The template is saved."))
            return redirect("messaging:accounts")
    rows = [
        {
            "account": a,
            "templates": [
                (
                    t,
                    edit_forms.get(t.pk)
                    or TemplateForm(
                        prefix=f"edit-{t.pk}",
                        units=units_by_instansi.get(a.instansi_id, []),
                        initial={"purpose": t.purpose, "unit": t.unit_id, "name": t.name, "language": t.language},
                    ),
                )
                for t in templates[a.pk]
            ],
            "new_form": new_forms[a.pk],
        }
        for a in account_list
    ]
    return render(request, "messaging/accounts.html", {"rows": rows, "account_form": account_form}, status=status)
