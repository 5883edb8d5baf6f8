"""Who may call the hub: the secrets it issues, how a request carries them, the throttle of failed
attempts, and the DRF authentication classes built on them.

- ``secrets``: the one secret base (random token, stored as a digest, looked up by prefix) of
  API keys, endpoint tokens and Odoo sessions; ``passwords``: endpoints' Basic passwords.
- ``models``: the API keys the hub issues (endpoint tokens live with their endpoints, Odoo
  sessions with the generic routes; all three inherit ``secrets``' base).
- ``keys``: the usable API keys cached per process (no query per call).
- ``credentials``: the one reader of the ``Authorization`` and ``X-Api-Key`` headers.
- ``throttle``: the one guard against guessing (429 with Retry-After).
- ``authentication``: DRF authentication classes (API key, staff session) and the base the
  endpoint and session authentications of the other apps build on.
"""
