"""A paginator for the request log that never counts a huge table."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Beyond this many matching rows the change list says "10,000+" (pages stop there): narrow the filters.
COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 matching rows (``SELECT COUNT(*) FROM (… LIMIT n)``).

    Unlike an estimate from the planner's statistics (healthchecks' PingsPaginator), the figure is
    exact for small results, filtered or not, and the cost is bounded by the cap on any table size.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        """Whether more rows match than were counted."""
        return self.count > COUNT_CAP
