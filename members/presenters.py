"""Members as templates see them: personal data masked unless the viewer may see it."""

from __future__ import annotations

from .models import Member
from .personal_data import POLICY, shown
from .selectors import can_see_personal_data


class MemberDisplay:
    """A member as templates see it: every personal field of the policy (``personal_data.POLICY``)
    comes masked unless the viewer may see it, so no template can print a raw value by mistake.

    Everything else is read through from the member.
    """

    __slots__ = ("_member", "personal_data_visible")

    def __init__(self, member: Member, personal_data_visible: bool):
        self._member = member
        self.personal_data_visible = personal_data_visible

    def __getattr__(self, name):
        value = getattr(self._member, name)
        return shown(name, value, visible=self.personal_data_visible) if name in POLICY else value


def display_members(user, members) -> list[MemberDisplay]:
    return [MemberDisplay(m, can_see_personal_data(user, m)) for m in members]
