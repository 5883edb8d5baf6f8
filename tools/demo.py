"""``make demo``: the hub with a stand-in Odoo, SQLite and demo endpoints, on one machine.

Generates the demo's secrets once (kept in var/demo.env so a restart keeps the stored data
readable), migrates, creates an admin user, seeds a connection to the stand-in and the demo
endpoints, then runs the stand-in and the hub until Ctrl-C.

Outbound: a Celery worker and the scheduler (celery beat) run too, on kombu's filesystem
transport under var/ (no broker server), and a small local receiver prints each delivery of
the demo outbound configuration (partners whose name starts with "Demo"), its signature checked.
"""

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
ENV_FILE = VAR / "demo.env"
HUB_PORT = int(os.environ.get("HUB_PORT", "8000"))
ODOO_PORT = int(os.environ.get("FAKE_ODOO_PORT", "8069"))
ADMIN_USER = os.environ.get("DEMO_ADMIN_USER", "admin")
DEMO_ENDPOINTS = ROOT / "demo" / "endpoints.json"
RECEIVER_PORT = int(os.environ.get("DEMO_RECEIVER_PORT", "8070"))
OUTBOUND_NAME = "demo-partners"


def demo_environment() -> dict[str, str]:
    """The demo's settings: generated once, then read back from var/demo.env."""
    VAR.mkdir(exist_ok=True)
    if not ENV_FILE.exists():
        from cryptography.fernet import Fernet

        from outbound.signing import new_secret

        values = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "HUB_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "DEMO_ADMIN_PASSWORD": secrets.token_urlsafe(12),
            "DEMO_SIGNING_SECRET": new_secret(),
        }
        ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
        ENV_FILE.chmod(0o600)
    values = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    values.setdefault("DEBUG", "1")  # runserver serves the admin's static files only with DEBUG
    values.setdefault("DEMO_SIGNING_SECRET", "whsec_ZGVtby1zaWduaW5nLXNlY3JldA==")  # a var/demo.env of before
    # Deliveries go to the demo's own receiver on 127.0.0.1; changes are polled every few seconds.
    values.setdefault("OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8")
    values.setdefault("OUTBOUND_POLL_TICK_SECONDS", "3")
    if "DEMO_ADMIN_PASSWORD" in os.environ:
        values["DEMO_ADMIN_PASSWORD"] = os.environ["DEMO_ADMIN_PASSWORD"]
    return values


def manage_command_line(command: str, env_file: Path = ENV_FILE) -> str:
    """The shell line that runs ``manage.py <command>`` with the demo's settings (its secrets are in env_file)."""
    python = Path(sys.executable)
    shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    env = env_file.relative_to(ROOT) if env_file.is_relative_to(ROOT) else env_file
    return f"set -a && . {shlex.quote(str(env))} && set +a && {shlex.quote(str(shown))} manage.py {command}"


