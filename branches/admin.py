from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.urls import path
from treebeard.admin import TreeAdmin
from treebeard.exceptions import InvalidMoveToDescendant, InvalidPosition, MissingNodeOrderBy, PathOverflow
from treebeard.forms import MoveNodeForm, movenodeform_factory

from accounts.scope_admin import ScopedAdminMixin
from portal.history_admin import ChangeHistoryAdmin

from . import selectors
from .models import Area, Branch, OfficerPost, PartyGroup
from .services import branch_move, branch_move_check, branch_new_parent


class ScopedMoveNodeForm(MoveNodeForm):
    """treebeard's form, but the branch goes only where the user may write (and the list names nothing else)."""

    user = None  # set on the class get_form builds per request

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        keep = set(selectors.branches_writable_by(self.user).values_list("pk", flat=True))
        if instance is not None:  # its place now, so an unchanged form saves
            for near in (instance.get_parent(), instance.get_prev_sibling()):
                if near is not None:
                    keep.add(near.pk)
        self.fields["_ref_node_id"].choices = [
            (pk, label) for pk, label in self.fields["_ref_node_id"].choices if pk is None or pk in keep
        ]

    def clean(self):
        cleaned = super().clean()
        ref_id, pos = cleaned.get("_ref_node_id"), cleaned.get("_position")
        if pos is None:
            return cleaned
        target = Branch.objects.filter(pk=ref_id).first() if ref_id not in (None, "", "0") else None
        if target is None and self.instance.pk:
            new_parent = None  # treebeard makes it a root
        else:
            new_parent = branch_new_parent(target=target, pos=pos)
        try:
            branch_move_check(user=self.user, branch=self.instance if self.instance.pk else None, new_parent=new_parent)
        except PermissionDenied:
            raise forms.ValidationError(
                {"_ref_node_id": "无权将党组织放到该位置，请选择您有权维护的上级组织"}
            ) from None
        return cleaned


@admin.register(Branch)
class BranchAdmin(ScopedAdminMixin, ChangeHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Branch, form=ScopedMoveNodeForm)
    list_display = ("name", "code", "kind", "unit", "area", "is_active")
    list_filter = ("kind", "unit", "area", "is_active")
    search_fields = ("name", "code")

    def visible_queryset(self, request):
        return selectors.branches_visible_to(request.user)

    def writable_queryset(self, request):
        return selectors.branches_writable_by(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_urls(self):
        # treebeard's move view gets a name (for the access matrix) and the scope's checks.
        urls = [u for u in super().get_urls() if str(u.pattern) != "move/"]
        move = path("move/", self.admin_site.admin_view(self.move_node), name="branches_branch_move")
        return [move, *urls]

    def move_node(self, request):
        """Drag and drop on the tree: needs write scope on the branch and on its new parent."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        try:
            node_id, target_id = int(request.POST["node_id"]), int(request.POST["sibling_id"])
            as_child = bool(int(request.POST.get("as_child", 0)))
        except (KeyError, ValueError):
            return HttpResponseBadRequest("Malformed POST params")
        node = selectors.get_branch_for_user(request.user, pk=node_id, write=True)
        target = selectors.get_branch_for_user(request.user, pk=target_id)
        try:
            moved = branch_move(branch=node, target=target, pos="last-child" if as_child else "left", by=request.user)
        except (MissingNodeOrderBy, PathOverflow, InvalidMoveToDescendant, InvalidPosition) as exc:
            messages.error(request, f"无法移动：{exc}")
            return HttpResponseBadRequest("Exception raised during move")
        messages.info(request, f"已移动“{moved}”")
        return HttpResponse("OK")


@admin.register(Area)
class AreaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "town")
    search_fields = ("name", "code")
    list_filter = ("town",)

    def visible_queryset(self, request):
        return selectors.areas_visible_to(request.user)

    def writable_queryset(self, request):
        return selectors.areas_visible_to(request.user).filter(town__in=selectors.branches_writable_by(request.user))


@admin.register(PartyGroup)
class PartyGroupAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "branch", "leader")
    list_filter = ("branch__area",)
    search_fields = ("name", "branch__name")
    autocomplete_fields = ("branch", "leader")

    def visible_queryset(self, request):
        return selectors.party_groups_visible_to(request.user)

    def writable_queryset(self, request):
        return self.visible_queryset(request).filter(branch__in=selectors.branches_writable_by(request.user))


@admin.register(OfficerPost)
class OfficerPostAdmin(ScopedAdminMixin, ChangeHistoryAdmin):
    list_display = ("branch", "post", "member", "term_start", "term_end")
    list_filter = ("post", "branch__area")
    search_fields = ("member__name", "branch__name")
    autocomplete_fields = ("branch", "member")
    date_hierarchy = "term_end"

    def visible_queryset(self, request):
        return selectors.officer_posts_visible_to(request.user)

    def writable_queryset(self, request):
        return self.visible_queryset(request).filter(branch__in=selectors.branches_writable_by(request.user))
