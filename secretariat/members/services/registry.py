"""Writes to the registry itself: institutions, memberships and representatives.

Rules enforced here (shared/domain.md, "Members"):
- four categories; only full members vote, the others have voice (Category.has_vote);
- a member is admitted and leaves by a decision of the body (the General Assembly, the
  Standing Committee between Assemblies): every membership cites it;
- memberships and institutions are never deleted: an end date closes them, and a change of
  category closes one membership and opens the next.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    Institution,
    Membership,
    Representative,
    Source,
)

MANAGE = "members.manage_registry"
INSTITUTION_FIELDS = [
    "name",
    "acronym",
    "country",
    "website",
    "email",
    "phone",
    "address",
    "description_es",
    "description_en",
]
MEMBERSHIP_FIELDS = [
    "institution",
    "category",
    "valid_from",
    "valid_from_precision",
    "valid_to",
    "decision",
    "end_decision",
    "source",
]
REPRESENTATIVE_FIELDS = [
    "institution",
    "user",
    "full_name",
    "title",
    "role",
    "email",
    "phone",
    "valid_from",
    "valid_to",
]
# What a representative's record may have changed (the institution stays).
REPRESENTATIVE_EDITABLE = (
    "full_name",
    "title",
    "role",
    "email",
    "phone",
    "valid_from",
    "valid_to",
    "user",
)


def _unique_slug(base: str) -> str:
    root = slugify(base)[:100] or "institution"
    slug, n = root, 2
    while Institution.objects.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


def _check_name_is_free(institution: Institution) -> None:
    """One institution per name (case-blind) in each country."""
    others = Institution.objects.filter(name__iexact=institution.name, country=institution.country)
    if institution.pk is not None:
        others = others.exclude(pk=institution.pk)
    if others.exists():
        raise ValidationError(
            {"name": _("An institution with this name already exists in this country.")}
        )


def _check_acronym_is_free(institution: Institution) -> None:
    """One institution per acronym (case-blind) in each country; institutions of different
    countries may share one (INSS in Brazil and in Nicaragua)."""
    if not institution.acronym:
        return
    others = Institution.objects.filter(
        acronym__iexact=institution.acronym, country=institution.country
    )
    if institution.pk is not None:
        others = others.exclude(pk=institution.pk)
    if others.exists():
        raise ValidationError(
            {"acronym": _("Another institution of this country already uses this acronym.")}
        )


def _apply(instance: Any, data: Mapping[str, Any], fields: tuple[str, ...] | list[str]) -> None:
    """Copy the given fields of `data` onto the instance, text stripped."""
    for field in fields:
        if field in data:
            value = data[field]
            setattr(instance, field, value.strip() if isinstance(value, str) else value)


# --- Institutions -------------------------------------------------------------------


@transaction.atomic
def institution_create(
    *,
    actor: User,
    name: str,
    country: Country,
    acronym: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    description_es: str = "",
    description_en: str = "",
    source: str = "",
    origin: str = Source.SECRETARIAT,
    reason: str | None = None,
) -> Institution:
    """Register an institution (not yet a member: membership comes from a decision)."""
    require(actor, MANAGE)
    institution = Institution(
        name=name.strip(),
        acronym=acronym.strip(),
        country=country,
        website=website.strip(),
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        description_es=description_es.strip(),
        description_en=description_en.strip(),
        source=source.strip(),
        origin=origin,
    )
    _check_name_is_free(institution)
    _check_acronym_is_free(institution)
    institution.slug = _unique_slug(f"{acronym or name}-{country.code}")
    save_audited(
        institution,
        actor=actor,
        event="institution.created",
        fields=INSTITUTION_FIELDS,
        reason=reason,
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: User, institution: Institution, data: Mapping[str, Any], reason: str | None
) -> Institution:
    """Change an institution's data; the old and new values go to the action log (nothing
    is saved or logged when nothing changed)."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    institution = locked(institution)
    before = snapshot(institution, INSTITUTION_FIELDS)
    _apply(institution, data, INSTITUTION_FIELDS)
    _check_name_is_free(institution)
    _check_acronym_is_free(institution)
    save_audited(
        institution,
        actor=actor,
        event="institution.updated",
        fields=INSTITUTION_FIELDS,
        before=before,
        reason=reason,
    )
    return institution


# --- Memberships --------------------------------------------------------------------


def _check_no_overlap(institution: Institution, start: dt.date | None) -> None:
    """One membership at a time: none may still run on the new one's first day."""
    if Membership.objects.filter(institution=institution).overlapping(start, None).exists():
        raise ValidationError(
            {
                "valid_from": _(
                    "This institution is already a member on that date; end or change that membership."
                )
            }
        )


