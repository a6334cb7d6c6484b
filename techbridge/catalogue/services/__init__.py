"""Catalogue services: every write goes through one of these functions. ``Channel`` is the
vocabulary of their ``channel=`` argument (how a demand reached the platform)."""

from techbridge.catalogue.models import Channel
from techbridge.catalogue.services.demands import (
    demand_confirm,
    demand_record_for_enterprise,
    demand_renew,
    demands_expire_due,
)
from techbridge.catalogue.services.experts import (
    can_reveal,
    expert_reveal,
    expert_withdraw_consent,
)
from techbridge.catalogue.services.proposals import (
    proposal_decide,
    proposal_submit,
    proposal_withdraw,
)
from techbridge.catalogue.services.records import (
    record_create,
    record_delete,
    record_expire,
    record_publish,
    record_return,
    record_submit,
    record_update,
    record_withdraw,
    records_publish_many,
)

__all__ = [
    "Channel",
    "can_reveal",
    "demand_confirm",
    "demand_record_for_enterprise",
    "demand_renew",
    "demands_expire_due",
    "expert_reveal",
    "expert_withdraw_consent",
    "proposal_decide",
    "proposal_submit",
    "proposal_withdraw",
    "record_create",
    "record_delete",
    "record_expire",
    "record_publish",
    "record_return",
    "record_submit",
    "record_update",
    "record_withdraw",
    "records_publish_many",
]
