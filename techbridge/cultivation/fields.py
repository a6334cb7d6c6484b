"""The fields a person writes, one tuple per aggregate: the forms, services and API
serializers derive from these (docs/kernel.md, "Field lists")."""

from __future__ import annotations

TIER_FIELDS = (
    "tier",
    "certificate_number",
    "obtained_on",
    "expires_on",
    "evidence_note",
)

MONEY_FIELDS = (
    "total_revenue",
    "main_revenue",
    "sales_revenue",
    "total_assets",
    "total_cost",
    "rd_total",
    "rd_in_china",
    "hightech_revenue",
    "equity_financing_2y",
)
COUNT_FIELDS = ("staff", "st_staff", "rd_staff", "niche_years", "ip_class_1", "ip_class_2")
FLAG_FIELDS = ("national_award", "provincial_rd_centre", "led_standard")

FIGURES_FIELDS = (
    "staff",
    "st_staff",
    "rd_staff",
    *MONEY_FIELDS,
    "registered_on",
    "niche_years",
    "ip_class_1",
    "ip_class_2",
    *FLAG_FIELDS,
)
