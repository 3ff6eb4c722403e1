"""The analytics app's REST endpoints, included in /api/v1/."""

from django.urls import path

from govhall.analytics import apis, apis_eligibility, apis_push

urlpatterns = [
    path(
        "eligibility/<slug:rule_set>/explain",
        apis_eligibility.ExplainApi.as_view(),
        name="eligibility-explain",
    ),
    path(
        "eligibility/<slug:rule_set>/batch",
        apis_eligibility.BatchApi.as_view(),
        name="eligibility-batch",
    ),
    path("push/rounds", apis_push.PushRoundListApi.as_view(), name="push-rounds"),
    path("push/rounds/<int:round_id>", apis_push.PushRoundDetailApi.as_view(), name="push-round"),
    path("push/preferences", apis_push.PushPreferencesApi.as_view(), name="push-preferences"),
    path("stats/ranking", apis.RankingApi.as_view(), name="stats-ranking"),
    path("stats/ranking/export", apis.RankingExportApi.as_view(), name="stats-ranking-export"),
    path("disclosure/cases", apis.DisclosureCasesApi.as_view(), name="disclosure-cases"),
    path(
        "disclosure/departments",
        apis.DisclosureDepartmentsApi.as_view(),
        name="disclosure-departments",
    ),
]
for _plural, _dimension in (
    ("departments", "department"),
    ("items", "item"),
    ("posts", "post"),
    ("persons", "person"),
):
    urlpatterns += [
        path(
            f"stats/{_plural}",
            apis.StatsTableApi.as_view(dimension=_dimension),
            name=f"stats-{_plural}",
        ),
        path(
            f"stats/{_plural}/export",
            apis.StatsExportApi.as_view(dimension=_dimension),
            name=f"stats-{_plural}-export",
        ),
    ]
