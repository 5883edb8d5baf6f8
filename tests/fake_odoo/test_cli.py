"""``python -m fake_odoo --port N``: the command make demo and the benchmarks start, run as a real process."""

import contextlib
import signal
import socket
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*arguments: str) -> subprocess.Popen:
    with default_sigint():
        return subprocess.Popen(
            [sys.executable, "-m", "fake_odoo", *arguments],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


@contextlib.contextmanager
def default_sigint():
    """The child starts with Ctrl-C's usual effect. A process that ignores SIGINT passes that on to what
    it runs (a script's background job ignores it: the suite run that way failed here), while a
    handler of its own is reset by exec."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def version_when_up(port: int, process: subprocess.Popen) -> dict:
    """version() over XML-RPC, retried until the process listens (bounded by START_TIMEOUT_S)."""
    proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{port}/xmlrpc/2/common")
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"python -m fake_odoo exited with {process.returncode}: {process.stderr.read()}")
        try:
            return proxy.version()
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                pytest.fail(f"python -m fake_odoo did not listen on port {port} within {START_TIMEOUT_S} s")
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> tuple[int, str]:
    """Interrupt as Ctrl-C does; the exit code and what it printed."""
    process.send_signal(signal.SIGINT)
    try:
        out, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate(timeout=10)
        pytest.fail("python -m fake_odoo did not stop within 10 s of SIGINT")
    return process.returncode, out


@pytest.mark.parametrize(("arguments", "version"), [((), "18.0"), (("--version", "19.0"), "19.0")])
def test_the_command_serves_xmlrpc_on_the_given_port(arguments, version):
    port = free_port()
    process = start("--port", str(port), *arguments)
    try:
        answer = version_when_up(port, process)
    finally:
        code, out = stop(process)
    assert answer["server_version"] == version
    assert answer["server_version_info"][:2] == [int(version.split(".")[0]), 0]
    assert answer["protocol_version"] == 1
    assert out == f"fake Odoo {version} on http://127.0.0.1:{port} database odoo18\n"
    assert code == 0  # Ctrl-C is a normal way to stop it


def test_an_unknown_version_is_refused_by_the_command_line():
    process = start("--port", str(free_port()), "--version", "17.0")
    _, err = process.communicate(timeout=20)
    assert process.returncode == 2
    assert "argument --version: invalid choice: '17.0'" in err
