"""Turning a record into label/value pairs for detail pages and list columns, with
personal data masked for anyone who may not see it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from techbridge.catalogue import selectors
from techbridge.catalogue.models import CatalogueRecord, Demand, Expert
from techbridge.catalogue.services.fields import EDITABLE
from techbridge.codes.choices import TechField, TransferMode
from techbridge.core.masking import PERSONAL_FIELDS, mask_email, mask_phone
from techbridge.core.money import format_yuan

HIDDEN_ON_PAGE = {"external_id", "consent_version", "title", "name", "summary", "detail"}
HIDDEN_ON_PAGE |= {"profile", "description"}
LIST_LABELS = {"transfer_modes": TransferMode, "technical_fields": TechField}


def _label(record: Any, name: str) -> str:
    return capfirst(str(getattr(record._meta.get_field(name), "verbose_name", name)))


def value_text(record: Any, name: str) -> str:
    value = getattr(record, name)
    field = record._meta.get_field(name)
    if value in (None, "", []):
        return ""
    if getattr(field, "choices", None) and not isinstance(value, list):
        return str(getattr(record, f"get_{name}_display")())
    if isinstance(value, list):
        choices = LIST_LABELS.get(name)
        if choices is not None:
            labels = dict(choices.choices)
            return "、".join(str(labels.get(v, v)) for v in value)
        return "；".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format_yuan(value) + " " + _("yuan")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def masked_contacts(user: Any, record: CatalogueRecord, *, revealed: bool = False) -> bool:
    return revealed or selectors.can_see_contacts(user, record)


def facts(user: Any, record: CatalogueRecord, *, revealed: bool = False) -> list[tuple[str, str]]:
    """(label, text) for the detail page; personal data masked unless allowed."""
    show_personal = masked_contacts(user, record, revealed=revealed)
    rows: list[tuple[str, str]] = []
    for name in EDITABLE[record.KIND]:
        if name in HIDDEN_ON_PAGE:
            continue
        text = value_text(record, name)
        if not text:
            continue
        if name in PERSONAL_FIELDS and not show_personal:
            text = PERSONAL_FIELDS[name](text)
        if name == "region_code":
            from techbridge.codes.selectors import region_label

            text = _with_code(region_label(text), text)
        if name == "industry_code":
            from techbridge.codes.selectors import industry_label

            text = _with_code(industry_label(text), text)
        rows.append((_label(record, name), text))
    return rows


def body_text(user: Any, record: CatalogueRecord) -> list[tuple[str, str]]:
    """Long texts: summary/description/profile; a demand's detail only for those allowed."""
    texts: list[tuple[str, str]] = []
    for name in ("summary", "profile", "description", "access_terms"):
        if hasattr(record, name) and getattr(record, name):
            texts.append((_label(record, name), getattr(record, name)))
    if isinstance(record, Demand) and record.detail:
        if selectors.can_see_demand_detail(user, record):
            texts.append((_("Detailed description"), record.detail))
        else:
            texts.append(
                (
                    _("Detailed description"),
                    _(
                        "Confidential: visible to the enterprise, staff and organisations "
                        "whose proposal was accepted."
                    ),
                )
            )
    return texts


def expert_contact(user: Any, expert: Expert, *, revealed: bool) -> dict[str, str]:
    if masked_contacts(user, expert, revealed=revealed):
        return {"phone": expert.phone, "email": expert.email}
    return {
        "phone": mask_phone(expert.phone) if expert.phone else "",
        "email": mask_email(expert.email) if expert.email else "",
    }


def _with_code(label: str, code: str) -> str:
    """A code by its name, the code in the tooltip (staff quote it); unknown: the code."""
    from django.utils.html import format_html

    if not label or label == code:
        return code
    return format_html('<span title="{}">{}</span>', code, label)
