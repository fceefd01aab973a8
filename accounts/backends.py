"""The password backend: Django's, with the logged-in user's branch loaded in the same query."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PortalModelBackend(ModelBackend):
    """``ModelBackend`` whose session user comes with its branch.

    Every page works out the user's scope (``accounts.scope``) from the branch's
    path: loading it with the user saves a query on every request.
    """

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("branch").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
