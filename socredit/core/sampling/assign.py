"""随机匹配执法检查人员 — inspectors for each drawn organization, at random, never with a conflict.

``assign_inspectors`` gives every organization ``k`` different inspectors (R4.5: at least two on
site) none of whom has a conflict with it (a post in the organization, a recorded link: R4.5
回避), and makes the heaviest load as small as the conflicts allow:

* It is a flow problem: organization ``o`` needs ``k(o)`` units, an edge ``o → i`` of capacity 1
  exists when inspector ``i`` has no conflict with ``o`` (capacity 1: nobody twice on one check),
  and each inspector carries at most ``C``. An assignment with every load ≤ C exists exactly when
  the maximum flow saturates every organization (max-flow/min-cut). Feasibility only grows with
  ``C``, so a binary search between ``ceil(Σk / inspectors)`` and the number of organizations finds
  the least ``C``: no assignment has a lighter heaviest load.
* The flow is built by augmenting paths (Kuhn's algorithm with capacities): organizations in
  ``H("assign", code)`` order, each trying inspectors in ``H("assign:" + code, inspector)`` order
  (``draw.seed_key``), so the result is random yet reproducible from the plan's seed.

``replacement_inspector`` re-draws one inspector (unavailable, conflict found later): the least
loaded inspector without conflict who is not already on the check, ties by ``H("redraw:n", …)``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from socredit.core.sampling.draw import seed_key


class AssignmentError(ValueError):
    """Not enough inspectors without a conflict; ``organization`` names the first one short of them."""

    def __init__(self, message: str, organization: str = "", available: int = 0, needed: int = 0) -> None:
        super().__init__(message)
        self.organization = organization
        self.available = available
        self.needed = needed


def _feasible(
    orgs: Sequence[str],
    need: Mapping[str, int],
    candidates: Mapping[str, list[str]],
    capacity: int,
) -> dict[str, list[str]] | None:
    """An assignment with every load ≤ capacity, or None (augmenting paths over the bipartite graph)."""
    on: dict[str, list[str]] = {o: [] for o in orgs}  # organization → its inspectors
    holds: dict[str, list[str]] = {}  # inspector → its organizations

    def augment(org: str, visited: set[str]) -> bool:
        for insp in candidates[org]:
            if insp in visited or insp in on[org]:
                continue
            visited.add(insp)
            held = holds.setdefault(insp, [])
            if len(held) < capacity:
                held.append(org)
                on[org].append(insp)
                return True
            for other in list(held):
                if other == org:
                    continue
                # move `insp` from `other` to `org` if `other` can take someone else instead
                held.remove(other)
                on[other].remove(insp)
                if augment(other, visited):
                    held.append(org)
                    on[org].append(insp)
                    return True
                held.append(other)
                on[other].append(insp)
        return False

    for org in orgs:
        for _ in range(need[org]):
            if not augment(org, set()):
                return None
    return on


def assign_inspectors(
    needs: Mapping[str, int],
    inspectors: Sequence[str],
    conflicts: Collection[tuple[str, str]],
    seed: str,
) -> dict[str, tuple[str, ...]]:
    """{organization code: inspector codes} giving each organization ``needs[code]`` inspectors.

    ``conflicts`` holds (inspector, organization) pairs that may not meet. Raises AssignmentError
    naming an organization with fewer conflict-free inspectors than it needs, or when the inspectors
    cannot cover all checks together.
    """
    pool = sorted(set(inspectors))
    barred = set(conflicts)
    orgs = sorted(needs, key=lambda o: (seed_key(seed, "assign", o), o))
    candidates: dict[str, list[str]] = {}
    for org in orgs:
        free = [i for i in pool if (i, org) not in barred]
        if len(free) < needs[org]:
            raise AssignmentError(
                f"{org}：没有利害关系的检查人员只有{len(free)}名，需要{needs[org]}名",
                org,
                len(free),
                needs[org],
            )
        purpose = "assign:" + org
        candidates[org] = sorted(free, key=lambda i: (seed_key(seed, purpose, i), i))
    total = sum(needs.values())
    if total == 0:
        return {o: () for o in orgs}
    low, high = math.ceil(total / len(pool)), max(1, len(orgs))
    best = _feasible(orgs, needs, candidates, high)
    if best is None:
        raise AssignmentError("检查人员不足以在回避利害关系的前提下完成全部检查")
    while low < high:
        mid = (low + high) // 2
        found = _feasible(orgs, needs, candidates, mid)
        if found is None:
            low = mid + 1
        else:
            best, high = found, mid
    return {o: tuple(sorted(best[o])) for o in orgs}


def max_load(assignment: Mapping[str, Sequence[str]]) -> int:
    """The heaviest inspector's number of checks."""
    loads: dict[str, int] = {}
    for team in assignment.values():
        for i in team:
            loads[i] = loads.get(i, 0) + 1
    return max(loads.values(), default=0)


def replacement_inspector(
    organization: str,
    team: Collection[str],
    inspectors: Sequence[str],
    conflicts: Collection[tuple[str, str]],
    loads: Mapping[str, int],
    seed: str,
    counter: int,
) -> str:
    """The inspector who replaces one of ``team`` on ``organization`` (the ``counter``-th re-draw of
    the plan): no conflict, not on the team already, least loaded, ties by the seed."""
    barred = set(conflicts)
    free = [i for i in set(inspectors) if i not in team and (i, organization) not in barred]
    if not free:
        raise AssignmentError(f"{organization}：没有可替换的无利害关系检查人员", organization, 0, 1)
    purpose = f"redraw:{counter}:{organization}"
    return min(free, key=lambda i: (loads.get(i, 0), seed_key(seed, purpose, i), i))
