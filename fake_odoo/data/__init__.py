"""The recorded Odoo 18 data the stand-in starts from, and the script that extracts it."""
