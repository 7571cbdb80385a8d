from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "mutu.messaging"
    label = "messaging"
    verbose_name = _("Chat channels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The outbox delivers WhatsApp and Instagram rows through this app's senders.
        from mutu.messaging import senders

        senders.register()
