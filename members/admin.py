from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from accounts.services import member_login_create

from accounts.admin import ScopedAdminMixin

from . import selectors
from .models import Member, MemberTransfer
from .pii import mask_id_number, mask_phone


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "gender", "branch", "category", "standing", "masked_id_number", "masked_phone")
    list_filter = ("category", "standing", "gender", "is_floating", "is_lost_contact", "education", "branch__area")
    search_fields = ("name",)
    autocomplete_fields = ("branch", "party_group")
    list_select_related = ("branch",)
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    actions = ("create_logins",)

    def visible_queryset(self, request):
        return selectors.members_visible_to(request.user)

    def writable_queryset(self, request):
        return selectors.members_writable_by(request.user)

    @admin.action(description="为所选党员开通账号（用户名为手机号）")
    def create_logins(self, request, queryset):
        created, problems = 0, []
        for member in queryset.filter(pk__in=self.writable_queryset(request).values("pk")):
            try:
                member_login_create(member=member)
            except ValidationError as exc:
                problems.append(f"{member.name}：{'；'.join(exc.messages)}")
            else:
                created += 1
        messages.success(request, f"已开通 {created} 个账号，初始无密码，请在“用户”中为其设置密码。")
        for problem in problems:
            messages.warning(request, problem)

    @admin.display(description="公民身份号码")
    def masked_id_number(self, obj):
        # The list is seen over shoulders; the full number is on the change page.
        return mask_id_number(obj.id_number)

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def get_search_results(self, request, queryset, search_term):
        # Exact ID number or phone finds the member without putting them in a LIKE.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().upper()
        if len(term) in (11, 18):
            queryset |= self.get_queryset(request).filter(id_number=term) | self.get_queryset(request).filter(
                phone=term
            )
        return queryset, may_have_duplicates


@admin.register(MemberTransfer)
class MemberTransferAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("member", "from_branch", "to_branch", "transferred_on", "recorded_by")
    search_fields = ("member__name",)
    date_hierarchy = "transferred_on"
    autocomplete_fields = ("member", "from_branch", "to_branch")

    def visible_queryset(self, request):
        return MemberTransfer.objects.filter(member__in=selectors.members_visible_to(request.user))

    def writable_queryset(self, request):
        return MemberTransfer.objects.filter(member__in=selectors.members_writable_by(request.user))
