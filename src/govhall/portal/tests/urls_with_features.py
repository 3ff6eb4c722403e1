"""A URLconf in which two later features exist, to test that entries appear when they do."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from govhall.urls import handler400, handler403, handler404, handler500  # noqa: F401
from govhall.urls import urlpatterns as project_urlpatterns


def stub(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stub")


cases = (
    [
        path("progress/", stub, name="progress"),
        path("tasks/", stub, name="task_list"),
    ],
    "cases",
)

urlpatterns = [path("feature-stubs/cases/", include(cases)), *project_urlpatterns]
