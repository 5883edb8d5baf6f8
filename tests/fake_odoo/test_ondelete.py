"""Deleting records as Odoo does: each many2one's ondelete (restrict, cascade, set null), and contacts of users.

The recorded answers for admin's contact are in tests/fixtures/odoo18/faults_more.json (replayed by the
contract test); these tests cover the rules on the other relations of the demo data.
"""

import xmlrpc.client

import pytest

FK_MESSAGE = (
    "The operation cannot be completed: another model requires the record being deleted. "
    "If possible, archive it instead.\n\nModel: {model}\nConstraint: {constraint}\n"
)


def fault_of(call, *args, **kwargs):
    with pytest.raises(xmlrpc.client.Fault) as caught:
        call(*args, **kwargs)
    return caught.value


def test_deleting_admins_contact_is_refused_and_the_user_stays(fake_odoo, call_odoo):
    fault = fault_of(call_odoo, "res.partner", "unlink", [3])
    assert fault.faultCode == 2
    assert fault.faultString.startswith("('You cannot delete contacts linked to an active user.")
    assert call_odoo("res.partner", "read", [3], fields=["active", "user_ids"]) == [
        {"id": 3, "active": True, "user_ids": [2]}
    ]
    assert call_odoo("res.users", "search", [["id", "=", 2]]) == [2]
    # The admin still works afterwards: an order can be created as uid 2.
    assert isinstance(call_odoo("sale.order", "create", {"partner_id": 10}), int)


def test_deleting_a_customer_with_orders_is_refused_by_the_foreign_key(fake_odoo, call_odoo):
    customer = call_odoo("res.partner", "create", {"name": "Ordering Co"})
    order = call_odoo("sale.order", "create", {"partner_id": customer})
    fault = fault_of(call_odoo, "res.partner", "unlink", [customer])
    assert (fault.faultCode, fault.faultString) == (
        2,
        FK_MESSAGE.format(model="Sales Order (sale.order)", constraint="sale_order_partner_id_fkey"),
    )
    assert call_odoo("res.partner", "search_count", [["id", "=", customer]]) == 1
    assert call_odoo("sale.order", "read", [order], fields=["partner_id"]) == [
        {"id": order, "partner_id": [customer, "Ordering Co"]}
    ]


def test_deleting_a_company_empties_its_contacts_parent_and_they_become_their_own_entity(fake_odoo, call_odoo):
    company = call_odoo("res.partner", "create", {"name": "Parent Co", "is_company": True})
    child = call_odoo("res.partner", "create", {"name": "Kid", "parent_id": company})
    assert call_odoo("res.partner", "unlink", [company]) is True
    assert call_odoo("res.partner", "read", [child], fields=["parent_id", "commercial_partner_id", "display_name"]) == [
        {"id": child, "parent_id": False, "commercial_partner_id": [child, "Kid"], "display_name": "Kid"}
    ]


def test_deleting_an_order_cascades_to_its_lines(fake_odoo, call_odoo):
    order = call_odoo("sale.order", "create", {"partner_id": 10, "order_line": [(0, 0, {"product_id": 5})]})
    lines = call_odoo("sale.order", "read", [order], fields=["order_line"])[0]["order_line"]
    assert len(lines) == 1
    assert call_odoo("sale.order", "unlink", [order]) is True
    assert call_odoo("sale.order.line", "search_count", [["id", "in", lines]]) == 0


def test_deleting_an_ordered_product_is_refused_and_nothing_is_deleted(fake_odoo, call_odoo):
    template = call_odoo("product.product", "read", [16], fields=["product_tmpl_id"])[0]["product_tmpl_id"][0]
    call_odoo("sale.order", "create", {"partner_id": 10, "order_line": [(0, 0, {"product_id": 16})]})
    refused = FK_MESSAGE.format(
        model="Sales Order Line (sale.order.line)", constraint="sale_order_line_product_id_fkey"
    )
    assert fault_of(call_odoo, "product.product", "unlink", [16]).faultString == refused
    # The template's delete cascades to its variant, which the order line restricts: both stay.
    assert fault_of(call_odoo, "product.template", "unlink", [template]).faultString == refused
    assert call_odoo("product.product", "search_count", [["id", "=", 16]]) == 1
    assert call_odoo("product.template", "search_count", [["id", "=", template]]) == 1


