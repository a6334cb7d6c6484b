"""The project's field lists, in one place: the form, the services, the API, the importer
and the export derive theirs from these (docs/kernel.md, "Field lists")."""

from __future__ import annotations

# What a person writes (form, API input, import rows): the services accept exactly these.
PROJECT_FIELDS = (
    "name",
    "external_id",
    "batch",
    "signed_on",
    "investor_organisation",
    "investor_name",
    "local_company",
    "local_company_name",
    "region_code",
    "zone",
    "industry_code",
    "technical_field",
    "is_contract_type",
    "total_investment",
    "planned_funds",
    "planned_funds_due",
    "responsible_department",
    "responsible_officer",
    "contact_name",
    "contact_phone",
    "contact_email",
    "description",
    # Dates of stages already reached (a correction of the date); the stage itself moves
    # only through services.project_set_stage.
    "started_on",
    "in_production_on",
)
# The stage as a project is first entered (a ledger kept on paper before): create and
# import accept these too.
INITIAL_STAGE_FIELDS = ("stage", "stage_reason")
# Only bureau staff change who is responsible.
ASSIGNMENT_FIELDS = ("responsible_department",)
# Personal data of the project's contact (PIPL): masked for those who do not handle it.
CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")
# Money fields (yuan, exact).
MONEY_FIELDS = ("total_investment", "planned_funds")
# What the API shows.
OUTPUT_FIELDS = (
    "id",
    "code",
    *PROJECT_FIELDS,
    "stage",
    "stage_reason",
    "stage_changed_on",
    "funds_in_place",
    "deals",
    "contracts",
    "version",
)
