from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from accounts.scope import Cap, scope_for
from accounts.scope_admin import ReadOnlyAdminMixin, ReadOnlyScopedAdminMixin, ScopedAdminMixin, check_relations
from accounts.selectors import login_ties_for, users_within
from accounts.services import member_login_create
from portal.history_admin import ChangeHistoryAdmin

from . import selectors, services
from .models import Member, MemberTransfer, RosterExport, RosterImport
from .pii import mask_id_number, mask_phone
from .resources import MemberResource, RosterFormat
from .roster import RosterFileError


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, ChangeHistoryAdmin, ImportExportModelAdmin):
    """Members, with the roster import (preview, then confirm) and export of django-import-export.

    Import and export run through ``members.roster``: the same validation, scope,
    masking and log as the roster page and the ``import_members`` command.
    """

    resource_classes = [MemberResource]
    import_formats = [RosterFormat]
    export_formats = [XLSX, CSV]
    # An import is recorded once, as a RosterImport (the roster's own log), not as one LogEntry per member.
    skip_admin_log = True
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

    def save_model(self, request, obj, form, change):
        """Through the member services; a new branch is a transfer, never a silent overwrite.

        Within the town the transfer waits for the receiving branch unless this
        admin may write there too (then it is accepted at once).
        """
        check_relations(self.admin_site, request, obj)  # checked again beyond the form
        if not change:
            services.member_insert(member=obj)
            return
        old = Member.objects.get(pk=obj.pk)
        if form is not None:
            changed = list(form.changed_data)
        else:
            changed = [
                f.name
                for f in Member._meta.concrete_fields
                if f.editable and not f.primary_key and getattr(old, f.attname) != getattr(obj, f.attname)
            ]
        new_branch = obj.branch if obj.branch_id != old.branch_id else None
        unchanged = {"branch"}
        if new_branch is not None:
            # The group goes with the transfer (groups belong to a branch); the rest is saved now.
            obj.branch_id, obj.party_group_id = old.branch_id, old.party_group_id
            unchanged.add("party_group")
        services.member_update(member=obj, **{f: getattr(obj, f) for f in changed if f not in unchanged})
        if new_branch is not None:
            try:
                transfer = services.transfer_start(member=obj, to_branch=new_branch, by=request.user, reason="管理后台修改所在党支部")
            except ValidationError as exc:
                messages.error(request, "所在党支部未改变：" + "；".join(exc.messages))
            else:
                if transfer.status == transfer.Status.PENDING:
                    messages.warning(request, f"已发起转接，待 {new_branch.name} 接收后生效")
            obj.refresh_from_db()

    @admin.action(description="为所选党员开通账号（用户名为手机号）")
    def create_logins(self, request, queryset):
        created, problems = 0, []
        # Opening a login needs the login capability over the member, not only write access.
        for member in queryset.filter(pk__in=login_ties_for(request.user)["member"].values("pk")):
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

    # -- import / export -----------------------------------------------------------------

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_module_permission(request)

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {"user": request.user}

    def add_data_read_fail_error_to_form(self, form, e):
        # One clear sentence for a file that is no roster, never an exception's name.
        form.add_error("import_file", str(e) if isinstance(e, RosterFileError) else "无法读取该文件，请上传 .xlsx、.xls 或 .csv 名册")

    def add_success_message(self, result, request):
        report = getattr(result, "roster_report", None)
        if report is not None:
            messages.success(request, report.summary())
        else:
            super().add_success_message(result, request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        RosterExport.objects.create(
            exported_by=request.user, source=RosterImport.Source.ADMIN,
            file_name=self.get_export_filename(request, queryset, file_format), file_format=file_format.get_extension(),
            row_count=queryset.count(),
            unmasked_count=queryset.count() if scope_for(request.user).has(Cap.PERSONAL_DATA) else 0,
        )
        return data

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
class MemberTransferAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """A record of transfers: made and decided only through the transfer service (the page, the API,
    a member's change form, the actions here), never typed in or edited."""

    list_display = ("member", "kind", "status", "from_branch", "to_branch", "destination", "requested_on",
                    "transferred_on", "recorded_by", "decided_by")
    list_filter = ("status", "kind", "transferred_on", "to_branch__area")
    search_fields = ("member__name", "from_branch__name", "to_branch__name", "destination")
    date_hierarchy = "requested_on"
    list_select_related = ("member", "from_branch", "to_branch", "recorded_by", "decided_by")
    actions = ("accept", "cancel")
    service_actions = actions  # the transfer service asks the scope per transfer

    def visible_queryset(self, request):
        return selectors.transfers_visible_to(request.user)

    def get_actions(self, request):
        # Actions run through the service, which asks the scope per transfer.
        actions = super().get_actions(request)
        return actions if scope_for(request.user).has(Cap.WRITE) else {}

    def _each(self, request, queryset, act, done: str):
        n, problems = 0, []
        for transfer in queryset.filter(status=MemberTransfer.Status.PENDING):
            try:
                act(transfer)
            except (ValidationError, PermissionDenied) as exc:
                problems.append(f"{transfer.member.name}：{'；'.join(getattr(exc, 'messages', ['无权处理']))}")
            else:
                n += 1
        messages.success(request, done.format(n=n))
        for problem in problems:
            messages.warning(request, problem)

    @admin.action(description="接收所选转接（党员随即转入）")
    def accept(self, request, queryset):
        self._each(request, queryset, lambda t: services.transfer_accept(transfer=t, by=request.user), "已接收 {n} 项转接")

    @admin.action(description="撤回所选转接")
    def cancel(self, request, queryset):
        self._each(request, queryset, lambda t: services.transfer_cancel(transfer=t, by=request.user), "已撤回 {n} 项转接")


class _ReadOnlyLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    def has_module_permission(self, request):
        # The log names files and people across the tree: town level only.
        return request.user.is_active and request.user.is_staff and scope_for(request.user).has(Cap.OVERVIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()
        )

    def get_queryset(self, request):
        # A town sees its own people's imports and exports, not another town's.
        people = users_within(request.user, Cap.OVERVIEW)
        return super().get_queryset(request).filter(**{f"{self.person_field}__in": people})


@admin.register(RosterImport)
class RosterImportAdmin(_ReadOnlyLogAdmin):
    person_field = "uploaded_by"
    list_display = ("file_name", "source", "uploaded_by", "status", "dry_run", "total_rows", "created_count",
                    "updated_count", "unchanged_count", "error_count", "created_at", "finished_at")
    list_filter = ("status", "source", "dry_run")
    search_fields = ("file_name", "uploaded_by__username")
    date_hierarchy = "created_at"
    # The record, not the files: uploads and reports are reached only through the uploader's page.
    exclude = ("errors", "file", "error_report")


@admin.register(RosterExport)
class RosterExportAdmin(_ReadOnlyLogAdmin):
    person_field = "exported_by"
    list_display = ("file_name", "source", "exported_by", "file_format", "row_count", "unmasked_count", "created_at")
    list_filter = ("source", "file_format")
    search_fields = ("file_name", "exported_by__username")
    date_hierarchy = "created_at"
