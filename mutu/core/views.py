from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mutu.core.files import open_stored
from mutu.core.models import StoredFile
from mutu.core.permissions import staff_required
from mutu.organisations import selectors as org_selectors


class LoginForm(AuthenticationForm):
    # Django's Indonesian text repeats "nama pengguna"; ours reads naturally in both languages.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
    }


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


logout = auth_views.LogoutView.as_view()


@staff_required
def dashboard(request):
    user = request.user
    units = org_selectors.units_visible_to(user=user).select_related("instansi").order_by("name")
    managed_ids = set(org_selectors.units_managed_by(user=user).values_list("id", flat=True))
    locations = org_selectors.locations_visible_to(user=user).select_related("manager_unit")
    managed_location_ids = set(org_selectors.locations_managed_by(user=user).values_list("id", flat=True))
    admin_instansi = {m.instansi for m in org_selectors.memberships_of(user) if m.role == m.Role.INSTANSI_ADMIN}
    return render(
        request,
        "core/dashboard.html",
        {
            "units": units,
            "managed_ids": managed_ids,
            "locations": locations,
            "managed_location_ids": managed_location_ids,
            "admin_instansi": sorted(admin_instansi, key=lambda i: i.name),
            "memberships": org_selectors.memberships_of(user),
        },
    )


@require_GET
def stored_file(request, file_id):
    """Serve an upload after checking that this person may see it.

    Public documents (signed decree or maklumat scans) are for everyone; anything
    else only for staff who can see the file's unit.  Others get 404.
    """
    try:
        stored = StoredFile.objects.get(pk=file_id)
    except (StoredFile.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    if not stored.is_public:
        visible = org_selectors.units_visible_to(user=request.user)
        if stored.unit_id is None or not visible.filter(pk=stored.unit_id).exists():
            raise Http404
    response = FileResponse(open_stored(stored), content_type=stored.content_type)
    disposition = "inline" if stored.kind != StoredFile.Kind.PDF or stored.is_public else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{stored.id.hex}.{stored.kind}"'
    response["Cache-Control"] = "private, max-age=0" if not stored.is_public else "public, max-age=3600"
    return response
