"""What a call costs as its records and mapping lines grow: the counting shared by test_growth.py here
and in generic/."""

import sys

# ref is the identifier; the others are the stand-in's writable char fields of res.partner
FIELDS = [
    "ref",
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "city",
    "zip",
    "website",
    "function",
    "vat",
    "barcode",
    "company_name",
    "additional_info",
    "company_registry",
]
RECORDS = (25, 50, 100)
LINES = (4, 8, 16)
# The same call counted twice can differ by a few lines (seen: 24 of 3,300).
SLACK = 1.02


def lines_run(call) -> int:
    """The Python lines this thread runs for ``call()`` (sys.settrace): the hub's answer and its log row.

    An exact count, where a timing would flake; the stand-in answers in its own thread, so its work is
    not counted. With f(n) the lines run for n records (or n mapping lines), a cost linear in n makes
    f(4n) - f(2n) exactly twice f(2n) - f(n); a term in n² makes it larger. Work done inside C in one
    line (``in`` on a list, say) is not seen by this count.
    """
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def steps(cost, sizes: tuple[int, int, int]) -> tuple[int, int]:
    """f(2n) - f(n) and f(4n) - f(2n) for the sizes n, 2n, 4n, each called once before it is counted, then
    counted twice, the smaller count kept: what happens now and then, not on every call, can land in one of
    them (seen once in a full run: 9 lines more, where a doubling cost 128)."""
    for size in sizes:
        cost(size)  # what only a first call does (a configuration read, a connection) is not counted
    small, middle, large = (min(cost(size), cost(size)) for size in sizes)
    return middle - small, large - middle


def assert_linear(first: int, second: int) -> None:
    """The steps of ``steps``: the second no more than twice the first."""
    assert first > 0, "the cost did not grow with the size: the count measures nothing"
    assert second <= 2 * first * SLACK, f"doubling again cost {second} lines where the first doubling cost {first}"


def make_partners(odoo_client) -> None:
    """The partners those tests read: every field of FIELDS set, and a country."""
    belgium = odoo_client.execute_kw("res.country", "search", [[("code", "=", "BE")]])[0]
    vals = [
        {"is_company": False, "country_id": belgium, **{field: f"{field} {n}" for field in FIELDS}}
        for n in range(max(RECORDS))
    ]
    odoo_client.execute_kw("res.partner", "create", [vals])
