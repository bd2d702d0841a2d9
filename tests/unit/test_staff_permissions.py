"""Who may do what: the platform's staff policy, spelled out."""
import pytest

from core.staff import Authority, Permission, StaffRole

P = Permission
# The policy as the platform's page and issue describe it; a change here is a decision, not a refactor.
EXPECTED = {
    StaffRole.COMMUNITY_MANAGER: {
        P.REVIEW_APPLICATIONS, P.SEE_STATS, P.BROADCAST, P.MANAGE_THERAPISTS, P.MANAGE_TESTIMONIALS,
    },
    StaffRole.SUPPORT: {P.ANSWER_SUPPORT, P.SEE_REFUNDS},
    StaffRole.ETHICS: {P.SEE_REFUNDS, P.DECIDE_REFUNDS},
    StaffRole.FINANCE: {P.MARK_PAYOUTS},
}
FULL_ADMIN_ONLY = {P.MANAGE_STAFF, P.AUDIT, P.WATCH_DELIVERY}


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_holds_exactly_its_permissions(role):
    assert Authority(1, frozenset({role})).permissions == EXPECTED[role]


def test_a_full_admin_holds_every_permission_even_without_roles():
    admin = Authority(1, full_admin=True)
    assert all(admin.may(permission) for permission in Permission)
    assert admin.is_staff


def test_only_full_admins_manage_staff_read_the_audit_log_and_watch_delivery():
    everyone_with_roles = Authority(1, frozenset(StaffRole))
    assert not any(everyone_with_roles.may(permission) for permission in FULL_ADMIN_ONLY)


def test_roles_add_up():
    both = Authority(1, frozenset({StaffRole.SUPPORT, StaffRole.FINANCE}))
    assert both.permissions == EXPECTED[StaffRole.SUPPORT] | EXPECTED[StaffRole.FINANCE]


def test_a_person_without_roles_is_not_staff_and_may_nothing():
    nobody = Authority(1)
    assert not nobody.is_staff
    assert nobody.permissions == frozenset()
