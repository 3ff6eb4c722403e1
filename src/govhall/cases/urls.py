"""Pages of applications and cases: the applicant's (``views_portal``) and the staff's
(``views_workbench``)."""

from django.urls import path

from govhall.cases import views_portal as portal
from govhall.cases import views_portal_publicity as publicity
from govhall.cases import views_workbench as workbench

app_name = "cases"
urlpatterns = [
    # applicants, agents and the public
    path("apply/", portal.apply, name="apply"),
    path("apply/<str:code>/", portal.apply_start, name="apply_item"),
    path("applications/<int:application_id>/", portal.application, name="application"),
    path(
        "applications/<int:application_id>/materials/",
        portal.application_upload,
        name="application_upload",
    ),
    path(
        "applications/<int:application_id>/materials/<int:upload_id>/remove/",
        portal.application_upload_remove,
        name="application_upload_remove",
    ),
    path(
        "applications/<int:application_id>/materials/<int:material_id>/template/",
        portal.material_template,
        name="material_template",
    ),
    path(
        "applications/<int:application_id>/submit/",
        portal.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:application_id>/prereview/",
        portal.application_prereview,
        name="application_prereview",
    ),
    path("mine/", portal.my_cases, name="my_cases"),
    path("mine/<str:number>/", portal.my_case, name="my_case"),
    path("mine/<str:number>/action/<str:action>/", portal.my_case_action, name="my_case_action"),
    path("mine/<str:number>/pay/<str:order_number>/", portal.pay, name="pay"),
    path("pay/simulated/<str:order_number>/", portal.pay_simulated, name="pay_simulated"),
    path("progress/", portal.progress, name="progress"),
    path("publicity/", publicity.publicity, name="publicity"),
    path("publicity/<int:notice_id>/object/", publicity.publicity_object, name="publicity_object"),
    path("authorizations/", portal.my_authorizations, name="my_authorizations"),
    path(
        "authorizations/<int:authorization_id>/revoke/",
        portal.authorization_revoke,
        name="authorization_revoke",
    ),
    # shared by applicants and staff (each scoped by the case's visibility)
    path("c/<str:number>/notices/<int:notice_id>/", portal.notice_pdf, name="notice_pdf"),
    path("c/<str:number>/files/<int:upload_id>/", portal.upload_file, name="upload_file"),
    # staff workbench
    path("tasks/", workbench.task_list, name="task_list"),
    path("list/", workbench.case_list, name="case_list"),
    path("case/<str:number>/", workbench.case_detail, name="case_detail"),
    path("case/<str:number>/verify/", workbench.case_verify, name="case_verify"),
    path("case/<str:number>/act/<str:action>/", workbench.case_act, name="case_act"),
    path("case/<str:number>/delivery/<str:step>/", workbench.case_delivery, name="case_delivery"),
    path("case/<str:number>/waive/<str:order_number>/", workbench.case_waive, name="case_waive"),
    path("case/<str:number>/assign/<int:task_id>/", workbench.case_assign, name="case_assign"),
    path(
        "case/<str:number>/objections/<int:objection_id>/handle/",
        workbench.case_objection_handle,
        name="case_objection_handle",
    ),
    path("prereview/", workbench.prereview_list, name="prereview_list"),
    path(
        "prereview/<int:application_id>/files/<int:upload_id>/",
        workbench.prereview_file,
        name="prereview_file",
    ),
    path(
        "prereview/<int:application_id>/",
        workbench.prereview_decide,
        name="prereview_decide",
    ),
]
