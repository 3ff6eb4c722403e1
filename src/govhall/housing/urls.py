"""Pages of the housing app (namespace ``housing``)."""

from django.urls import path

from govhall.housing import views, views_reverify

app_name = "housing"
urlpatterns = [
    path("workbench/stock/", views.stock, name="stock"),
    path("workbench/waiting-list/", views.waiting_list, name="waiting_list"),
    path("workbench/waiting-list/add", views.waiting_add, name="waiting_add"),
    path("workbench/waiting-list/rank", views.waiting_rank, name="waiting_rank"),
    path("workbench/rounds/", views.rounds, name="rounds"),
    path("workbench/rounds/open", views.round_open, name="round_open"),
    path("workbench/rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("workbench/rounds/<int:round_id>/close", views.round_close, name="round_close"),
    path("workbench/rounds/<int:round_id>/lease", views.lease_create, name="lease_create"),
    path("workbench/leases/", views.leases, name="leases"),
    path("workbench/leases/<int:lease_id>/act", views.lease_action, name="lease_action"),
    path("workbench/bills/issue", views.bills_issue, name="bills_issue"),
    path("workbench/arrears/", views.arrears, name="arrears"),
    path("workbench/inspections/", views.inspections, name="inspections"),
    path("workbench/reverification/", views_reverify.runs, name="reverification_runs"),
    path("workbench/reverification/run", views_reverify.run_start, name="reverification_start"),
    path(
        "workbench/reverification/<int:run_id>/",
        views_reverify.run_detail,
        name="reverification_run",
    ),
    path(
        "workbench/reverification/flags/<int:flag_id>/decide",
        views_reverify.flag_decide,
        name="reverification_decide",
    ),
    path("mine/", views.mine, name="mine"),
    path("mine/rounds/<int:round_id>/choose", views.mine_choose, name="mine_choose"),
    path("mine/leases/<int:lease_id>/sign", views.mine_sign, name="mine_sign"),
    path("mine/bills/<int:bill_id>/pay", views.mine_pay, name="mine_pay"),
]
