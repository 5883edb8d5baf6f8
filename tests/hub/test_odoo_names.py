"""The one rule for Odoo model names, and the one for field and method names."""

import pytest

from hub.odoo.names import is_field_name, is_model_name


@pytest.mark.parametrize("name", ["res.partner", "sale.order.line", "x_vehicle", "x_custom.thing_2", "l10n_be.vat"])
def test_names_odoo_uses_are_model_names(name):
    assert is_model_name(name)


@pytest.mark.parametrize(
    "name", ["", "res partner", "Res.Partner", "res.partner;", ".partner", "res..partner", "res.", None, 5, ["a"]]
)
def test_other_text_is_not(name):
    assert not is_model_name(name)


@pytest.mark.parametrize("name", ["name", "x_studio_Colour", "_private", "l10n_be_vat"])
def test_field_names_are_ascii_identifiers(name):
    assert is_field_name(name)


@pytest.mark.parametrize("name", ["", "1name", "na-me", "name.sub", "ré", None, 3])
def test_other_text_is_not_a_field_name(name):
    assert not is_field_name(name)
