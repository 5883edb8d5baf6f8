"""The documentation pages load nothing from outside the hub, so they work offline."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_doc_pages_load_nothing_from_outside_the_hub(admin_client, path):
    page = admin_client.get(path).content.decode()
    assert re.findall(r'(?:src|href)="(https?:)?//[^"]*"', page) == []
    assert "fonts.googleapis.com" not in page
