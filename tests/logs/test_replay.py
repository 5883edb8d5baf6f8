"""Replaying a logged request through the hub, from the admin, after a confirmation page."""

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from logs import replay
from logs.models import RequestLog
from tests.logs.factories import make_log

pytestmark = pytest.mark.usefixtures("log_urls")

CHANGELIST = "/admin/logs/requestlog/"


def logged_call(client, path="/api/_test/echo", body=None, headers=None) -> RequestLog:
    """Make a real call through the hub and return its log row."""
    client.post(path, body or {"name": "Azure"}, content_type="application/json", headers=headers or {})
    return RequestLog.objects.order_by("-id").first()


def test_replay_sends_the_same_request_and_links_the_new_row(client, db):
    original = logged_call(client, "/api/_test/echo?page=2", {"name": "Azure", "lines": [1, 2]})
    result = replay.replay(original)
    assert result.status == 200
    assert json.loads(result.content) == {"status": "success", "data": {"name": "Azure", "lines": [1, 2]}}
    new = result.log
    assert new.replay_of == original
    assert new.request_id != original.request_id
    assert (new.method, new.path, new.query_string, new.request_body) == (
        original.method,
        original.path,
        original.query_string,
        original.request_body,
    )
    assert new.client_ip == "127.0.0.1"
    assert list(original.replays.all()) == [new]


def test_replay_refuses_cut_or_masked_requests(db):
    cut = make_log(request_body="{", request_body_size=100_000, request_body_truncated=True)
    masked = make_log(request_body='{"password": "***"}', request_masked=True)
    with pytest.raises(replay.ReplayRefused, match="body was cut at 100000 bytes"):
        replay.replay(cut)
    with pytest.raises(replay.ReplayRefused, match="secret in its body or query string was masked"):
        replay.replay(masked)
    assert RequestLog.objects.count() == 2


def test_replay_refuses_a_body_that_was_not_utf8(client, db):
    client.post("/api/_test/mode/all/200", b"\xff\xfe binary", content_type="application/octet-stream")
    original = RequestLog.objects.get()
    with pytest.raises(replay.ReplayRefused, match="not UTF-8 text"):
        replay.replay(original)


def test_masked_credentials_must_be_given_again(client, db):
    original = logged_call(client, headers={"Authorization": "Bearer real-token", "X-Api-Key": "k-1"})
    assert replay.plan(original).masked_headers == ["Authorization", "X-Api-Key"]
    with pytest.raises(replay.ReplayRefused, match="carried Authorization, X-Api-Key"):
        replay.replay(original)
    with pytest.raises(replay.ReplayRefused, match="carried X-Api-Key"):
        replay.replay(original, credentials={"Authorization": "Bearer new-token"})
    result = replay.replay(original, credentials={"Authorization": "Bearer new-token", "X-Api-Key": "k-2"})
    assert result.status == 200
    # the credentials given for the replay are masked in its row like any other
    assert result.log.request_headers["Authorization"] == "Bearer ***"
    assert result.log.request_headers["X-Api-Key"] == "***"


def test_replay_of_a_crash_is_logged_as_a_crash(client, db):
    original = logged_call(client, "/api/_test/crash")
    result = replay.replay(original)
    assert result.status == 500
    assert (result.log.error_class, result.log.replay_of_id) == ("tests.logs.urls.PipelineCrash", original.pk)


def test_admin_action_shows_a_confirmation_then_replays(client, support_user):
    original = logged_call(client, headers={"Authorization": "Bearer real-token"})
    refused = make_log(request_masked=True, request_id="masked-1")
    client.force_login(support_user)
    selection = {"action": "replay", ACTION_CHECKBOX_NAME: [original.pk, refused.pk]}
    page = client.post(CHANGELIST, selection)
    assert page.status_code == 200
    assert next(t.name for t in page.templates) == "admin/logs/requestlog/replay_confirmation.html"
    content = page.content.decode()
    assert "will be sent (needs Authorization)" in content
    assert "refused:</strong> A secret in its body or query string was masked in the log." in content
    assert 'type="password" name="Authorization"' in content
    assert RequestLog.objects.count() == 2  # nothing sent yet

    done = client.post(CHANGELIST, {**selection, "confirm": "yes", "Authorization": "Bearer new-token"}, follow=True)
    assert done.status_code == 200
    new = RequestLog.objects.get(replay_of=original)
    messages = [str(m) for m in done.context["messages"]]
    assert messages == [  # newest first, as listed
        "masked-1: not replayed. A secret in its body or query string was masked in the log.",
        f"{original.request_id}: replayed, answered 200 — "
        f'<a href="/admin/logs/requestlog/{new.pk}/change/">{new.request_id}</a>',
    ]


def test_confirmation_without_the_credential_replays_nothing(client, support_user):
    original = logged_call(client, headers={"Authorization": "Bearer real-token"})
    client.force_login(support_user)
    selection = {"action": "replay", ACTION_CHECKBOX_NAME: [original.pk], "confirm": "yes"}
    done = client.post(CHANGELIST, selection, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        f"{original.request_id}: not replayed. The original call carried Authorization (masked in the log): "
        "give a credential for it on the confirmation page."
    ]
    assert not RequestLog.objects.filter(replay_of=original).exists()


def test_only_users_with_the_replay_permission_see_the_action(client, superuser, support_user, integration_admin):
    make_log()
    for user, allowed in [(superuser, True), (support_user, True), (integration_admin, False)]:
        client.force_login(user)
        response = client.get(CHANGELIST)
        assert ('value="replay"' in response.content.decode()) is allowed, user.username


def test_the_credential_field_is_an_admin_form_row_with_an_example(client, support_user):
    original = logged_call(client, headers={"Authorization": "Bearer real-token"})
    client.force_login(support_user)
    content = client.post(CHANGELIST, {"action": "replay", ACTION_CHECKBOX_NAME: [original.pk]}).content.decode()
    assert (
        '<div class="form-row">\n      <div class="flex-container">'
        '<label for="id_Authorization">Authorization:</label> '
        '<input type="password" name="Authorization" autocomplete="off" size="60" '
        'placeholder="Bearer &lt;token&gt;  or  Basic &lt;base64 of user:password&gt;" '
        'aria-describedby="id_Authorization_helptext" id="id_Authorization"></div>\n'
        '      <div class="help">Sent with the replay only; masked in the new log row.</div>\n    </div>'
    ) in content
    assert "real-token" not in content
