"""The 403 page: in the admin's look, saying what the user may open instead of a bare "403 Forbidden"."""

from django.contrib import admin
from django.shortcuts import render


def permission_denied(request, exception=None):
    """Django's 403 handler: the admin pages this user may open, or whom to ask for access."""
    user = request.user
    staff = user.is_authenticated and user.is_active and user.is_staff
    context = {
        **admin.site.each_context(request),
        "title": "You may not open this page",
        "apps": admin.site.get_app_list(request) if staff else [],
        "is_staff_user": staff,
    }
    return render(request, "admin/403.html", context, status=403)
