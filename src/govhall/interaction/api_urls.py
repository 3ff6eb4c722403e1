"""The interaction app's REST endpoints, included in /api/v1/ (after cases': no cases pattern
matches ``cases/<number>/evaluation``)."""

from django.urls import path

from govhall.interaction import apis

urlpatterns = [
    path(
        "cases/<str:number>/evaluation",
        apis.CaseEvaluationApi.as_view(),
        name="case-evaluation",
    ),
    path("me/evaluations", apis.MyEvaluationsApi.as_view(), name="my-evaluations"),
    path("interaction/tickets", apis.TicketListApi.as_view(), name="interaction-tickets"),
    path(
        "interaction/tickets/<int:ticket_id>",
        apis.TicketDetailApi.as_view(),
        name="interaction-ticket",
    ),
    path(
        "interaction/tickets/<int:ticket_id>/answer",
        apis.TicketAnswerApi.as_view(),
        name="interaction-ticket-answer",
    ),
    path(
        "interaction/tickets/<int:ticket_id>/route",
        apis.TicketRouteApi.as_view(),
        name="interaction-ticket-route",
    ),
    path(
        "interaction/tickets/<int:ticket_id>/faq",
        apis.TicketFaqApi.as_view(),
        name="interaction-ticket-faq",
    ),
    path(
        "interaction/rectifications",
        apis.RectificationListApi.as_view(),
        name="interaction-rectifications",
    ),
    path(
        "interaction/rectifications/<int:rectification_id>",
        apis.RectificationDetailApi.as_view(),
        name="interaction-rectification",
    ),
    path(
        "interaction/rectifications/<int:rectification_id>/actions/<str:action>",
        apis.RectificationActionApi.as_view(),
        name="interaction-rectification-action",
    ),
    path("interaction/faq", apis.FaqListApi.as_view(), name="interaction-faq"),
    path("interaction/ratings", apis.RatingsApi.as_view(), name="interaction-ratings"),
]
