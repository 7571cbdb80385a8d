"""Django admin for superusers: read the survey engine's rows; unit staff use mutu's own pages."""

from django.contrib import admin

from mutu.surveys import models


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0
    fields = ["position", "code", "unsur", "kind", "text", "scale", "is_required"]
    raw_id_fields = ["scale"]


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "unit", "is_locked", "created_at"]
    list_filter = ["is_locked", "unit"]
    inlines = [QuestionInline]
    raw_id_fields = ["based_on", "created_by"]


class ScaleOptionInline(admin.TabularInline):
    model = models.ScaleOption
    extra = 0


@admin.register(models.Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [ScaleOptionInline]


@admin.register(models.Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "mpp", "starts_on", "ends_on", "status", "target_sample"]
    list_filter = ["status", "unit"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["questionnaire", "created_by"]
    filter_horizontal = ["locations", "gerai", "counters", "services", "surveyors"]


@admin.register(models.SurveyDevice)
class SurveyDeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "location", "counter", "registered_at", "revoked_at"]
    exclude = ["token_hash", "registration_code_hash"]


@admin.register(models.Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["id", "survey", "unit", "channel", "day", "answered_at"]
    list_filter = ["channel"]
    raw_id_fields = ["survey", "questionnaire", "device", "ticket", "surveyor", "import_batch"]
    list_select_related = ["survey", "unit"]

    # Answers change only through services, which keep the tallies current.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.FollowUpAction)
class FollowUpActionAdmin(admin.ModelAdmin):
    list_display = ["survey", "unsur", "action", "due_date", "status"]
    list_filter = ["status", "unsur"]
    raw_id_fields = ["survey", "evidence", "created_by"]


@admin.register(models.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["original_name", "survey", "status", "total_rows", "imported_rows", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["survey", "file", "created_by"]
