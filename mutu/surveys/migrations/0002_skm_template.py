from django.db import migrations
from django.utils import timezone


def create_template(apps, schema_editor):
    from mutu.surveys.skm_template import FACES, QUESTIONS, TEMPLATE_INTRO, TEMPLATE_NAME

    Questionnaire = apps.get_model("surveys", "Questionnaire")
    Question = apps.get_model("surveys", "Question")
    Scale = apps.get_model("surveys", "Scale")
    ScaleOption = apps.get_model("surveys", "ScaleOption")
    if Questionnaire.objects.filter(unit__isnull=True, number=1).exists():
        return
    questionnaire = Questionnaire.objects.create(
        unit=None, name=TEMPLATE_NAME, number=1, intro=TEMPLATE_INTRO, is_locked=True, created_at=timezone.now()
    )
    for position, (code, unsur, text, labels) in enumerate(QUESTIONS, start=1):
        scale = Scale.objects.create(name=f"SKM {code}: {labels[0]} – {labels[-1]}")
        ScaleOption.objects.bulk_create(
            ScaleOption(scale=scale, value=value, label=label, face=face)
            for value, (label, face) in enumerate(zip(labels, FACES, strict=True), start=1)
        )
        Question.objects.create(
            questionnaire=questionnaire, position=position, code=code, unsur=unsur, text=text, kind="scale", scale=scale
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_template, migrations.RunPython.noop)]