def wait_for(port: int, what: str, child: subprocess.Popen, seconds: float = 60) -> None:
    """Wait until ``child`` listens on ``port``; stop the demo if it died or never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:
            sys.exit(f"demo: {what} exited with status {child.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"demo: {what} did not start on port {port}")


def seed(odoo_url: str, hub_url: str, password: str) -> list[str]:
    """Admin user, the stand-in connection and the demo endpoints; returns curl examples."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from hub.models import OdooConnection

    call_command("migrate", interactive=False, verbosity=0)
    user, _ = get_user_model().objects.get_or_create(
        username=ADMIN_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_password(password)
    user.save()

    connection, _ = OdooConnection.objects.get_or_create(
        name="Demo Odoo (stand-in)",
        defaults={"url": odoo_url, "database": "odoo18", "login": "admin", "protocol": "jsonrpc", "is_default": True},
    )
    connection.url = odoo_url
    connection.secret = "admin"
    connection.save()

    seed_outbound(connection)

    from endpoints.demo import seed_demo

    return seed_demo(hub_url, connection.name)


def seed_outbound(connection) -> None:
    """The demo outbound configuration: Demo* partners, polled every 5 s, signed, to the receiver."""
    from mappings.models import MappingLine
    from outbound.models import OutboundConfiguration

    configuration, created = OutboundConfiguration.objects.update_or_create(
        name=OUTBOUND_NAME,
        defaults={
            "connection": connection,
            "odoo_model": "res.partner",
            "domain": "[('name', '=like', 'Demo%')]",
            "target_url": f"http://127.0.0.1:{RECEIVER_PORT}/hook",
            "auth": OutboundConfiguration.Auth.SIGNATURE,
            "poll_interval": 5,
        },
    )
    configuration.secret = os.environ["DEMO_SIGNING_SECRET"]
    configuration.save()
    if created:
        for sequence, (field, key) in enumerate([("name", "name"), ("email", "email"), ("phone", "phone")]):
            MappingLine.objects.create(outbound=configuration, sequence=sequence, odoo_field=field, external_key=key)


def start_receiver(secret: str) -> ThreadingHTTPServer:
    """A small receiver that prints every delivery it gets, with its Standard Webhooks signature checked."""
    from outbound import signing

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            expected = signing.signature(
                secret, self.headers.get("webhook-id", ""), int(self.headers.get("webhook-timestamp") or 0), body
            )
            verified = "signature ok" if self.headers.get("webhook-signature") == expected else "BAD SIGNATURE"
            try:
                event = json.loads(body)
            except ValueError:
                event = {"type": "?", "data": body.decode(errors="replace")}
            print(
                f"\nreceiver: {event.get('type')} {self.headers.get('webhook-id')} ({verified}): "
                f"{json.dumps(event.get('data'), ensure_ascii=False)}",
                flush=True,
            )
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", RECEIVER_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def create_demo_partner(connection_name: str) -> int:
    """A partner in the stand-in, for the first delivery to show up."""
    from hub.models import OdooConnection

    client = OdooConnection.objects.get(name=connection_name).client()
    return client.execute_kw("res.partner", "create", [{"name": f"Demo partner {time.strftime('%H:%M:%S')}"}])


def main() -> None:
    env = demo_environment()
    os.environ.update({k: v for k, v in env.items() if k != "DEMO_ADMIN_PASSWORD"})
    odoo_url = f"http://127.0.0.1:{ODOO_PORT}"
    hub_url = f"http://127.0.0.1:{HUB_PORT}"
    children = [
        subprocess.Popen([sys.executable, "-m", "fake_odoo", "--port", str(ODOO_PORT)], cwd=ROOT),
    ]
    try:
        wait_for(ODOO_PORT, "the Odoo stand-in", children[0])
        examples = seed(odoo_url, hub_url, env["DEMO_ADMIN_PASSWORD"])
        children.append(
            subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{HUB_PORT}", "--noreload"], cwd=ROOT
            )
        )
        wait_for(HUB_PORT, "the hub", children[1])
        start_receiver(os.environ["DEMO_SIGNING_SECRET"])
        celery = [sys.executable, "-m", "celery", "-A", "hub"]
        children.append(subprocess.Popen([*celery, "worker", "-P", "solo", "-l", "warning"], cwd=ROOT))
        schedule = str(VAR / "celerybeat-schedule")
        children.append(subprocess.Popen([*celery, "beat", "-s", schedule, "-l", "warning"], cwd=ROOT))
        print(f"\nThe hub runs at {hub_url}/  (Odoo stand-in at {odoo_url})")
        print(f"Admin: {hub_url}/admin/   user {ADMIN_USER!r}, password {env['DEMO_ADMIN_PASSWORD']!r}")
        print(f"API docs: {hub_url}/api/docs/ (after logging in to the admin)")
        if examples:
            print("\nTry:\n" + "\n".join(examples))
        partner = create_demo_partner("Demo Odoo (stand-in)")
        print(
            f"\nOutbound: a Celery worker and celery beat run; partner {partner} was just created in the stand-in,"
            f"\nits delivery arrives at the receiver on 127.0.0.1:{RECEIVER_PORT} within a few seconds."
            f"\nCreate or edit partners named 'Demo…' (or see {hub_url}/admin/outbound/) to see more."
        )
        print("\nManagement commands read the demo's settings from var/demo.env; from this folder, e.g.:")
        print("  " + manage_command_line("export_endpoints"))
        print("  " + manage_command_line("purge_logs"))
        print("\nCtrl-C stops the demo.", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        while all(child.poll() is None for child in children):
            time.sleep(1)
        sys.exit("demo: a process stopped; stopping the demo")
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)


if __name__ == "__main__":
    main()
