"""The one rule for Odoo model names."""

import pytest

from hub.odoo.names import is_model_name


@pytest.mark.parametrize("name", ["res.partner", "sale.order.line", "x_vehicle", "x_custom.thing_2", "l10n_be.vat"])
def test_names_odoo_uses_are_model_names(name):
    assert is_model_name(name)


@pytest.mark.parametrize(
    "name", ["", "res partner", "Res.Partner", "res.partner;", ".partner", "res..partner", "res.", None, 5, ["a"]]
)
def test_other_text_is_not(name):
    assert not is_model_name(name)
