"""Files sent inline as ``attachment_ids: [{"name": …, "datas": <base64>}]`` at any level of a payload.

They are checked before anything is written (name, strict base64, size), and turned into
``ir.attachment`` values once the record they sit on has an id. A call as a whole is bounded too
(:func:`check_call_totals`: how many files, how many bytes together), before anything else is done.
"""

import base64
import binascii
from dataclasses import dataclass

ATTACHMENT_KEY = "attachment_ids"
ATTACHMENT_MODEL = "ir.attachment"


class AttachmentError(ValueError):
    """An attachment that is malformed or too large; the message names where it sits."""


class TooMuchAttached(ValueError):
    """The files of one call together are over a per-call cap; the message names the cap."""


@dataclass(frozen=True)
class Attachment:
    """One file to attach: its name, its base64 content (as sent) and optional MIME type."""

    name: str
    datas: str
    mimetype: str | None = None

    def vals(self, res_model: str, res_id: int) -> dict:
        """``ir.attachment`` create values that attach this file to one record."""
        vals = {"name": self.name, "datas": self.datas, "res_model": res_model, "res_id": res_id, "type": "binary"}
        if self.mimetype:
            vals["mimetype"] = self.mimetype
        return vals


def parse_attachments(value, path: str, max_bytes: int) -> list[Attachment]:
    """A payload's ``attachment_ids`` list -> Attachments; AttachmentError on the first bad item."""
    if value is None or value is False:
        return []
    if not isinstance(value, list):
        raise AttachmentError(f'{path}: must be a list of {{"name": …, "datas": <base64>}} objects.')
    attachments = []
    for index, item in enumerate(value):
        where = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise AttachmentError(f'{where}: must be an object {{"name": …, "datas": <base64>}}.')
        unknown = set(item) - {"name", "datas", "mimetype"}
        if unknown:
            raise AttachmentError(f"{where}: unknown keys {', '.join(sorted(unknown))} (name, datas, mimetype).")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise AttachmentError(f'{where}: "name" must be a non-empty string.')
        datas = item.get("datas")
        if not isinstance(datas, str):
            raise AttachmentError(f'{where}: "datas" must be the file content in base64.')
        size = _decoded_size(datas, where, max_bytes)
        if size > max_bytes:
            raise AttachmentError(f"{where}: {name!r} is {size} bytes, larger than the limit of {max_bytes} bytes.")
        mimetype = item.get("mimetype")
        if mimetype is not None and not isinstance(mimetype, str):
            raise AttachmentError(f'{where}: "mimetype" must be a string.')
        attachments.append(Attachment(name=name, datas=datas, mimetype=mimetype))
    return attachments


def check_call_totals(payload, *, max_count: int, max_total_bytes: int) -> None:
    """TooMuchAttached when the files of a whole payload (every ``attachment_ids`` list, at any depth) are
    more than ``max_count`` or decode to more than ``max_total_bytes`` together.

    Sizes come from the base64 lengths (exact for valid base64), so nothing is decoded to refuse a call;
    malformed items are left to :func:`parse_attachments`.
    """
    count = total = 0
    pending = [payload]
    while pending:  # iterative: a deep payload must not cost a deep recursion
        value = pending.pop()
        if isinstance(value, dict):
            files = value.get(ATTACHMENT_KEY)
            if isinstance(files, list):
                count += len(files)
                total += sum(_base64_size(_compact(item["datas"])) for item in files if _has_datas(item))
            pending.extend(item for key, item in value.items() if key != ATTACHMENT_KEY)
        elif isinstance(value, list):
            pending.extend(value)
    if count > max_count:
        raise TooMuchAttached(f"The call carries {count} files in attachment_ids; at most {max_count} per call.")
    if total > max_total_bytes:
        raise TooMuchAttached(
            f"The files of the call decode to {total} bytes together; at most {max_total_bytes} bytes per call."
        )


def _has_datas(item) -> bool:
    return isinstance(item, dict) and isinstance(item.get("datas"), str)


def _compact(datas: str) -> str:
    return "".join(datas.split())  # whitespace is ignored, as when decoding


def _base64_size(compact: str) -> int:
    """The decoded size of base64 text without whitespace, from its length."""
    return len(compact) * 3 // 4 - compact[-2:].count("=")


def _decoded_size(datas: str, where: str, max_bytes: int) -> int:
    # Odoo would store garbage as a broken file; refusing it here tells the sender what is wrong.
    compact = _compact(datas)
    estimated = _base64_size(compact)
    if estimated > max_bytes:
        return estimated  # too large anyway: no need to decode it to say so
    try:
        return len(base64.b64decode(compact, validate=True))
    except (binascii.Error, ValueError):
        raise AttachmentError(f'{where}: "datas" is not valid base64.') from None
