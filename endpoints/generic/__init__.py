"""The generic data routes: /api/create_data, /api/create_update_data, /api/update_data,
/api/search_data, /api/call_function, and the Odoo-style session routes."""
