"""Admin pages that show rows whose changes go elsewhere (the audit chain, records a service
keeps): listed and shown, never added, edited or deleted from the admin."""


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
