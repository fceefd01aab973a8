"""Atom feeds: one per board and one for the town; each published version (更正 included) is an entry."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .public_selectors import latest_versions, period_display, site_for_slug

FEED_SIZE = 30


class _VersionFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj):
        return latest_versions(branch_path=obj.branch.path if obj else None, limit=FEED_SIZE)

    def item_title(self, version):
        prefix = "更正：" if version.is_correction else ""
        return f"{prefix}{version.title}（{period_display(version.item.period)}）"

    def item_description(self, version):
        label = version.item.get_category_display()
        if version.is_correction:
            return f"{version.item.branch.name} · {label} · 更正原因：{version.reason}"
        return f"{version.item.branch.name} · {label}"

    def item_link(self, version):
        return reverse("public:item", args=[version.item_id]) + f"#v{version.number}"

    def item_guid(self, version):
        return f"{self.item_link(version)}"

    def item_pubdate(self, version):
        return version.published_at

    def item_updateddate(self, version):
        return version.published_at

    def item_author_name(self, version):
        return version.item.branch.name


class TownFeed(_VersionFeed):
    title = "高桥镇党务公开"
    subtitle = "高桥镇各村、社区党务公开栏的最新发布与更正"

    def get_object(self, request):
        return None

    def link(self):
        return reverse("public:index")


class BoardFeed(_VersionFeed):
    def get_object(self, request, slug):
        return site_for_slug(slug)

    def title(self, site):
        return f"{site.name}党务公开"

    def subtitle(self, site):
        return f"{site.branch.name}党务公开栏的最新发布与更正"

    def link(self, site):
        return reverse("public:board", args=[site.slug])
