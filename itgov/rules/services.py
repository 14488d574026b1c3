"""Loading policy profiles (data, not code): a new jurisdiction or version is a JSON file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput
from itgov.organizations.models import Jurisdiction

from .models import PolicyProfile

PROFILES_DIR = Path(__file__).parent / "profiles_data"


def _jurisdiction(spec: dict) -> Jurisdiction:
    parent = _jurisdiction(spec["parent"]) if spec.get("parent") else None
    obj, _ = Jurisdiction.objects.get_or_create(code=spec["code"], defaults={
        "name": spec["name"], "level": spec["level"], "parent": parent})
    return obj


def _set(parameters: dict) -> dict:
    return {name: value for name, value in parameters.items() if value is not None}


def policy_profile_load(*, actor, spec: dict) -> PolicyProfile:
    """Create the profile `spec` describes; loading the same one again changes nothing. A profile already
    in force is never rewritten (art. 31: a case is judged by the version in force at its date)."""
    with transaction.atomic():
        jurisdiction = _jurisdiction(spec["jurisdiction"])
        effective_from = dt.date.fromisoformat(spec["effective_from"])
        profile = PolicyProfile(jurisdiction=jurisdiction, name=spec["name"], source=spec.get("source", ""),
                                effective_from=effective_from, parameters=spec["parameters"])
        try:
            profile.clean()
        except ValidationError as exc:
            raise InvalidInput(fields=exc.message_dict) from exc
        existing = PolicyProfile.objects.filter(jurisdiction=jurisdiction, effective_from=effective_from).first()
        if existing is not None:
            if existing.parameters == profile.parameters and existing.name == profile.name:
                return existing
            if _set(existing.parameters) == _set(profile.parameters) and existing.name == profile.name:
                # Only parameters that are not set (null) were added: no case is judged differently.
                existing.parameters = profile.parameters
                existing.save(update_fields=["parameters"])
                return existing
            if existing.in_force_on(local_today()):
                raise Conflict(f"{existing} is in force and cannot be changed; add a new version")
            existing.parameters, existing.name, existing.source = profile.parameters, profile.name, profile.source
            existing.save(update_fields=["parameters", "name", "source"])
            profile = existing
        else:
            profile.save()
        audit_record(event_type=events.POLICY_PROFILE_LOADED, actor=actor, obj=profile,
                     after={"effective_from": spec["effective_from"], "parameters": spec["parameters"]})
    return profile


def policy_profiles_load_bundled(*, actor=None) -> list[PolicyProfile]:
    return [policy_profile_load(actor=actor, spec=json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(PROFILES_DIR.glob("*.json"))]
