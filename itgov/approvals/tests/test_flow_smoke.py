import pytest

from tests.approvals_world import APPROVAL_STATES, approval_maker


@pytest.mark.parametrize("state", APPROVAL_STATES)
def test_every_state_can_be_reached(district, state):
    world = approval_maker(district)(state, joint=state in ("drafted", "approved"))
    expected = {"planned": "planned", "drafted": "planned", "submitted": "initiation_submitted",
                "under_review": "under_review", "reviewed": "under_review", "approved": "approved",
                "budgeted": "budgeted", "returned": "planned", "rejected": "initiation_rejected"}[state]
    assert world.project.status == expected
