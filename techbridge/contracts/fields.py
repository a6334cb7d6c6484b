"""The contract's field lists, in one place: the form, the services, the API and the
export derive theirs from these (docs/kernel.md, "Field lists")."""

from __future__ import annotations

# What a person writes (form, API input, import rows): the services accept exactly these.
CONTRACT_FIELDS = (
    "name",
    "contract_type",
    "seller_organisation",
    "seller_name",
    "seller_country",
    "seller_region",
    "seller_type",
    "buyer_organisation",
    "buyer_name",
    "buyer_country",
    "buyer_region",
    "buyer_type",
    "signed_on",
    "term_start",
    "term_end",
    "contract_amount",
    "technology_amount",
    "ip_type",
    "technical_field",
    "demand",
    "source_reference",
)
# What a registrar certifies (and may correct) when registering.
CERTIFIED_FIELDS = ("contract_type", "technical_field", "technology_amount")
# What an import may change on a registered contract (found by its registration number),
# as model attribute names: the written fields an import file carries, and the month the
# statistics group by (derived from signed_on).
IMPORT_COMPARED_FIELDS = (
    *(
        f"{name}_id" if name.endswith("_organisation") else name
        for name in CONTRACT_FIELDS
        if name not in ("term_start", "term_end", "demand", "source_reference")
    ),
    "signed_month",
)
# What the API shows: the written fields framed by the registry's own.
OUTPUT_FIELDS = (
    "id",
    "registration_number",
    *CONTRACT_FIELDS,
    "status",
    "return_reason",
    "registered_at",
    "version",
)
# The export (the import format of registered contracts): (field, column header).
EXPORT_COLUMNS = (
    ("registration_number", "registration_number"),
    ("name", "name"),
    ("contract_type", "type"),
    ("seller_name", "seller"),
    ("seller_region", "seller_region"),
    ("seller_country", "seller_country"),
    ("seller_type", "seller_type"),
    ("buyer_name", "buyer"),
    ("buyer_region", "buyer_region"),
    ("buyer_country", "buyer_country"),
    ("buyer_type", "buyer_type"),
    ("signed_on", "signed_on"),
    ("contract_amount", "contract_amount"),
    ("technology_amount", "technology_amount"),
    ("technical_field", "field"),
    ("ip_type", "ip_type"),
)
EXPORT_FIELDS = tuple(field for field, _header in EXPORT_COLUMNS)
EXPORT_HEADERS = tuple(header for _field, header in EXPORT_COLUMNS)