def test_deleting_a_tag_drops_it_from_partners(fake_odoo, call_odoo):
    tag = call_odoo("res.partner.category", "create", {"name": "Short-lived"})
    partner = call_odoo("res.partner", "create", {"name": "Tagged", "category_id": [(6, 0, [tag])]})
    assert call_odoo("res.partner.category", "unlink", [tag]) is True
    assert call_odoo("res.partner", "read", [partner], fields=["category_id"]) == [{"id": partner, "category_id": []}]


def test_deleting_the_demo_company_contact_with_contracts_succeeds(fake_odoo, call_odoo):
    """Wood Corner (9) has analytic accounts, children and tags, all ``set null`` links: the delete passes."""
    children = call_odoo("res.partner", "read", [9], fields=["child_ids"])[0]["child_ids"]
    assert call_odoo("res.partner", "unlink", [9]) is True
    assert call_odoo("res.partner", "read", children, fields=["parent_id"]) == [
        {"id": child, "parent_id": False} for child in children
    ]
    assert fake_odoo.not_modelled == []


def test_a_case_the_stand_in_does_not_model_fails_loudly_and_is_noted(fake_odoo, call_odoo):
    """Archiving admin's contact as demo has no recorded answer: a server error naming it, never a guess."""
    fault = fault_of(call_odoo, "res.partner", "write", [3], {"active": False}, uid=6, password="demo")
    assert fault.faultCode == 1
    assert fault.faultString.splitlines()[-1] == (
        "fake_odoo.NotModelled: archiving a user's contact without write access on res.users"
    )
    assert fake_odoo.not_modelled == ["archiving a user's contact without write access on res.users"]
    fake_odoo.store.not_modelled.clear()  # noted on purpose here: the fixture fails any other test that meets one


def test_a_crash_inside_the_stand_in_is_a_loud_server_error_not_a_client_error(fake_odoo, call_odoo, monkeypatch):
    """A KeyError in the stand-in's own code (Odoo's own KeyErrors are raised apart) names the missing key."""

    def crash(recs):
        raise KeyError("account.analytic.account")

    monkeypatch.setattr("fake_odoo.models.before_unlink", crash)
    fault = fault_of(call_odoo, "res.partner", "unlink", [9])
    assert fault.faultCode == 1
    expected = "the stand-in crashed in res.partner.unlink: KeyError 'account.analytic.account'"
    assert fault.faultString.splitlines()[-1] == f"fake_odoo.NotModelled: {expected}"
    assert fake_odoo.not_modelled == [expected]
    fake_odoo.store.not_modelled.clear()


def test_a_business_method_the_stand_in_lacks_is_not_modelled_rather_than_unknown(fake_odoo, call_odoo):
    """sale.order has action_quotation_send in Odoo: "does not exist" would be a plausible wrong answer."""
    fault = fault_of(call_odoo, "sale.order", "action_quotation_send", [1])
    assert fault.faultString.splitlines()[-1] == (
        "fake_odoo.NotModelled: method sale.order.action_quotation_send is not modelled by the stand-in"
    )
    # A name no Odoo model has keeps Odoo's own answer.
    unknown = fault_of(call_odoo, "sale.order", "no_such_method", [1])
    assert unknown.faultString.splitlines()[-1] == (
        "AttributeError: The method 'no_such_method' does not exist on the model 'sale.order'"
    )
    assert fake_odoo.not_modelled == ["method sale.order.action_quotation_send is not modelled by the stand-in"]
    fake_odoo.store.not_modelled.clear()
