"""Field labels in other languages, as the recorded fr_FR fields_get shows them (en_US is fields_get itself)."""

from __future__ import annotations

# (model, field) -> language -> {"string": label, "selection": {key: label}}
LABELS: dict[tuple[str, str], dict[str, dict]] = {
    ("res.partner", "type"): {
        "fr_FR": {
            "string": "Type d'adresse",
            "selection": {
                "contact": "Contact",
                "invoice": "Adresse de facturation",
                "delivery": "Adresse de livraison",
                "other": "Autre adresse",
            },
        }
    },
    ("res.partner", "company_type"): {
        "fr_FR": {"string": "Type de société", "selection": {"person": "Particulier", "company": "Société"}},
    },
}


def localized(model: str, name: str, meta: dict, lang: str) -> dict:
    """``meta`` with its label and selection labels in ``lang`` where they are known."""
    labels = LABELS.get((model, name), {}).get(lang)
    if not labels:
        return meta
    meta = dict(meta)
    if "string" in labels:
        meta["string"] = labels["string"]
    if meta.get("selection") and "selection" in labels:
        meta["selection"] = [[key, labels["selection"].get(key, label)] for key, label in meta["selection"]]
    return meta
