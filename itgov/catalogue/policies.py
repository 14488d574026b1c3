"""Who may do what with the information systems, the catalogue and sharing (art. 27–29, with art. 4 and 5):
- the catalogue belongs to the district government (art. 27): every owner unit and every bureau of art. 4 reads it
  (that is what it is for: 共享共用); supervision firms and experts, from outside the administration, do not;
- an owner unit registers its own systems and their resources; DRC (the Big Data Bureau) collects and curates them
  all — it registers and edits any, and publishes a resource (art27.catalogue_curation, art27.drc_publishes);
- a classified system (art. 5) is seen by its owner unit and DRC only, and has no resources;
- a consumer unit requests a conditional resource of another unit, withdraws its request and records its uses; the
  provider unit answers (art29.consumer_requests, art29.provider_answers); both, DRC and the audit bureau read it."""

from __future__ import annotations

import rules

from itgov.access.scoping import is_authenticated, is_bureau_user, unit_in_scope
from itgov.accounts.choices import Role


@rules.predicate
def is_drc(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.DRC)


@rules.predicate
def reads_catalogue(user) -> bool:
    return is_authenticated(user) and (user.has_role(Role.OWNER) or is_bureau_user(user))


@rules.predicate
def owns_system(user, system) -> bool:
    return system is not None and unit_in_scope(user, system.owner_unit, Role.OWNER)


@rules.predicate
def can_view_system(user, system) -> bool:
    if system is None or not is_authenticated(user):
        return False
    if system.classified:
        return owns_system(user, system) or is_drc(user)
    return reads_catalogue(user)


@rules.predicate
def has_owner_role(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.OWNER)


@rules.predicate
def provides(user, obj) -> bool:
    """Acts for the unit providing the resource (of a request)."""
    resource = getattr(obj, "resource", obj)
    return resource is not None and unit_in_scope(user, resource.provider, Role.OWNER)


@rules.predicate
def consumes(user, request) -> bool:
    return request is not None and unit_in_scope(user, request.consumer, Role.OWNER)


@rules.predicate
def is_audit_bureau(user) -> bool:
    return is_authenticated(user) and user.has_role(Role.AUDIT)


rules.add_perm("catalogue.view", reads_catalogue)
rules.add_perm("catalogue.view_system", can_view_system)
rules.add_perm("catalogue.register_system", has_owner_role | is_drc)
rules.add_perm("catalogue.change_system", owns_system | is_drc)
rules.add_perm("catalogue.publish", is_drc)
rules.add_perm("catalogue.request", has_owner_role)
rules.add_perm("catalogue.view_request", consumes | provides | is_drc | is_audit_bureau)
rules.add_perm("catalogue.answer", provides)
rules.add_perm("catalogue.consume", consumes)
