from django.contrib import admin

from mutu.organisations import models


@admin.register(models.Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "timezone"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "instansi", "timezone", "is_active"]
    list_filter = ["instansi"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(models.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "manager_unit", "timezone", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "instansi", "unit"]
    list_filter = ["role", "instansi"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
