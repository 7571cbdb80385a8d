from django.contrib import admin

from mutu.core.models import AuditEvent


def restrict_admin_to_superusers(site: admin.AdminSite) -> None:
    """Django admin is a superuser's tool; unit staff work in mutu's own pages."""

    def has_permission(request):
        return request.user.is_active and request.user.is_superuser

    site.has_permission = has_permission
    site.site_header = "mutu"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_id", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
