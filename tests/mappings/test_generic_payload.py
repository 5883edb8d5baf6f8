"""The relational formats of the generic routes, parsed into record plans without Odoo."""

import base64

import pytest

from mappings.generic_payload import Many2Many, Many2One, One2Many, PayloadError, Ref, Use, parse_record

FIELDS = {
    "sale.order": {
        "name": {"type": "char"},
        "partner_id": {"type": "many2one", "relation": "res.partner"},
        "tag_ids": {"type": "many2many", "relation": "crm.tag"},
        "order_line": {"type": "one2many", "relation": "sale.order.line"},
        "note": {"type": "html"},
    },
    "sale.order.line": {
        "name": {"type": "text"},
        "product_id": {"type": "many2one", "relation": "product.product"},
        "product_uom_qty": {"type": "float"},
        "tax_id": {"type": "many2many", "relation": "account.tax"},
        "sub_line_ids": {"type": "one2many", "relation": "sale.order.line"},
    },
    "res.partner": {
        "name": {"type": "char"},
        "country_id": {"type": "many2one", "relation": "res.country"},
    },
}
MAX = 1000


def parse(payload, model="sale.order"):
    return parse_record(model, payload, FIELDS.__getitem__, max_attachment_bytes=MAX)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_many2one_lookup_many2many_and_lines_become_a_plan():
    plan = parse(
        {
            "name": "S001",
            "partner_id": {"name": "Customer A"},
            "tag_ids": {"mode": "add", "records": [{"name": "VIP"}, 7]},
            "order_line": [
                {"product_id": {"default_code": "P-1"}, "product_uom_qty": 2},
                {"product_id": 12, "tax_id": {"records": [{"name": "15%"}]}},
            ],
        }
    )
    assert plan.values["name"] == "S001"
    assert plan.values["partner_id"] == Many2One(Ref("res.partner", "name", "Customer A"))
    assert plan.values["tag_ids"] == Many2Many("add", [Ref("crm.tag", "name", "VIP"), 7])
    lines = plan.values["order_line"]
    assert isinstance(lines, One2Many)
    assert [line.model for line in lines.lines] == ["sale.order.line", "sale.order.line"]
    assert list(plan.refs()) == [
        (Ref("res.partner", "name", "Customer A"), Use("partner_id", "partner_id")),
        (Ref("crm.tag", "name", "VIP"), Use("tag_ids", "tag_ids")),
        (Ref("product.product", "default_code", "P-1"), Use("product_id", "order_line[0].product_id")),
        (Ref("account.tax", "name", "15%"), Use("tax_id", "order_line[1].tax_id")),
    ]
    assert plan.models() == {
        "sale.order",
        "sale.order.line",
        "res.partner",
        "crm.tag",
        "product.product",
        "account.tax",
    }


def test_vals_on_create_use_resolved_ids_and_create_commands():
    plan = parse(
        {
            "partner_id": {"ref": "C-1"},
            "tag_ids": {"mode": "add", "records": [{"name": "VIP"}, 7]},
            "order_line": [{"product_id": {"default_code": "P-1"}, "tax_id": {"records": [{"name": "15%"}]}}],
        }
    )
    ids = {
        Ref("res.partner", "ref", "C-1"): 3,
        Ref("crm.tag", "name", "VIP"): 4,
        Ref("product.product", "default_code", "P-1"): 5,
        Ref("account.tax", "name", "15%"): 6,
    }
    assert plan.vals(ids) == {
        "partner_id": 3,
        "tag_ids": [[4, 4, 0], [4, 7, 0]],
        "order_line": [[0, 0, {"product_id": 5, "tax_id": [[6, 0, [6]]]}]],
    }


def test_vals_on_update_replace_the_lines_but_not_nested_ones():
    plan = parse({"order_line": [{"name": "a", "sub_line_ids": [{"name": "b"}]}]})
    assert plan.vals({}, replace_lines=True) == {
        "order_line": [[5, 0, 0], [0, 0, {"name": "a", "sub_line_ids": [[0, 0, {"name": "b"}]]}]]
    }


def test_empty_and_cleared_relational_values():
    plan = parse({"partner_id": None, "tag_ids": False, "order_line": []})
    assert plan.vals({}) == {"partner_id": False, "tag_ids": [[6, 0, []]], "order_line": []}
    assert plan.vals({}, replace_lines=True)["order_line"] == [[5, 0, 0]]


def test_replace_is_the_default_many2many_mode():
    plan = parse({"tag_ids": {"records": [3, 4]}})
    assert plan.vals({}) == {"tag_ids": [[6, 0, [3, 4]]]}


def test_plain_values_and_unknown_fields_pass_through():
    plan = parse({"note": "<p>x</p>", "x_custom": {"any": "thing"}, "name": ["odd"]})
    assert plan.vals({}) == {"note": "<p>x</p>", "x_custom": {"any": "thing"}, "name": ["odd"]}


