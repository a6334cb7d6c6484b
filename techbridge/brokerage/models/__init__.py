"""Brokerage models: people, curation, deals, matchmaking meetings."""

from techbridge.brokerage.models.curation import (
    ContactGrant,
    DeclineReason,
    Recommendation,
    RecommendationStatus,
)
from techbridge.brokerage.models.deals import (
    OPEN_STAGES,
    Deal,
    DealAttachment,
    DealEvent,
    DealEventKind,
    DealNote,
    DealResult,
    DealStage,
    DealTask,
)
from techbridge.brokerage.models.meetings import (
    EventInvitation,
    EventStatus,
    MatchmakingEvent,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSeat,
    Participant,
    RequestStatus,
)
from techbridge.brokerage.models.people import BrokerProfile, Station, TechSquad, VisitLog

__all__ = [
    "OPEN_STAGES",
    "BrokerProfile",
    "ContactGrant",
    "Deal",
    "DealAttachment",
    "DealEvent",
    "DealEventKind",
    "DealNote",
    "DealResult",
    "DealStage",
    "DealTask",
    "DeclineReason",
    "EventInvitation",
    "EventStatus",
    "MatchmakingEvent",
    "Meeting",
    "MeetingOutcome",
    "MeetingRequest",
    "MeetingSeat",
    "Participant",
    "Recommendation",
    "RecommendationStatus",
    "RequestStatus",
    "Station",
    "TechSquad",
    "VisitLog",
]
