"""Permissions come from active role assignments (accounts.roles.ROLE_PERMISSIONS), never from
per-user grants in the database, so what a role may do is one readable table."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from . import scoping
from .roles import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    def user_can_authenticate(self, user):
        # Django's superuser holds every permission and no role, against 三权分立: such an
        # account cannot sign in (the first administrators come from `gongzhi accounts
        # create-admin`) unless GONGZHI_ALLOW_SUPERUSER is set for a throwaway demo.
        if getattr(user, "is_superuser", False) and not settings.GONGZHI_ALLOW_SUPERUSER:
            return False
        return super().user_can_authenticate(user)

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perms: set[str] = set()
        for role in scoping.roles(user_obj):
            perms |= ROLE_PERMISSIONS.get(role, frozenset())
        return perms

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))
