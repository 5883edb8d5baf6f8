"""Automation rules with a "Send Webhook Notification" action, posting as Odoo 17/18 does.

What the recording (odoo18/webhook.json) shows and this module reproduces:

- the POST is made synchronously inside the call, before the transaction commits (here: while the
  store lock is held, so a concurrent reader waits until the call is over), with a 1 s timeout;
  a failure, a timeout or an error status is logged and never retried;
- the body is the record's ``_action``, ``_id``, ``_model``, ``id`` and the chosen fields, read
  raw (a many2one as its id, x2many as ids), keys sorted;
- on create or write: with trigger fields, a write fires only when one of them changes value;
  without trigger fields, every write fires (even one that changes nothing); a create fires once
  with trigger fields, and without them once per write of create's flush: 13 identical posts for
  a res.partner create (entry 49; the count of other models was not recorded, so such a rule on
  them is refused as not modelled);
- a rule whose action is code raising a UserError (``raises``) fails the create after the earlier
  rules have posted: the create is rolled back, so Odoo announced a record that never existed
  (entry 32); rules run in the order they were added (Odoo: by id), and ``filter_domain`` limits a
  rule to the records matching it;
- on unlink: the record is read before it is deleted.

Rules live on the store, so ``FakeOdoo.reset()`` drops them; tests register them with :func:`add_rule`.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fake_odoo import errors

if TYPE_CHECKING:
    from fake_odoo.orm import BaseModel, Store

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 1.0  # Odoo's webhook action gives up after one second
ON_SAVE = "on_create_or_write"
ON_UNLINK = "on_unlink"
# Posts of one create by a rule without trigger fields: it runs on each write of create's flush
# (stored computed fields), as recorded (webhook.json entry 49).
CREATE_FIRINGS = {"res.partner": 13}


@dataclass
class Rule:
    """One automation rule with its webhook action."""

    model: str
    url: str = ""
    trigger: str = ON_SAVE
    trigger_fields: list[str] = field(default_factory=list)  # empty: every field is watched
    webhook_fields: list[str] = field(default_factory=list)
    action_id: int = 350
    filter_domain: list = field(default_factory=list)  # empty: every record
    raises: str = ""  # the action is code raising UserError(raises) instead of a webhook
    sent: list[dict] = field(default_factory=list)  # bodies posted, for assertions

    def __post_init__(self) -> None:
        if self.trigger not in (ON_SAVE, ON_UNLINK):
            raise ValueError(f"The stand-in models the triggers {ON_SAVE} and {ON_UNLINK}, not {self.trigger!r}")
        if bool(self.url) == bool(self.raises):
            raise ValueError("A rule either posts to a url or raises a UserError")
        if self.raises and (self.trigger != ON_SAVE or not self.trigger_fields):
            # without trigger fields Odoo runs it inside create's flush, before other rules (entry 29)
            raise errors.NotModelled("A raising rule is modelled on save with trigger fields only")
        if self.trigger == ON_SAVE and not self.trigger_fields and self.model not in CREATE_FIRINGS:
            raise errors.NotModelled(f"How often a rule without trigger fields fires on a {self.model} create")

    def applies_to(self, record: BaseModel) -> bool:
        """Whether the record matches the rule's filter domain (archived records included, as Odoo's)."""
        if not self.filter_domain:
            return True
        from fake_odoo.orm import _as_and

        domain = ["&", ("id", "in", record.ids), *_as_and(self.filter_domain)]
        return bool(record._search(domain, active_test=False))

    def run(self, record: BaseModel, times: int = 1) -> None:
        """The rule's action on one record: its webhook posted ``times`` times, or its UserError."""
        if not self.applies_to(record):
            return
        if self.raises:
            raise errors.UserError(self.raises)
        for _ in range(times):
            _post(record, self)


def add_rule(store: Store, rule: Rule) -> Rule:
    """Register a rule on a store (``fake_odoo.store``)."""
    _rules(store).append(rule)
    return rule


def _rules(store: Store) -> list[Rule]:
    if not hasattr(store, "automations"):
        store.automations = []
    return store.automations


def _matching(recs: BaseModel, trigger: str) -> list[Rule]:
    return [rule for rule in _rules(recs.env.store) if rule.model == recs._name and rule.trigger == trigger]


def before_write(recs: BaseModel, vals: dict) -> dict[int, dict] | None:
    """The watched values before a write (None when no rule watches this model)."""
    if not _matching(recs, ON_SAVE):
        return None
    table = recs._table
    return {i: {name: table[i].get(name) for name in vals} for i in recs.ids if i in table}


def after_write(recs: BaseModel, vals: dict, before: dict[int, dict] | None) -> None:
    """Fire the on-save rules whose trigger fields changed value (every write when none is set)."""
    if before is None:
        return
    table = recs._table
    for rule in _matching(recs, ON_SAVE):
        for record_id in recs.ids:
            if record_id not in table:
                continue
            watched = [name for name in vals if not rule.trigger_fields or name in rule.trigger_fields]
            if rule.trigger_fields and not watched:
                continue
            changed = any(before.get(record_id, {}).get(name) != table[record_id].get(name) for name in watched)
            if rule.trigger_fields and not changed:
                continue
            if rule.raises:
                raise errors.NotModelled("Rolling back a write refused by an automation rule")
            rule.run(recs.browse([record_id]))


def after_create(recs: BaseModel) -> None:
    """Fire the on-save rules for each created record (a raising rule fails the whole create)."""
    for rule in _matching(recs, ON_SAVE):
        times = 1 if rule.trigger_fields else CREATE_FIRINGS[recs._name]
        for record_id in recs.ids:
            rule.run(recs.browse([record_id]), times)


def before_unlink(recs: BaseModel) -> None:
    """Fire the on-unlink rules, reading each record before it goes."""
    for rule in _matching(recs, ON_UNLINK):
        for record_id in recs.ids:
            rule.run(recs.browse([record_id]))


def _post(record: BaseModel, rule: Rule) -> None:
    [values] = record._read(rule.webhook_fields or ["id"], load=None)
    body = {
        "_action": f"Send Webhook Notification(#{rule.action_id})",
        "_id": values["id"],
        "_model": record._name,
        **values,
    }
    rule.sent.append(body)
    request = urllib.request.Request(
        rule.url,
        data=json.dumps(body, sort_keys=True).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    logger.info("Webhook call to %s", rule.url)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        logger.warning("Webhook call failed: %s", exc)  # Odoo logs the status and moves on
    except TimeoutError:
        logger.warning("Webhook call timed out after 1s - it may or may not have failed.")
    except (urllib.error.URLError, OSError) as exc:
        logger.warning("Webhook call failed: %s", exc)
