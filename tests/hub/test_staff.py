"""Staff users: the staff groups give staff status, create_support_user, the 403 page, "View site"."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def support():
    return Group.objects.get(name="Support")


@pytest.fixture
def integration_admins():
    return Group.objects.get(name="Integration admins")


def staff(user) -> bool:
    user.refresh_from_db()
    return user.is_staff


def test_joining_a_staff_group_makes_a_user_staff_and_leaving_the_last_takes_it_away(
    django_user_model, support, integration_admins
):
    user = django_user_model.objects.create_user("sam", password="pw-for-tests")
    user.groups.add(support)
    assert staff(user)
    user.groups.add(integration_admins)
    user.groups.remove(support)
    assert staff(user)  # still in Integration admins
    user.groups.remove(integration_admins)
    assert not staff(user)


def test_changes_from_the_groups_side_and_clear_count_too(django_user_model, support):
    user = django_user_model.objects.create_user("sam", password="pw-for-tests")
    support.user_set.add(user)
    assert staff(user)
    support.user_set.clear()
    assert not staff(user)
    user.groups.add(support)
    user.groups.clear()
    assert not staff(user)


def test_superusers_and_hand_made_staff_keep_staff_status(django_user_model, support):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests")
    boss.groups.add(support)
    boss.groups.remove(support)
    assert staff(boss)
    helper = django_user_model.objects.create_user("helper", password="pw-for-tests", is_staff=True)
    other = Group.objects.create(name="Readers")
    helper.groups.add(other)
    helper.groups.remove(other)
    assert staff(helper)


def test_the_user_form_putting_someone_in_support_lets_them_log_in(admin_client, django_user_model, support, client):
    user = django_user_model.objects.create_user("sam", password="pw-for-tests")
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if key in ("username", "first_name", "last_name", "email", "is_active", "date_joined_0", "date_joined_1")
    }
    data.update(
        username="sam", is_active="on", groups=[support.pk], date_joined_0="2026-01-01", date_joined_1="10:00:00"
    )
    response = admin_client.post(f"/admin/auth/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert staff(user)
    assert client.login(username="sam", password="pw-for-tests")
    assert client.get("/admin/logs/requestlog/").status_code == 200


def test_create_support_user_makes_a_staff_user_who_can_log_in(django_user_model, client):
    out = io.StringIO()
    call_command("create_support_user", "sam", "--email", "sam@example.com", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Created 'sam': staff, in Support; log in at /admin/."
    password = lines[1].removeprefix("Password (shown once): ")
    user = django_user_model.objects.get(username="sam")
    assert (user.is_staff, user.is_superuser, user.email) == (True, False, "sam@example.com")
    assert [group.name for group in user.groups.all()] == ["Support"]
    assert client.login(username="sam", password=password)
    assert client.get("/admin/logs/requestlog/").status_code == 200
    assert client.get("/admin/endpoints/endpoint/").status_code == 403


def test_create_support_user_for_an_integration_admin_with_a_given_password(django_user_model):
    out = io.StringIO()
    call_command("create_support_user", "ida", "--integration-admin", "--password", "a-long-pass-phrase", stdout=out)
    assert out.getvalue() == "Created 'ida': staff, in Support, Integration admins; log in at /admin/.\n"
    user = django_user_model.objects.get(username="ida")
    assert user.check_password("a-long-pass-phrase")
    assert sorted(group.name for group in user.groups.all()) == ["Integration admins", "Support"]


def test_create_support_user_refuses_a_weak_password():
    with pytest.raises(CommandError, match="too short"):
        call_command("create_support_user", "sam", "--password", "abc", stdout=io.StringIO())


def test_the_403_page_is_in_the_admin_style_and_lists_what_the_user_may_open(client, django_user_model, support):
    user = django_user_model.objects.create_user("sam", password="pw-for-tests")
    user.groups.add(support)
    client.force_login(user)
    response = client.get("/admin/endpoints/endpoint/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<div id="site-name"><a href="/admin/">Odoo integration hub</a></div>' in page
    assert "Your account <strong>sam</strong> does not have the permission this page needs." in page
    assert '<li><a href="/admin/logs/requestlog/">Request logs</a> <span class="help">(Request logs, read only)' in page
    assert '/admin/endpoints/endpoint/"' not in page.split("You may open:")[1]


def test_the_403_page_of_a_staff_user_without_permissions_says_whom_to_ask(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    response = client.get("/admin/endpoints/endpoint/")
    assert response.status_code == 403
    assert "Your account has no pages in the admin yet." in response.content.decode()


def test_view_site_and_the_root_lead_to_the_api_docs(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert '<a href="/api/docs/">View site</a>' in page
    response = admin_client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/api/docs/")
    assert admin_client.get("/api/docs/").status_code == 200
