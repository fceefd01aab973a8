"""Export: the roster a user may read, masked where they may not see personal data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from branches.models import Branch

from .files import member_row, neutralise, write_csv, write_xlsx


def roster_export(*, user, file_format: str, branch: Branch | None = None, source: str = "page") -> tuple[bytes, str]:
    """The roster the user may read (a branch's subtree if given), as xlsx or csv bytes, and a file name."""
    from ..models import RosterExport
    from ..selectors import can_see_personal_data, members_visible_to

    queryset = members_visible_to(user).order_by("branch__path", "name", "pk")
    if branch is not None:
        queryset = queryset.filter(branch__path__startswith=branch.path)
    counts = {"rows": 0, "unmasked": 0}

    def rows() -> Iterator[list[Any]]:
        for number, member in enumerate(queryset.iterator(chunk_size=2000), start=1):
            unmasked = can_see_personal_data(user, member)
            counts["rows"] += 1
            counts["unmasked"] += unmasked
            yield [neutralise(v) for v in member_row(member, number=number, unmasked=unmasked)]

    if file_format == "csv":
        data = write_csv(rows())
    elif file_format == "xlsx":
        data = write_xlsx(rows())
    else:
        raise ValueError(file_format)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    file_name = f"党员名册-{branch.name if branch else '全部'}-{stamp}.{file_format}"
    RosterExport.objects.create(
        exported_by=user if user is not None and user.pk else None,
        source=source,
        file_name=file_name,
        file_format=file_format,
        branch=branch,
        row_count=counts["rows"],
        unmasked_count=counts["unmasked"],
    )
    return data, file_name
