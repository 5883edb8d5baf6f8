"""``make bench``: runs every benchmark section and prints its figures.

A section is a module of this package with a ``run()`` function; ``make bench ARGS=name``
runs only the named ones.
"""

import importlib
import json
import os
import pkgutil
import platform
import sys
import time

import benchmarks

# A small record like those the hub carries, for the reference loop.
_RECORD = {"id": 7, "name": "Azure Interior", "email": "azure@example.com", "tags": [1, 2], "country": {"code": "BE"}}


def host_line() -> str:
    """The machine the figures come from: its CPUs, its Python, and the CPU seconds a fixed loop of plain
    Python (JSON out and back, a sort) takes on it. The targets are absolute milliseconds: on a host twice as
    slow at this loop, every CPU figure is about twice as large, the hub's and the direct client's alike."""
    started = time.process_time()
    for number in range(200_000):
        json.loads(json.dumps(_RECORD))
        sorted(str(number) * 3)
    loop = time.process_time() - started
    cpus = os.cpu_count() or 1
    return f"host: {cpus} CPUs, Python {platform.python_version()}, reference loop {loop:.2f} s of CPU"


def main(names: list[str]) -> None:
    sections = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))
    print(host_line(), flush=True)
    for name in names or sections:
        if name not in sections:
            sys.exit(f"unknown benchmark section {name!r}; known: {', '.join(sections)}")
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").run()
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
