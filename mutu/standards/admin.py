from django.contrib import admin

from mutu.standards import models


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "category", "is_active"]
    list_filter = ["unit"]
    search_fields = ["name"]
