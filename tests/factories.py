"""factory_boy factories with Faker zh_CN; valid ID numbers by construction."""

from __future__ import annotations

import datetime as dt
import random

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Role, User
from branches.models import Area, Branch, OfficerPost, PartyGroup
from members.models import Member
from members.pii import make_id_number, parse_id_number

_rng = random.Random(2018)
_used_ids: set[str] = set()


def unique_id_number() -> str:
    while True:
        # Born by 1997: joined at 25 and full a year later are then always in the past
        # (a full_member_on in the future is refused by the member rules).
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=_rng.randrange(0, 365 * 57))
        number = make_id_number("330203", birth, _rng.randrange(0, 1000))
        if number not in _used_ids:
            _used_ids.add(number)
            return number


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch

    code = factory.Sequence(lambda n: f"T-{n:04d}")
    name = factory.Sequence(lambda n: f"测试第{n}党支部")
    kind = Branch.Kind.BRANCH
    unit = Branch.Unit.VILLAGE

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.add_root(**kwargs)
        # treebeard reads numchild from the parent row: use a fresh copy.
        return model_class.objects.get(pk=parent.pk).add_child(**kwargs)


class AreaFactory(DjangoModelFactory):
    class Meta:
        model = Area

    town = factory.SubFactory(BranchFactory, kind=Branch.Kind.COMMITTEE, unit=Branch.Unit.TOWN)
    name = factory.Sequence(lambda n: f"第{n}片区")
    code = factory.Sequence(lambda n: f"area-{n}")


class PartyGroupFactory(DjangoModelFactory):
    class Meta:
        model = PartyGroup

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.LazyFunction(unique_id_number)
    birth_date = factory.LazyAttribute(lambda o: parse_id_number(o.id_number)[0])
    gender = factory.LazyAttribute(lambda o: parse_id_number(o.id_number)[1])
    branch = factory.SubFactory(BranchFactory)
    joined_on = factory.LazyAttribute(lambda o: o.birth_date.replace(year=o.birth_date.year + 25))
    full_member_on = factory.LazyAttribute(lambda o: o.joined_on + dt.timedelta(days=365))
    category = Member.Category.FULL
    education = Member.Education.BACHELOR
    job = "农民"
    phone = factory.Sequence(lambda n: f"138{n:08d}")
    address = factory.Faker("address", locale="zh_CN")


class OfficerPostFactory(DjangoModelFactory):
    class Meta:
        model = OfficerPost

    branch = factory.SubFactory(BranchFactory)
    member = factory.SubFactory(MemberFactory, branch=factory.SelfAttribute("..branch"))
    post = OfficerPost.Post.SECRETARY
    term_start = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=400))
    term_end = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1000))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MEMBER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-2018")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
