from django.db import migrations
from django.utils import timezone


def create_template(apps, schema_editor):
    from mutu.surveys import skm_template

    skm_template.create_template(
        Questionnaire=apps.get_model("surveys", "Questionnaire"),
        Question=apps.get_model("surveys", "Question"),
        Scale=apps.get_model("surveys", "Scale"),
        ScaleOption=apps.get_model("surveys", "ScaleOption"),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_template, migrations.RunPython.noop)]
