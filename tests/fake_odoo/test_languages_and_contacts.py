"""Context languages and contacts joining a company, as the real Odoo 18 answers (faults_more.json).

The recorded calls themselves are replayed by the contract test; these check the same rules on other
languages, records and protocols.
"""

import json
import urllib.error
import urllib.request
import xmlrpc.client

import pytest

from fake_odoo import FakeOdoo

FIELDS = ["street", "street2", "city", "zip", "state_id", "country_id", "vat", "commercial_partner_id"]


def fault_of(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(*args, **kwargs)
    return caught.value.faultCode, caught.value.faultString


def test_active_languages_are_english_and_french(call_odoo):
    assert call_odoo("res.lang", "search_read", [], fields=["code"], order="id") == [
        {"id": 1, "code": "en_US"},
        {"id": 30, "code": "fr_FR"},
    ]
    assert call_odoo("res.lang", "search_count", [], context={"active_test": False}) == 92


@pytest.mark.parametrize(
    ("model", "method", "args", "kwargs"),
    [
        ("res.partner", "search_read", [[["id", "=", 10]]], {"fields": ["name"]}),
        ("res.partner", "name_search", [], {"name": "Deco", "limit": 5}),
        ("res.country", "read", [[20]], {"fields": ["name"]}),
    ],
)
def test_a_language_that_is_not_active_is_refused(call_odoo, model, method, args, kwargs):
    kwargs = {**kwargs, "context": {"lang": "de_DE"}}
    assert fault_of(call_odoo, model, method, *args, **kwargs) == (2, "Invalid language code: de_DE")


def test_an_order_confirmed_in_an_inactive_language_stays_draft(call_odoo):
    order = call_odoo("sale.order", "create", {"partner_id": 10})
    assert fault_of(call_odoo, "sale.order", "action_confirm", [order], context={"lang": "de_DE"}) == (
        2,
        "Invalid language code: de_DE",
    )
    assert call_odoo("sale.order", "read", [order], fields=["state"]) == [{"id": order, "state": "draft"}]
    assert call_odoo("sale.order", "action_confirm", [order], context={"lang": "fr_FR"}) is True


def test_french_is_served_and_unknown_languages_fail_once_deactivated(call_odoo):
    assert call_odoo("res.country", "read", [20], fields=["name"], context={"lang": "fr_FR"}) == [
        {"id": 20, "name": "Belgique"}
    ]
    assert call_odoo("res.lang", "write", [30], {"active": False}) is True
    assert fault_of(call_odoo, "res.country", "read", [20], fields=["name"], context={"lang": "fr_FR"}) == (
        2,
        "Invalid language code: fr_FR",
    )


def test_json2_answers_422_for_an_inactive_language():
    with FakeOdoo(version="19.0") as server:
        request = urllib.request.Request(
            f"{server.url}/json/2/res.partner/read",
            data=json.dumps({"ids": [10], "fields": ["name"], "context": {"lang": "de_DE"}}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"bearer {server.ADMIN_API_KEY}"},
        )
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=5)
        body = json.loads(caught.value.read())
    assert caught.value.code == 422
    assert (body["name"], body["message"]) == ("odoo.exceptions.UserError", "Invalid language code: de_DE")


def test_a_contact_joining_a_company_takes_its_address_and_vat(call_odoo):
    company = call_odoo("res.partner", "read", [9], fields=FIELDS)[0]
    own = call_odoo("res.partner", "create", {"name": "Own", "street": "1 Own St", "city": "Owntown", "country_id": 20})
    invoice = call_odoo(
        "res.partner", "create", {"name": "Bill", "type": "invoice", "street": "2 Bill Rd", "country_id": 20}
    )
    call_odoo("res.partner", "write", [own, invoice], {"parent_id": 9})
    contact, billing = call_odoo("res.partner", "read", [own, invoice], fields=FIELDS)
    assert {k: contact[k] for k in FIELDS} == {
        **{k: company[k] for k in FIELDS},
        "commercial_partner_id": [9, "Wood Corner"],
    }
    assert (billing["street"], billing["country_id"], billing["vat"]) == ("2 Bill Rd", [20, "Belgium"], company["vat"])


def test_a_company_address_change_reaches_its_contacts_but_not_other_addresses(call_odoo):
    contact = call_odoo("res.partner", "create", {"name": "Kid", "parent_id": 9})
    invoice = call_odoo(
        "res.partner", "create", {"name": "Bill", "type": "invoice", "parent_id": 9, "city": "Billtown"}
    )
    call_odoo("res.partner", "write", [9], {"city": "Modesto", "vat": "US99999999"})
    assert call_odoo("res.partner", "read", [contact, invoice], fields=["city", "vat"]) == [
        {"id": contact, "city": "Modesto", "vat": "US99999999"},
        {"id": invoice, "city": "Billtown", "vat": "US99999999"},
    ]


def test_a_company_without_an_address_leaves_the_contacts_own(call_odoo):
    company = call_odoo("res.partner", "create", {"name": "No Address Co", "is_company": True})
    contact = call_odoo(
        "res.partner", "create", {"name": "Kid", "parent_id": company, "city": "Kidtown", "country_id": 20}
    )
    assert call_odoo("res.partner", "read", [contact], fields=["city", "country_id"]) == [
        {"id": contact, "city": "Kidtown", "country_id": [20, "Belgium"]}
    ]


def test_replacing_a_company_s_contacts_renames_them_and_the_default_order_follows(call_odoo):
    newcomer = call_odoo("res.partner", "create", {"name": "Aaron Newcomer"})
    before = call_odoo("res.partner", "read", [9], fields=["child_ids"])[0]["child_ids"]
    assert call_odoo("res.partner", "write", [9], {"child_ids": [(6, 0, [newcomer])]}) is True
    assert call_odoo("res.partner", "read", [newcomer], fields=["display_name", "parent_id", "city"]) == [
        {
            "id": newcomer,
            "display_name": "Wood Corner, Aaron Newcomer",
            "parent_id": [9, "Wood Corner"],
            "city": "Turlock",
        }
    ]
    dropped = call_odoo("res.partner", "read", before, fields=["display_name", "parent_id"])
    assert all(row["parent_id"] is False and not row["display_name"].startswith("Wood Corner") for row in dropped)
    # The default order (complete_name) sorts the newcomer among the W's, no longer among the A's.
    names = [
        row["display_name"]
        for row in call_odoo("res.partner", "search_read", [["id", "in", [newcomer, *before]]], fields=["display_name"])
    ]
    assert names == sorted(names)
