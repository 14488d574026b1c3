import pytest

from itgov.construction import services
from tests.construction_world import construction_maker


@pytest.mark.parametrize("state", ["budgeted", "in_construction"])
def test_the_world_builds(district, state):
    world = construction_maker(district)(state)
    assert world.project.status == state
    if state == "in_construction":
        p = services.payment_record(actor=world.owner, project=world.project, data={
            "amount": "100000.00", "paid_on": str(world.year) + "-01-15", "purpose": "首付款"})
        assert p.amount == 100000
