"""The one TLS context of the hub's outgoing HTTPS: to Odoo and to outbound targets."""

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Loading the CA certificates takes ~35 ms (far more on a loaded machine); a context is thread-safe."""
    return httpx.create_ssl_context()
