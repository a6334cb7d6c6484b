from django.urls import path
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.roles import MEMBER_ROLES, Role
from techbridge.brokerage import api
from techbridge.brokerage.views import curation, deals, meetings, people

app_name = "brokerage"

urlpatterns = [
    path("board/", deals.broker_board, name="board"),
    path("bureau/", deals.bureau_board, name="bureau_board"),
    path("deals/", deals.my_deals, name="my_deals"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal"),
    path("deals/<int:pk>/edit/", deals.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/do/<slug:action>/", deals.deal_action, name="deal_action"),
    path(
        "deals/<int:pk>/attachments/<int:attachment_id>/",
        deals.attachment_download,
        name="deal_attachment",
    ),
    path("demands/<int:pk>/curate/", curation.curate, name="curate"),
    path("recommendations/", curation.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/answer/", curation.answer, name="answer"),
    path("recommendations/<int:pk>/deal/", deals.deal_from_recommendation, name="deal_from_reco"),
    path("feedback/", curation.feedback, name="feedback"),
    path("meetings/", meetings.event_list, name="events"),
    path("meetings/new/", meetings.event_form, name="event_create"),
    path("meetings/<int:pk>/", meetings.event_detail, name="event"),
    path("meetings/<int:pk>/edit/", meetings.event_form, name="event_edit"),
    path("meetings/<int:pk>/schedule/", meetings.schedule_print, name="schedule"),
    path("meetings/<int:pk>/report/", meetings.event_report, name="event_report"),
    path("meetings/<int:pk>/do/<slug:action>/", meetings.event_action, name="event_action"),
    path("performance/", people.performance, name="performance"),
    path("visits/", people.visits, name="visits"),
    path("visits/<int:pk>/", people.visit_detail, name="visit"),
]
api_urlpatterns = [
    path("deals/", api.DealListApi.as_view(), name="deals"),
    path("deals/<int:pk>/", api.DealDetailApi.as_view(), name="deal"),
    path("deals/<int:pk>/move/", api.DealMoveApi.as_view(), name="deal-move"),
    path("recommendations/", api.RecommendationListApi.as_view(), name="recommendations"),
    path(
        "recommendations/<int:pk>/answer/",
        api.RecommendationAnswerApi.as_view(),
        name="recommendation-answer",
    ),
    path("meetings/", api.EventListApi.as_view(), name="meetings"),
    path("meetings/<int:pk>/my-schedule/", api.MyScheduleApi.as_view(), name="my-schedule"),
]

# Published matchmaking meetings are public (participants' details are not).
public_url_names: frozenset[str] = frozenset(
    {"brokerage:events", "brokerage:event", "brokerage-api:meetings"}
)
navigation = [
    ("brokerage:board", _("Broker board"), frozenset({Role.BROKER}), 60),
    ("brokerage:bureau_board", _("Deals board"), frozenset({Role.BUREAU_STAFF}), 61),
    ("brokerage:my_deals", _("My deals"), frozenset(MEMBER_ROLES - {Role.BROKER}), 62),
    (
        "brokerage:recommendations",
        _("Recommendations"),
        frozenset({Role.ENTERPRISE_MEMBER}),
        63,
    ),
    ("brokerage:feedback", _("Feedback"), frozenset({Role.INSTITUTION_MEMBER}), 64),
    ("brokerage:events", _("Matchmaking meetings"), None, 65),
    ("brokerage:performance", _("Performance"), frozenset({Role.BROKER, Role.BUREAU_STAFF}), 66),
    ("brokerage:visits", _("Visits"), frozenset({Role.STATION_STAFF}), 67),
]
