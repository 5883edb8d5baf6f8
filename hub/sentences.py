"""Messages made of several sentences (Odoo's own text, then the hub's) joined in one place."""

_ENDINGS = (".", "!", "?", ":", "…")


def joined(*parts: str) -> str:
    """The non-empty ``parts`` as one text, each ending with punctuation (a full stop when it has none)."""
    sentences = []
    for part in parts:
        text = (part or "").strip()
        if text:
            sentences.append(text if text.endswith(_ENDINGS) else f"{text}.")
    return " ".join(sentences)
