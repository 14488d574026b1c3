"""The rules module: articles, parameters validated as data, the profile in force at a case's date."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from itgov.core.errors import Conflict, InvalidInput
from itgov.organizations.models import Jurisdiction
from itgov.rules.articles import chinese_numeral, cite
from itgov.rules.models import PolicyProfile
from itgov.rules.parameters import PARAMETERS, validate_parameters
from itgov.rules.profiles import parameters_in_force, profile_in_force
from itgov.rules.registry import all_rules
from itgov.rules.services import policy_profile_load

SAMPLES = {1: "一", 2: "二", 10: "十", 13: "十三", 20: "二十", 28: "二十八", 31: "三十一", 99: "九十九"}


@pytest.mark.parametrize("n,text", SAMPLES.items())
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text
    assert cite(n) == f"第{text}条"


@given(st.integers(min_value=1, max_value=99))
def test_numerals_round_trip_through_the_contract_parser(n):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[3].parent / "shared" / "tools" / "articles.py"
    if not path.exists():
        pytest.skip("shared/tools/articles.py is not beside the checkout")
    spec = importlib.util.spec_from_file_location("articles", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.cited(cite(n)) == {n}


def test_every_rule_cites_an_article_of_the_measures_and_declares_known_parameters():
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.id.startswith(f"art{rule.article}.")
        assert 1 <= rule.article <= 32 and rule.article != 26  # art. 26 is absent from the source
        assert set(rule.parameters) <= set(PARAMETERS)
        assert str(rule.message) and str(rule.title)


def test_bundled_profile_is_valid():
    import json

    from itgov.rules.services import PROFILES_DIR

    for path in PROFILES_DIR.glob("*.json"):
        assert validate_parameters(json.loads(path.read_text())["parameters"]) == {}


@pytest.mark.parametrize("params,field", [
    ({"supervision_threshold": "-1"}, "supervision_threshold"),
    ({"reapproval_overrun_ratio": "1.5"}, "reapproval_overrun_ratio"),
    ({"declaration_window": {"start": "09-30", "end": "07-01"}}, "declaration_window"),
    ({"declaration_window": {"start": "7-1", "end": "09-30"}}, "declaration_window"),
    ({"supervision_pool_size": {"min": 3, "max": 2}}, "supervision_pool_size"),
    ({"min_trial_run": 0}, "min_trial_run"),
    ({"min_trial_run": True}, "min_trial_run"),
    ({"region_code": "32010"}, "region_code"),
    ({"no_such_parameter": 1}, "no_such_parameter"),
])
def test_invalid_parameters_are_named(params, field):
    assert field in validate_parameters(params)


def test_null_means_not_set():
    assert validate_parameters({"om_funding_rate": None}) == {}


@pytest.mark.django_db
def test_the_profile_in_force_depends_on_the_date(policy):
    gulou = Jurisdiction.objects.get(code="320106")
    PolicyProfile.objects.create(jurisdiction=gulou, name="修订版", effective_from=dt.date(2030, 1, 1),
                                 parameters={**policy.parameters, "supervision_threshold": "2000000.00"})
    assert profile_in_force(gulou, dt.date(2021, 12, 30)) is None
    assert profile_in_force(gulou, dt.date(2021, 12, 31)) == policy
    assert parameters_in_force(gulou, dt.date(2029, 12, 31))["supervision_threshold"] == "1000000.00"
    assert parameters_in_force(gulou, dt.date(2030, 1, 1))["supervision_threshold"] == "2000000.00"


@pytest.mark.django_db
def test_a_district_without_a_profile_follows_its_city(policy):
    nanjing = Jurisdiction.objects.get(code="320100")
    PolicyProfile.objects.create(jurisdiction=nanjing, name="南京市办法", effective_from=dt.date(2020, 1, 1),
                                 parameters={"supervision_threshold": "500000.00"})
    xuanwu = Jurisdiction.objects.create(code="320102", name="玄武区", level="district", parent=nanjing)
    assert parameters_in_force(xuanwu)["supervision_threshold"] == "500000.00"


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_profile_in_force_is_never_rewritten(policy):
    from itgov.rules.services import PROFILES_DIR

    bundled = PolicyProfile.objects.count()
    assert bundled == len(list(PROFILES_DIR.glob("*.json")))  # one row per bundled file, loaded by the fixture
    spec = {"jurisdiction": {"code": "320106", "name": "鼓楼区", "level": "district"}, "name": policy.name,
            "effective_from": "2021-12-31", "parameters": policy.parameters}
    assert policy_profile_load(actor=None, spec=spec) == policy
    with pytest.raises(Conflict):
        policy_profile_load(actor=None, spec={**spec, "parameters": {**policy.parameters, "min_trial_run": 1}})
    with pytest.raises(InvalidInput) as exc:
        policy_profile_load(actor=None, spec={**spec, "effective_from": "2031-01-01",
                                              "parameters": {"min_trial_run": -3}})
    assert "parameters" in exc.value.fields
    assert PolicyProfile.objects.count() == bundled  # neither the rewrite nor the invalid version was added


def test_a_profile_in_force_may_gain_a_parameter_that_is_not_set(policy):
    # given the profile in force, without one open parameter (as a database loaded before it was declared)
    earlier = {k: v for k, v in policy.parameters.items() if k != "expert_review_threshold"}
    PolicyProfile.objects.filter(pk=policy.pk).update(parameters=earlier)
    spec = {"jurisdiction": {"code": "320106", "name": "鼓楼区", "level": "district"}, "name": policy.name,
            "effective_from": "2021-12-31", "parameters": {**earlier, "expert_review_threshold": None}}

    # when the bundled file, which declares it unset, is loaded again
    loaded = policy_profile_load(actor=None, spec=spec)

    # then it is added (no case is judged differently), but setting it would still be a rewrite
    assert loaded.parameters["expert_review_threshold"] is None
    with pytest.raises(Conflict):
        policy_profile_load(actor=None, spec={**spec, "parameters": {**earlier, "expert_review_threshold": "5000000"}})
