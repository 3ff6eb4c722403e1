from django.urls import path

from govhall.cases import apis, apis_extra, apis_publicity

urlpatterns = [
    path("items/<str:code>/prefill", apis.PrefillApi.as_view(), name="item-prefill"),
    path("applications", apis.ApplicationListApi.as_view(), name="applications"),
    path(
        "applications/<int:application_id>",
        apis.ApplicationDetailApi.as_view(),
        name="application",
    ),
    path(
        "applications/<int:application_id>/materials",
        apis.ApplicationMaterialApi.as_view(),
        name="application-materials",
    ),
    path(
        "applications/<int:application_id>/materials/<int:upload_id>",
        apis.ApplicationMaterialDeleteApi.as_view(),
        name="application-material",
    ),
    path(
        "applications/<int:application_id>/prereview",
        apis.ApplicationPrereviewApi.as_view(),
        name="application-prereview",
    ),
    path(
        "applications/<int:application_id>/submit",
        apis.ApplicationSubmitApi.as_view(),
        name="application-submit",
    ),
    path("cases", apis.CaseListApi.as_view(), name="cases"),
    path("cases/<str:number>", apis.CaseDetailApi.as_view(), name="case"),
    path("cases/<str:number>/timeline", apis.CaseTimelineApi.as_view(), name="case-timeline"),
    path(
        "cases/<str:number>/actions/<str:action>", apis.CaseActionApi.as_view(), name="case-action"
    ),
    path(
        "cases/<str:number>/notices/<int:notice_id>",
        apis.CaseNoticeApi.as_view(),
        name="case-notice",
    ),
    path(
        "cases/<str:number>/verification",
        apis_extra.CaseVerificationApi.as_view(),
        name="case-verification",
    ),
    path(
        "cases/<str:number>/payments/<str:order_number>/start",
        apis_extra.PaymentStartApi.as_view(),
        name="payment-start",
    ),
    path(
        "cases/<str:number>/payments/<str:order_number>/waive",
        apis_extra.PaymentWaiveApi.as_view(),
        name="payment-waive",
    ),
    path(
        "payments/callback/<str:provider>",
        apis_extra.PaymentCallbackApi.as_view(),
        name="payment-callback",
    ),
    path(
        "cases/<str:number>/delivery/<str:step>", apis_extra.DeliveryApi.as_view(), name="delivery"
    ),
    path(
        "cases/<str:number>/tasks/<int:task_id>/assign",
        apis_extra.TaskAssignApi.as_view(),
        name="task-assign",
    ),
    path(
        "cases/<str:number>/objections/<int:objection_id>/handle",
        apis_publicity.ObjectionHandleApi.as_view(),
        name="objection-handle",
    ),
    path("publicity", apis_publicity.PublicityListApi.as_view(), name="publicity"),
    path("publicity/", apis_publicity.PublicityListSlashApi.as_view(), name="publicity-slash"),
    path(
        "publicity/<int:notice_id>/objections",
        apis_publicity.ObjectionFileApi.as_view(),
        name="publicity-objections",
    ),
    path("tasks", apis.TaskListApi.as_view(), name="tasks"),
    path("progress", apis.ProgressApi.as_view(), name="progress"),
    path("authorizations", apis_extra.AuthorizationListApi.as_view(), name="authorizations"),
    path(
        "authorizations/<int:authorization_id>/revoke",
        apis_extra.AuthorizationRevokeApi.as_view(),
        name="authorization-revoke",
    ),
]