@transaction.atomic
def membership_open(
    *,
    actor: User,
    institution: Institution,
    category: Category | None,
    valid_from: dt.date,
    decision: str,
    source: str = "",
    reason: str | None = None,
) -> Membership:
    """Admit an institution as a member from a date, citing the body's decision (domain.md,
    "Members": the General Assembly decides affiliation)."""
    require(actor, MANAGE)
    if not decision.strip():
        raise ValidationError({"decision": _("Cite the decision that admits the member.")})
    _check_no_overlap(institution, valid_from)
    membership = Membership(
        institution=institution,
        category=category,
        valid_from=valid_from,
        valid_from_precision=DatePrecision.DAY,
        decision=decision.strip(),
        source=source.strip() or decision.strip(),
    )
    save_audited(
        membership,
        actor=actor,
        event="membership.opened",
        fields=MEMBERSHIP_FIELDS,
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, on: dt.date, decision: str, reason: str | None = None
) -> Membership:
    """End a membership on a date (exclusive), citing the body's decision (domain.md,
    "Members": the General Assembly decides disaffiliation); the record and its history stay."""
    require(actor, MANAGE)
    membership = locked(membership)
    if membership.valid_to is not None:
        raise ValidationError(_("This membership has already ended."))
    if membership.valid_from is not None and on <= membership.valid_from:
        raise ValidationError({"valid_to": _("A membership must end after it starts.")})
    if not decision.strip():
        raise ValidationError({"decision": _("Cite the decision that ends the membership.")})
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.valid_to = on
    membership.end_decision = decision.strip()
    save_audited(
        membership,
        actor=actor,
        event="membership.ended",
        fields=MEMBERSHIP_FIELDS,
        before=before,
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_change_category(
    *,
    actor: User,
    institution: Institution,
    category: Category,
    on: dt.date,
    decision: str,
    reason: str | None = None,
) -> Membership:
    """Move a member to another category from a date: the old membership ends, a new one
    starts (domain.md, "Members": four categories, only full members vote)."""
    require(actor, MANAGE)
    current = (
        Membership.objects.open_ended().select_for_update().filter(institution=institution).first()
    )
    if current is None:
        raise ValidationError(_("This institution has no membership in force."))
    if current.category_id == category.pk:
        raise ValidationError({"category": _("The member is already in this category.")})
    membership_end(actor=actor, membership=current, on=on, decision=decision, reason=reason)
    return membership_open(
        actor=actor,
        institution=institution,
        category=category,
        valid_from=on,
        decision=decision,
        reason=reason,
    )


# --- Representatives ----------------------------------------------------------------


def _check_one_head(rep: Representative) -> None:
    """An institution has one head representative at a time (alternates and liaisons may be many)."""
    if rep.role != Representative.Role.HEAD:
        return
    others = Representative.objects.filter(
        institution_id=rep.institution_id, role=rep.role
    ).overlapping(rep.valid_from, rep.valid_to)
    if rep.pk:
        others = others.exclude(pk=rep.pk)
    if others.exists():
        raise ValidationError(
            {"valid_from": _("The institution already has a head representative in that period.")}
        )


@transaction.atomic
def representative_add(
    *,
    actor: User,
    institution: Institution,
    full_name: str,
    role: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
    user: User | None = None,
    reason: str | None = None,
) -> Representative:
    """Record a person representing an institution in a role for a period."""
    require(actor, MANAGE)
    rep = Representative(
        institution=institution,
        full_name=full_name.strip(),
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        title=title.strip(),
        email=email.strip(),
        phone=phone.strip(),
        user=user,
    )
    rep.full_clean()  # the row's own errors come before the one-head rule's
    _check_one_head(rep)
    save_audited(
        rep,
        actor=actor,
        event="representative.added",
        fields=REPRESENTATIVE_FIELDS,
        reason=reason,
        clean=False,
    )
    return rep


@transaction.atomic
def representative_update(
    *, actor: User, representative: Representative, data: Mapping[str, Any], reason: str | None
) -> Representative:
    """Correct a representative's data or end the representation (set `valid_to`)."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    rep = locked(representative)
    before = snapshot(rep, REPRESENTATIVE_FIELDS)
    _apply(rep, data, REPRESENTATIVE_EDITABLE)
    rep.full_clean()  # the row's own errors come before the one-head rule's
    _check_one_head(rep)
    save_audited(
        rep,
        actor=actor,
        event="representative.updated",
        fields=REPRESENTATIVE_FIELDS,
        before=before,
        reason=reason,
        clean=False,
    )
    return rep
