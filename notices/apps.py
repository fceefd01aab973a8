from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Shared machinery for the feature apps: flags on what is late, and notices to the people responsible."""

    name = "notices"
    verbose_name = "提醒与通知"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Notice
        from .selectors import notice_changed

        post_save.connect(notice_changed, sender=Notice, dispatch_uid="notices_forget_unread_save")
        post_delete.connect(notice_changed, sender=Notice, dispatch_uid="notices_forget_unread_delete")
