import datetime as dt
import logging

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import Member, MemberTransfer
from members.pii import (
    InvalidIdNumber,
    PersonalDataLogFilter,
    id_check_char,
    make_id_number,
    mask_id_number,
    mask_phone,
    parse_id_number,
)
from members.services import member_convert_to_full, member_create, member_transfer
from tests.factories import MemberFactory


def test_check_digit_x_is_accepted_in_either_case():
    # 11010519491231002X is the GB 11643 standard's own example.
    assert parse_id_number("11010519491231002x") == (dt.date(1949, 12, 31), "F")


@pytest.mark.parametrize(
    "number,reason",
    [
        ("110105194912310021", "校验位"),
        ("11010519491231002", "18位"),
        ("1101051949123100XX", "18位"),
        ("11010519491331002" + id_check_char("11010519491331002"), "出生日期"),
    ],
)
def test_bad_id_numbers_are_refused_with_reason(number, reason):
    with pytest.raises(InvalidIdNumber, match=reason):
        parse_id_number(number)


def test_full_width_digits_are_folded():
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert parse_id_number(full_width)[0] == dt.date(1949, 12, 31)


def test_masks():
    assert mask_id_number("33020319800101123X") == "330203**********3X"
    assert mask_phone("13812345678") == "138****5678"


def _fields(branch, **over):
    number = make_id_number("330203", dt.date(1985, 6, 1), 101)
    fields = dict(name="王芳", id_number=number, branch=branch, joined_on=dt.date(2010, 7, 1))
    fields.update(over)
    return fields


def test_birth_date_and_gender_are_filled_from_id_number(branch_a):
    member = member_create(**_fields(branch_a))
    assert member.birth_date == dt.date(1985, 6, 1)
    assert member.gender == "M"  # sequence 101: odd


def test_birth_date_must_agree_with_id_number(branch_a):
    with pytest.raises(ValidationError) as err:
        member_create(**_fields(branch_a, birth_date=dt.date(1985, 6, 2)))
    assert "出生日期与公民身份号码不一致" in str(err.value)


def test_gender_must_agree_with_id_number(branch_a):
    with pytest.raises(ValidationError) as err:
        member_create(**_fields(branch_a, gender="F"))
    assert "性别与公民身份号码不一致" in str(err.value)


def test_full_membership_not_before_joining(branch_a):
    with pytest.raises(ValidationError) as err:
        member_create(**_fields(branch_a, full_member_on=dt.date(2009, 1, 1)))
    assert "转为正式党员日期不能早于入党日期" in str(err.value)
    assert Member.objects.count() == 0


def test_database_refuses_full_membership_before_joining_too(branch_a):
    member = MemberFactory(branch=branch_a)
    member.full_member_on = member.joined_on - dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_id_number_is_unique(branch_a):
    member_create(**_fields(branch_a))
    with pytest.raises(ValidationError):
        member_create(**_fields(branch_a, name="另一人"))


def test_probationary_member_after_a_year_is_due_for_conversion(branch_a):
    today = timezone.localdate()
    due = MemberFactory(
        branch=branch_a, category="probationary", full_member_on=None, joined_on=today - dt.timedelta(days=400)
    )
    fresh = MemberFactory(
        branch=branch_a, category="probationary", full_member_on=None, joined_on=today - dt.timedelta(days=100)
    )
    assert list(Member.objects.due_for_conversion()) == [due]
    assert due.is_due_for_conversion and not fresh.is_due_for_conversion
    member_convert_to_full(member=due)
    assert not Member.objects.due_for_conversion().exists()


def test_transfer_keeps_where_they_were(member_a, branch_b, group_a):
    member_a.party_group = group_a
    member_a.save()
    old = member_a.branch
    member_transfer(member=member_a, to_branch=branch_b, on=dt.date(2026, 5, 1), reason="搬迁")
    member_a.refresh_from_db()
    assert member_a.branch == branch_b and member_a.party_group is None
    assert list(MemberTransfer.objects.values_list("from_branch", "to_branch", "transferred_on")) == [
        (old.pk, branch_b.pk, dt.date(2026, 5, 1))
    ]


def test_transfer_to_the_same_branch_is_refused(member_a):
    with pytest.raises(ValidationError):
        member_transfer(member=member_a, to_branch=member_a.branch)


def test_log_lines_never_carry_id_numbers_or_phones(caplog):
    logger = logging.getLogger("gaoqiao.test")
    logger.addFilter(PersonalDataLogFilter())
    with caplog.at_level(logging.INFO):
        logger.info("imported %s with phone %s", "33020319800101123X", "13812345678")
    text = caplog.text
    assert "33020319800101123X" not in text and "13812345678" not in text
    assert "330203**********3X" in text and "138****5678" in text


def test_values_too_short_to_keep_anything_are_all_stars():
    assert mask_id_number("12345678") == "********"
    assert mask_phone("1234567") == "*******"
    assert mask_phone("") == ""
