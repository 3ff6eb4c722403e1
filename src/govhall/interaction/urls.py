"""Pages of the interaction app (namespace ``interaction``)."""

from django.urls import path

from govhall.interaction import views_portal as portal
from govhall.interaction import views_workbench as workbench

app_name = "interaction"
urlpatterns = [
    path("enquiry/", portal.enquiry, name="enquiry"),
    path("complaint/", portal.complaint, name="complaint"),
    path("tickets/<int:ticket_id>/", portal.ticket_detail, name="ticket"),
    path("faq/", portal.faq, name="faq"),
    path("ratings/", portal.ratings, name="ratings"),
    path("cases/<str:number>/rate/", portal.case_rate, name="case_rate"),
    path("cases/<str:number>/rate-qrcode.svg", portal.rate_qrcode, name="rate_qrcode"),
    path("rate/<str:number>/", portal.rate, name="rate"),
    path("manage/", workbench.manage, name="manage"),
    path("manage/hotline/", workbench.hotline_entry, name="hotline"),
    path("manage/tickets/<int:ticket_id>/", workbench.manage_ticket, name="manage_ticket"),
    path(
        "manage/rectifications/<int:rectification_id>/",
        workbench.manage_rectification,
        name="manage_rectification",
    ),
]
