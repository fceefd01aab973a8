"""Members as templates see them: personal data masked unless the viewer may see it."""

from __future__ import annotations

from .models import Member
from .pii import mask_address, mask_id_number, mask_phone
from .selectors import can_see_personal_data


class MemberDisplay:
    """A member as templates see it: ID number, phone and address come masked
    unless the viewer may see them, so no template can print a raw value by mistake.

    Everything else is read through from the member.
    """

    __slots__ = ("_member", "personal_data_visible")

    def __init__(self, member: Member, personal_data_visible: bool):
        self._member = member
        self.personal_data_visible = personal_data_visible

    def __getattr__(self, name):
        return getattr(self._member, name)

    @property
    def id_number(self) -> str:
        value = self._member.id_number
        return value if self.personal_data_visible else mask_id_number(value)

    @property
    def phone(self) -> str:
        value = self._member.phone
        return value if self.personal_data_visible else mask_phone(value)

    @property
    def address(self) -> str:
        value = self._member.address
        return value if self.personal_data_visible else mask_address(value)


def display_members(user, members) -> list[MemberDisplay]:
    return [MemberDisplay(m, can_see_personal_data(user, m)) for m in members]
