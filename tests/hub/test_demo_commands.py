"""The management commands `make demo` prints work as printed, in a shell without the demo's environment."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from tools.demo import ROOT, manage_command_line


def test_the_printed_command_line_runs_manage_py_with_the_demos_settings(tmp_path):
    env_file = tmp_path / "demo.env"
    env_file.write_text(f"SECRET_KEY=demo-secret-for-tests\nHUB_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n")
    line = manage_command_line("migrate -v 0", env_file) + " && " + manage_command_line("export_endpoints", env_file)
    environment = {
        key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")
    }
    environment["HUB_VAR_DIR"] = str(tmp_path)  # the default SQLite file goes there
    bare = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "SECRET_KEY must be set" in bare.stderr  # what happened before the demo printed the line
    done = subprocess.run(["bash", "-c", line], cwd=ROOT, env=environment, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("{")
    assert '"endpoints": []' in done.stdout


def test_the_development_server_sends_without_delay():
    from django.core.servers.basehttp import WSGIRequestHandler

    # headers and body are two writes: with Nagle on, a kept-alive client waited ~40 ms for the body
    assert WSGIRequestHandler.disable_nagle_algorithm is True
