"""Catalogue models: supply records, demands, solution proposals and record events."""

from techbridge.catalogue.models.base import CatalogueRecord, Status
from techbridge.catalogue.models.demand import (
    Channel,
    CooperationMode,
    Demand,
    ProposalStatus,
    SolutionProposal,
)
from techbridge.catalogue.models.events import RecordEvent, RecordEventKind
from techbridge.catalogue.models.resources import (
    Achievement,
    DataResource,
    Expert,
    FeeUnit,
    Instrument,
    Lab,
    LabLevel,
    LabType,
    RunningStatus,
    ServiceOffering,
    SharingMode,
)

__all__ = [
    "Achievement",
    "CatalogueRecord",
    "Channel",
    "CooperationMode",
    "DataResource",
    "Demand",
    "Expert",
    "FeeUnit",
    "Instrument",
    "Lab",
    "LabLevel",
    "LabType",
    "ProposalStatus",
    "RecordEvent",
    "RecordEventKind",
    "RunningStatus",
    "ServiceOffering",
    "SharingMode",
    "SolutionProposal",
    "Status",
]
