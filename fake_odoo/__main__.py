"""``python -m fake_odoo --port 8069 [--version 19.0]``: serve the stand-in until interrupted."""

import argparse
import contextlib
import logging

from fake_odoo import FakeOdoo


def main() -> None:
    """Parse the command line and serve forever."""
    parser = argparse.ArgumentParser(prog="python -m fake_odoo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument("--version", default="18.0", choices=["18.0", "19.0"])
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    server = FakeOdoo(version=options.version, host=options.host, port=options.port)
    print(f"fake Odoo {options.version} on http://{options.host}:{options.port} database {server.database}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
