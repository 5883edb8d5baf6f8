"""The Odoo client: the one place that speaks RPC to Odoo."""
