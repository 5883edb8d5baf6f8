"""Polling the Odoo stand-in over HTTP: created, updated, unmapped edits, archive, delete, batches;
one read per cycle whatever the number of changes; deliveries reach a real local receiver."""

import json

import pytest
from django.core.management import call_command

from hub import callstats
from outbound import polling
from outbound.models import Delivery, RecordState

pytestmark = pytest.mark.django_db


@pytest.fixture
def configuration(make_outbound, receiver, allow_loopback):
    return make_outbound(target_url=receiver.url + "/hook")


@pytest.fixture
def poll(django_capture_on_commit_callbacks):
    """One cycle with its deliveries sent (eagerly, once the cycle's transaction commits); its RPC calls."""

    def run(configuration):
        with callstats.tracking() as stats, django_capture_on_commit_callbacks(execute=True):
            result = polling.poll(configuration)
        result.rpc = [method for _model, method, _s in stats.calls]
        return result

    return run


def _bodies(receiver):
    return [json.loads(got.body) for got in receiver.received]


def test_created_records_of_one_second_are_sent_in_one_read(configuration, poll, odoo_client, receiver):
    ids = odoo_client.execute_kw(
        "res.partner", "create", [[{"name": "Outbound A", "email": "a@example.com"}, {"name": "Outbound B"}]]
    )
    result = poll(configuration)
    assert result.rpc == ["web_search_read"]
    assert (result.read, result.created, result.updated) == (2, 2, 0)
    assert [(b["type"], b["data"]) for b in _bodies(receiver)] == [
        ("partners.created", {"id": ids[0], "name": "Outbound A", "email": "a@example.com", "phone": False}),
        ("partners.created", {"id": ids[1], "name": "Outbound B", "email": False, "phone": False}),
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    again = poll(configuration)
    assert (again.rpc, again.sent, len(receiver.received)) == (["web_search_read"], 0, 2)


def test_an_update_of_a_mapped_field_is_sent_and_an_unmapped_edit_is_not(configuration, poll, odoo_client, receiver):
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    poll(configuration)
    odoo_client.execute_kw("res.partner", "write", [[partner], {"function": "Buyer", "comment": "unmapped"}])
    unmapped = poll(configuration)
    assert (unmapped.sent, unmapped.unchanged, len(receiver.received)) == (0, 1, 1)
    odoo_client.execute_kw("res.partner", "write", [[partner], {"phone": "+32 2 555 01 01"}])
    updated = poll(configuration)
    assert (updated.rpc, updated.updated) == (["web_search_read"], 1)
    last = _bodies(receiver)[-1]
    assert last["type"] == "partners.updated"
    assert last["data"] == {"id": partner, "name": "Outbound A", "email": False, "phone": "+32 2 555 01 01"}


def test_a_deleted_record_is_sent_as_deleted_within_the_same_single_read(configuration, poll, odoo_client, receiver):
    keep, gone = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}, {"name": "Outbound B"}]])
    poll(configuration)
    odoo_client.execute_kw("res.partner", "unlink", [[gone]])
    result = poll(configuration)
    assert (result.rpc, result.deleted) == (["web_search_read"], 1)
    assert _bodies(receiver)[-1]["type"] == "partners.deleted"
    assert _bodies(receiver)[-1]["data"] == {"id": gone}
    assert list(RecordState.objects.values_list("record_id", flat=True)) == [keep]
    assert poll(configuration).sent == 0


def test_an_archived_record_leaves_the_domain(configuration, poll, odoo_client, receiver):
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    poll(configuration)
    odoo_client.execute_kw("res.partner", "action_archive", [[partner]])
    assert poll(configuration).deleted == 1
    odoo_client.execute_kw("res.partner", "action_unarchive", [[partner]])
    back = poll(configuration)
    assert back.created == 1  # new to the domain again
    assert [b["type"] for b in _bodies(receiver)] == ["partners.created", "partners.deleted", "partners.created"]


def test_archived_records_are_seen_when_the_domain_allows(make_outbound, receiver, allow_loopback, poll, odoo_client):
    configuration = make_outbound(
        target_url=receiver.url,
        domain="[('name', '=like', 'Outbound%'), ('active', 'in', [True, False])]",
        lines=[{"odoo_field": "name", "external_key": "name"}, {"odoo_field": "active", "external_key": "active"}],
    )
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    poll(configuration)
    odoo_client.execute_kw("res.partner", "action_archive", [[partner]])
    result = poll(configuration)
    assert (result.updated, result.deleted) == (1, 0)
    assert _bodies(receiver)[-1]["data"] == {"id": partner, "name": "Outbound A", "active": False}


def test_events_not_chosen_are_not_sent(make_outbound, receiver, allow_loopback, poll, odoo_client):
    configuration = make_outbound(target_url=receiver.url, on_create=False, on_delete=False)
    [partner] = odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    assert poll(configuration).created == 1  # seen and remembered, not sent
    odoo_client.execute_kw("res.partner", "write", [[partner], {"email": "x@example.com"}])
    poll(configuration)
    odoo_client.execute_kw("res.partner", "unlink", [[partner]])
    poll(configuration)
    assert [b["type"] for b in _bodies(receiver)] == ["partners.updated"]


def test_more_changes_than_the_batch_take_several_cycles_of_one_read_each(
    make_outbound, receiver, allow_loopback, poll, odoo_client
):
    configuration = make_outbound(target_url=receiver.url, batch_size=2)
    odoo_client.execute_kw("res.partner", "create", [[{"name": f"Outbound {n}"} for n in range(5)]])
    cycles = [poll(configuration) for _ in range(3)]
    assert [(c.rpc, c.created) for c in cycles] == [
        (["web_search_read"], 2),
        (["web_search_read"], 2),
        (["web_search_read"], 1),
    ]
    names = [b["data"]["name"] for b in _bodies(receiver)]
    assert sorted(names) == [f"Outbound {n}" for n in range(5)]


def test_a_cycle_that_finds_the_cursor_moved_writes_nothing(configuration, odoo_client):
    odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}]])
    stale = type(configuration).objects.get(pk=configuration.pk)
    polling.poll(configuration)
    result = polling.poll(stale)  # read with the old cursor, another cycle moved it first
    assert result.skipped == "another cycle moved the cursor first"
    assert Delivery.objects.count() == 1


def test_outbound_poll_command_runs_one_cycle(configuration, odoo_client, make_outbound, capsys):
    other = make_outbound(name="others", domain="[('name', '=like', 'Other%')]")
    odoo_client.execute_kw("res.partner", "create", [[{"name": "Outbound A"}, {"name": "Other B"}]])
    call_command("outbound_poll", "--configuration", "partners")
    assert capsys.readouterr().out == "partners: 1 read, 1 created, 0 updated, 0 deleted\n"
    assert list(Delivery.objects.values_list("configuration__name", flat=True)) == ["partners"]
    call_command("outbound_poll")
    assert (
        capsys.readouterr().out
        == "others: 1 read, 1 created, 0 updated, 0 deleted\npartners: 1 read, 0 created, 0 updated, 0 deleted\n"
    )
    assert other.deliveries.count() == 1


def test_outbound_poll_command_names_an_unknown_configuration(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No outbound configuration named 'nope'"):
        call_command("outbound_poll", "--configuration", "nope")
