"""A per-role operation table run cell by cell (tests/api/test_catalogue_api.py, test_security_api.py): each cell —
an operation, the state of its object, a role, the expected status — runs in a transaction rolled back after it;
a refusal must leave the rows and the business trail as they were and answer the common error bodies, a denial must
be audited with its action and rule, a success must write exactly its events. Every differing cell is reported,
not only the first."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.db import transaction

from itgov.audit.models import AuditEvent

from .conftest import FORBIDDEN, NOT_FOUND, UNAUTHENTICATED, business_events


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def refusals_since(seq: int) -> list:
    rows = AuditEvent.objects.filter(seq__gt=seq, event_type__in=("access.denied", "rule.refused")).order_by("seq")
    return [(e.event_type, e.reason, [r["rule"] for r in e.rule_results or []]) for e in rows]


def cells(stateless: dict, *stateful: dict) -> Iterator[tuple[str, str, str, int]]:
    """(op, state, role, status) of `{op: {role: status}}` and of tables `{op: {state: {role: status}}}`."""
    for op, row in stateless.items():
        for role, status in row.items():
            yield op, "", role, status
    for table in stateful:
        for op, states in table.items():
            for state, row in states.items():
                for role, status in row.items():
                    yield op, state, role, status


def run_cells(clients: dict, table, *, call: Callable, snapshot: Callable, denial: dict, events: dict,
              check_success: Callable, check_conflict: Callable | None = None) -> list[str]:
    """The failures of the cells of `table`. `call(client, op, state)` runs a cell; `denial[op]` is the 403's (body,
    audited action, rule); `events[op]` the business events of a success, checked by `check_success(op, role, state,
    response)`; `check_conflict(op, state, error)` looks further at a 409's error."""
    failures: list[str] = []
    for op, state, role, expected in table:
        with transaction.atomic():
            before, events_before, seq = snapshot(), business_events(), last_seq()
            response = call(clients[role], op, state)
            where = f"{op} {state} {role}"
            try:
                assert response.status_code == expected, f"{where}: {response.status_code} {response.content[:300]}"
                new_events = [e for _seq, e in business_events()[len(events_before):]]
                if expected >= 400:
                    assert (new_events, snapshot()) == ([], before), where
                if expected == 401:
                    assert response.json() == UNAUTHENTICATED, where
                elif expected == 404:
                    assert response.json() == NOT_FOUND, where
                elif expected == 403:
                    body, action, rule = denial.get(op, (FORBIDDEN, None, None))
                    assert response.json() == body, f"{where}: {response.json()}"
                    assert refusals_since(seq) == ([("access.denied", action, [rule])] if action else []), where
                elif expected == 409:
                    error = response.json()["error"]
                    assert error["code"] == "conflict", where
                    if check_conflict is not None:
                        check_conflict(op, state, error)
                elif expected == 400:
                    assert response.json()["error"]["code"] == "invalid", where
                else:
                    check_success(op, role, state, response)
                    assert new_events == events.get(op, []), f"{where}: {new_events}"
                    assert refusals_since(seq) == [], where
            except Exception as exc:  # every differing cell is reported, not only the first
                failures.append(f"{where}: {type(exc).__name__}: {exc}")
            transaction.set_rollback(True)
    return failures
