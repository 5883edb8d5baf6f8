"""The Odoo client: the one place that speaks RPC to Odoo.

``OdooClient(url, database, login, secret, protocol="auto")`` then ``client.execute_kw(model,
method, args, kwargs)``; errors are the typed exceptions of ``hub.odoo.exceptions``.
"""

from hub.odoo.client import PROTOCOLS, OdooClient, Probe

__all__ = ["PROTOCOLS", "OdooClient", "Probe"]
