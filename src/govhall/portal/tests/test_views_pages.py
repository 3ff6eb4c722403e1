"""Home page, directory, error pages."""

from __future__ import annotations

import json
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from govhall.portal.navigation import optional_url
from govhall.portal.views import error_500

pytestmark = pytest.mark.django_db

HOME_FEATURES = [
    "interaction:enquiry",
    "cases:progress",
    "catalog:home",
    "cases:apply",
    "interaction:complaint",
]


def _missing() -> list[str]:
    """The home entries whose feature is not built yet (it shrinks as issues land)."""
    return [name for name in HOME_FEATURES if optional_url(name) is None]


def test_home_renders_for_anonymous(client_as):
    response = client_as().get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "网上办事大厅" in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "X-CSRFToken" in html
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "/static/portal/css/site.css" in html
    for glyph in "问查看办诉":
        assert f'aria-hidden="true">{glyph}</span>' in html


def test_home_shows_missing_features_as_disabled_cards(client_as):
    html = client_as().get(reverse("portal:home")).content.decode()
    for url_name in HOME_FEATURES:
        card = re.search(rf'<(\w+) class="entry-card[^"]*"[^>]*data-url-name="{url_name}"', html)
        assert card, url_name
        if url_name in _missing():
            assert card.group(1) == "div"
            assert 'aria-disabled="true"' in card.group(0)
        else:
            assert card.group(1) == "a"
    assert html.count("暂未开通") == len(_missing())


@pytest.mark.urls("govhall.portal.tests.urls_with_features")
def test_home_links_features_that_exist(client_as):
    html = client_as().get(reverse("portal:home")).content.decode()
    progress = re.search(r'<(\w+) class="entry-card"[^>]*data-url-name="cases:progress"', html)
    assert progress and progress.group(1) == "a"
    assert 'href="/feature-stubs/cases/progress/"' in progress.group(0)
    assert "cases:progress" not in _missing()
    assert html.count("暂未开通") == len(_missing())
    # The main navigation gains the entry too.
    assert html.count('href="/feature-stubs/cases/progress/"') == 2


def test_home_lists_service_centers(client_as, directory):
    html = client_as().get(reverse("portal:home")).content.decode()
    assert "亳州市政务服务中心" in html
    assert "亳州市希夷大道1号" in html
    assert "周一至周五" in html
    assert "0558-12345" in html
    assert "谯城区政务服务中心" in html
    # Township centers and village points are on the directory page, linked from here.
    assert "白布社区代办点" not in html
    assert f'href="{reverse("portal:directory")}"' in html


def test_home_for_logged_in_citizen_shows_account_and_logout(client_as, applicant):
    html = client_as(applicant).get(reverse("portal:home")).content.decode()
    assert "您好,张三" in html
    assert reverse("portal:account") in html
    assert f'action="{reverse("portal:logout")}"' in html
    assert reverse("workbench:home") not in html


def test_home_for_staff_links_the_workbench(client_as, clerk):
    html = client_as(clerk).get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("workbench:home")}"' in html


def test_directory_groups_centers_by_level(client_as, directory):
    response = client_as().get(reverse("portal:directory"))
    assert response.status_code == 200
    html = response.content.decode()
    html = html[html.index('id="directory-results"') :]
    order = [
        html.index("市级政务服务中心"),
        html.index("县(区)级政务服务中心"),
        html.index("乡镇(街道)便民服务中心"),
        html.index("村(社区)便民服务站与代办点"),
    ]
    assert order == sorted(order)
    assert "白布社区代办点" in html and "代办点</span>" in html
    assert "住房保障窗口" in html
    assert "亳州市住房和城乡建设局" in html
    assert "谯城区公安分局" in html
    assert "<html" in response.content.decode()


def test_directory_filters_by_region_without_javascript(client_as, directory):
    response = client_as().get(reverse("portal:directory"), {"region": "341602000000"})
    assert response.status_code == 200
    html = response.content.decode()
    results = html[html.index('id="directory-results"') :]
    assert "谯城区政务服务中心" in results
    assert "白布社区代办点" in results
    assert "亳州市政务服务中心" not in results
    assert "谯城区公安分局" in results
    assert "亳州市住房和城乡建设局" not in results
    assert 'value="341602000000" selected' in html


def test_directory_answers_htmx_with_the_results_only(client_as, directory):
    response = client_as().get(
        reverse("portal:directory"), {"region": "341602001000"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "花戏楼街道便民服务中心" in html
    assert "谯城区政务服务中心" not in html
    assert "HX-Request" in response["Vary"]


def test_directory_ignores_an_unknown_region(client_as, directory):
    response = client_as().get(reverse("portal:directory"), {"region": "not-a-region"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "亳州市政务服务中心" in html
    assert 'class="field-errors"' in html


def test_unknown_api_path_answers_json_404(client_as):
    response = client_as().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["message"]


def test_unknown_page_answers_friendly_404(client_as):
    response = client_as().get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "您访问的页面不存在" in html
    assert f'href="{reverse("portal:home")}"' in html


def test_500_page_is_plain_and_json_under_api():
    factory = RequestFactory()
    page = error_500(factory.get("/somewhere/"))
    assert page.status_code == 500
    assert "系统繁忙" in page.content.decode()
    api = error_500(factory.get("/api/v1/me"))
    assert api.status_code == 500
    assert json.loads(api.content)["error"]["code"] == "server_error"
