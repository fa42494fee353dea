from django.contrib import admin

from .models import Activity, ConsumerReceipt


class ReceiptInline(admin.TabularInline):
    model = ConsumerReceipt
    extra = 0
    can_delete = False
    readonly_fields = ("consumer", "handled_at")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = (
        "timestamp",
        "actor",
        "verb",
        "object_type",
        "object_id",
        "dispatched_at",
    )
    list_filter = ("verb", "object_type")
    search_fields = ("idempotency_key", "object_id", "actor__username")
    readonly_fields = [f.name for f in Activity._meta.fields]
    inlines = [ReceiptInline]
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