def test_attachments_sit_on_header_and_lines():
    plan = parse(
        {
            "attachment_ids": [{"name": "a.txt", "datas": b64(b"hello")}],
            "order_line": [
                {
                    "name": "l",
                    "attachment_ids": [{"name": "b.pdf", "datas": b64(b"%PDF"), "mimetype": "application/pdf"}],
                }
            ],
        }
    )
    assert [a.name for a in plan.attachments] == ["a.txt"]
    assert plan.has_attachments()
    line = plan.values["order_line"].lines[0]
    assert line.attachments[0].vals("sale.order.line", 9) == {
        "name": "b.pdf",
        "datas": b64(b"%PDF"),
        "res_model": "sale.order.line",
        "res_id": 9,
        "type": "binary",
        "mimetype": "application/pdf",
    }
    assert "attachment_ids" not in plan.vals({})


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"partner_id": "Customer A"},
            'partner_id: a lookup is an object with one field, e.g. {"name": "…"} or {"id": 5}.',
        ),
        (
            {"partner_id": {"name": "A", "ref": "B"}},
            'partner_id: a lookup is an object with one field, e.g. {"name": "…"} or {"id": 5}.',
        ),
        ({"partner_id": {"id": "5"}}, 'partner_id: {"id": …} needs a whole number.'),
        ({"partner_id": {"name": None}}, "partner_id: the value of 'name' must be a string or a number."),
        ({"partner_id": {"name": True}}, "partner_id: the value of 'name' must be a string or a number."),
        ({"partner_id": {"na me": "x"}}, "partner_id: 'na me' is not a field name."),
        ({"partner_id": 0}, 'partner_id: a lookup is an object with one field, e.g. {"name": "…"} or {"id": 5}.'),
        (
            {"tag_ids": [1, 2]},
            'tag_ids: a many2many value is {"mode": "add" | "replace", "records": [{"<field>": value}, …]}.',
        ),
        ({"tag_ids": {"mode": "set", "records": []}}, 'tag_ids: "mode" must be "add" or "replace", not "set".'),
        ({"tag_ids": {"records": {"name": "x"}}}, 'tag_ids: "records" must be a list.'),
        ({"tag_ids": {"records": [], "extra": 1}}, "tag_ids: unknown keys extra (mode, records)."),
        (
            {"tag_ids": {"records": ["VIP"]}},
            'tag_ids.records[0]: a lookup is an object with one field, e.g. {"name": "…"} or {"id": 5}.',
        ),
        ({"order_line": {"name": "x"}}, "order_line: a one2many value is a list of objects, one per line."),
        ({"order_line": ["x"]}, "order_line[0]: must be an object."),
        (
            {"order_line": [{}, {"product_id": {"x": [1]}}]},
            "order_line[1].product_id: the value of 'x' must be a string or a number.",
        ),
        (
            {"attachment_ids": {"name": "a"}},
            'attachment_ids: must be a list of {"name": …, "datas": <base64>} objects.',
        ),
        ({"attachment_ids": [{"name": "", "datas": "aGk="}]}, 'attachment_ids[0]: "name" must be a non-empty string.'),
        (
            {"attachment_ids": [{"name": "a", "datas": "not base64!"}]},
            'attachment_ids[0]: "datas" is not valid base64.',
        ),
        ({"attachment_ids": [{"name": "a", "datas": "aGk"}]}, 'attachment_ids[0]: "datas" is not valid base64.'),
        (
            {"attachment_ids": [{"name": "a", "datas": 5}]},
            'attachment_ids[0]: "datas" must be the file content in base64.',
        ),
        (
            {"attachment_ids": [{"name": "a", "datas": "aGk=", "size": 2}]},
            "attachment_ids[0]: unknown keys size (name, datas, mimetype).",
        ),
        (
            {"order_line": [{"attachment_ids": [{"name": "big", "datas": b64(b"x" * (MAX + 1))}]}]},
            "order_line[0].attachment_ids[0]: 'big' is 1001 bytes, larger than the limit of 1000 bytes.",
        ),
    ],
)
def test_malformed_values_name_the_field_path(payload, message):
    with pytest.raises(PayloadError) as caught:
        parse(payload)
    assert str(caught.value) == message


def test_payload_must_be_an_object():
    with pytest.raises(PayloadError) as caught:
        parse(["x"])
    assert str(caught.value) == "payload: must be an object."


def test_attachment_at_the_size_limit_is_accepted_and_whitespace_in_base64_is_fine():
    content = b64(b"x" * MAX)
    plan = parse({"attachment_ids": [{"name": "edge", "datas": content[:40] + "\n" + content[40:]}]})
    assert plan.attachments[0].name == "edge"


def test_ref_describes_itself_for_error_messages():
    assert Ref("res.partner", "name", "Clé").describe() == 'name = "Clé"'
    assert Ref("res.partner", "id", 5).describe() == "id = 5"


def test_lines_sent_by_id_are_written_in_place_and_the_others_kept():
    plan = parse({"order_line": [{"id": 7, "product_uom_qty": 3}, {"name": "new"}]})
    assert plan.keyed_lines() == {"order_line": [("order_line[0].id", 7)]}
    # no clear command: the lines not sent stay, as a confirmed order's must
    assert plan.vals({}, replace_lines=True)["order_line"] == [[1, 7, {"product_uom_qty": 3}], [0, 0, {"name": "new"}]]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"order_line": [{"id": "7"}]}, "order_line[0].id: a line id is a whole number, as search_data answers it."),
        ({"order_line": [{"id": 0}]}, "order_line[0].id: a line id is a whole number, as search_data answers it."),
        (
            {"order_line": [{"sub_line_ids": [{"id": 3}]}]},
            "order_line[0].sub_line_ids[0].id: only the record's own lines are written by id, not lines of lines.",
        ),
    ],
)
def test_line_ids_that_cannot_be_written(payload, message):
    with pytest.raises(PayloadError) as caught:
        parse(payload)
    assert str(caught.value) == message
