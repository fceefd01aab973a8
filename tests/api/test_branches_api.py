from django.urls import reverse

LIST = reverse("api:branches-list")


def test_town_admin_sees_tree_with_parents(town_admin, town, branch_a, branch_b):
    rows = town_admin.get(LIST).json()["results"]
    by_code = {r["code"]: r for r in rows}
    assert set(by_code) == {"GQ", "GQ-V01", "GQ-C02"}
    assert by_code["GQ"]["parent"] is None
    assert by_code["GQ-V01"]["parent"] == town.pk


def test_secretary_sees_only_own_branch(secretary_a, branch_a, branch_b):
    rows = secretary_a.get(LIST).json()["results"]
    assert [r["code"] for r in rows] == ["GQ-V01"]
    assert secretary_a.get(reverse("api:branches-detail", args=[branch_b.pk])).status_code == 404


def test_within_filter_limits_to_subtree(town_admin, town, branch_a, branch_b):
    rows = town_admin.get(LIST, {"within": branch_a.pk}).json()["results"]
    assert [r["code"] for r in rows] == ["GQ-V01"]


def test_schema_and_docs_are_served_locally(town_admin):
    schema = town_admin.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"/api/members/" in schema.content
    docs = town_admin.get(reverse("api:docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
