"""The housing app's REST endpoints, included in /api/v1/."""

from django.urls import path

from govhall.housing import apis, apis_reverify

urlpatterns = [
    path("housing/units", apis.UnitListApi.as_view(), name="housing-units"),
    path("housing/waiting-list", apis.WaitingListApi.as_view(), name="housing-waiting-list"),
    path("housing/waiting-list/rank", apis.WaitingListRankApi.as_view(), name="housing-list-rank"),
    path("housing/rounds", apis.RoundListApi.as_view(), name="housing-rounds"),
    path("housing/rounds/<int:round_id>", apis.RoundDetailApi.as_view(), name="housing-round"),
    path(
        "housing/rounds/<int:round_id>/choose",
        apis.RoundChooseApi.as_view(),
        name="housing-round-choose",
    ),
    path(
        "housing/rounds/<int:round_id>/pass", apis.RoundPassApi.as_view(), name="housing-round-pass"
    ),
    path(
        "housing/rounds/<int:round_id>/close",
        apis.RoundCloseApi.as_view(),
        name="housing-round-close",
    ),
    path("housing/leases", apis.LeaseListApi.as_view(), name="housing-leases"),
    path("housing/leases/<int:lease_id>", apis.LeaseDetailApi.as_view(), name="housing-lease"),
    path(
        "housing/leases/<int:lease_id>/sign", apis.LeaseSignApi.as_view(), name="housing-lease-sign"
    ),
    path("housing/leases/<int:lease_id>/end", apis.LeaseEndApi.as_view(), name="housing-lease-end"),
    path("housing/inspections", apis.InspectionListApi.as_view(), name="housing-inspections"),
    path("housing/bills", apis.BillListApi.as_view(), name="housing-bills"),
    path("housing/bills/issue", apis.BillIssueApi.as_view(), name="housing-bills-issue"),
    path("housing/bills/<int:bill_id>/pay", apis.BillPayApi.as_view(), name="housing-bill-pay"),
    path(
        "housing/payments/callback/<str:provider>",
        apis.RentPaymentCallbackApi.as_view(),
        name="housing-payment-callback",
    ),
    path("housing/arrears", apis.ArrearsApi.as_view(), name="housing-arrears"),
    path("housing/mine", apis.MineApi.as_view(), name="housing-mine"),
    path(
        "housing/reverification/runs",
        apis_reverify.RunListApi.as_view(),
        name="housing-reverification-runs",
    ),
    path(
        "housing/reverification/runs/<int:run_id>",
        apis_reverify.RunDetailApi.as_view(),
        name="housing-reverification-run",
    ),
    path(
        "housing/reverification/flags",
        apis_reverify.FlagListApi.as_view(),
        name="housing-reverification-flags",
    ),
    path(
        "housing/reverification/flags/<int:flag_id>",
        apis_reverify.FlagDetailApi.as_view(),
        name="housing-reverification-flag",
    ),
    path(
        "housing/reverification/flags/<int:flag_id>/decide",
        apis_reverify.FlagDecideApi.as_view(),
        name="housing-reverification-decide",
    ),
]
