"""Staff status follows the hub's staff groups: a user put in Support or Integration admins can log in to the admin.

Django lets only staff users into the admin, and the groups alone did not make anyone staff: a
new support user could not log in until someone also ticked "Staff status". Joining one of the
groups makes a user staff; leaving the last of them takes it away, except from superusers. Other
group changes leave staff status alone (a user made staff by hand stays staff).
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from logs.groups import INTEGRATION_ADMINS, SUPPORT

logger = logging.getLogger(__name__)

STAFF_GROUPS = (SUPPORT, INTEGRATION_ADMINS)


def _set_staff(users, wanted: bool) -> None:
    for user in users:
        if user.is_staff != wanted:
            user.is_staff = wanted
            type(user).objects.filter(pk=user.pk).update(is_staff=wanted)
            logger.info("%s is %s staff", user, "now" if wanted else "no longer")


def joined_staff_group(users) -> None:
    """Users who joined a staff group become staff."""
    _set_staff(users, True)


def left_staff_group(users) -> None:
    """Users who left a staff group stop being staff when in none any more (superusers excepted)."""
    _set_staff(
        [user for user in users if not user.is_superuser and not user.groups.filter(name__in=STAFF_GROUPS).exists()],
        False,
    )


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="hub-staff-groups")
def groups_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """Staff status in step with the staff groups, whichever side (user or group) the change came from."""
    if action == "pre_clear":
        # clear() does not say afterwards what it removed: note who leaves a staff group now
        if reverse:
            instance._leaving_staff = list(instance.user_set.all()) if instance.name in STAFF_GROUPS else []
        else:
            instance._leaving_staff = [instance] if instance.groups.filter(name__in=STAFF_GROUPS).exists() else []
        return
    if action == "post_clear":
        left_staff_group(getattr(instance, "_leaving_staff", []))
        return
    if action not in ("post_add", "post_remove"):
        return
    if reverse:
        if instance.name not in STAFF_GROUPS:
            return
        users = list(get_user_model().objects.filter(pk__in=pk_set))
    else:
        if not Group.objects.filter(pk__in=pk_set, name__in=STAFF_GROUPS).exists():
            return
        users = [instance]
    if action == "post_add":
        joined_staff_group(users)
    else:
        left_staff_group(users)
