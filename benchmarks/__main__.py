"""``make bench``: runs every benchmark section and prints its figures.

A section is a module of this package with a ``run()`` function; ``make bench ARGS=name``
runs only the named ones.
"""

import importlib
import pkgutil
import sys
import time

import benchmarks


def main(names: list[str]) -> None:
    sections = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))
    for name in names or sections:
        if name not in sections:
            sys.exit(f"unknown benchmark section {name!r}; known: {', '.join(sections)}")
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").run()
        print(f"({name}: {time.perf_counter() - started:.1f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
