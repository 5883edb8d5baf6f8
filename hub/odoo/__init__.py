"""The Odoo client: the one place that speaks RPC to Odoo.

``OdooClient(url, database, login, secret, protocol="auto")`` then its typed calls
(``client.search_read(model, domain, fields)``, ``web_read``, ``create``, ``write``, ``unlink``,
``fields_get``...), each one ``execute_kw(model, method, args, kwargs)``, which stays for other
methods; errors are the typed exceptions of ``hub.odoo.exceptions``. ``hub.odoo.pool`` keeps one
client per connection, ``hub.odoo.names`` the rules for model and field names.
"""

from hub.odoo.client import PROTOCOLS, OdooClient, Probe

__all__ = ["PROTOCOLS", "OdooClient", "Probe"]
