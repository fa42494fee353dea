from django.contrib import admin

from .models import DigestSent, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor", "activity")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "channel")
    raw_id_fields = ("member",)


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ("member", "period_key", "sent_at", "items")
    raw_id_fields = ("member",)
