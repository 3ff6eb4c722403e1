from django.urls import path

from govhall.portal.views import account, auth, pages

app_name = "portal"
urlpatterns = [
    path("", pages.home, name="home"),
    path("directory/", pages.directory, name="directory"),
    path("register/", auth.register, name="register"),
    path("register/check-id-number/", auth.check_id_number, name="check_id_number"),
    path("login/", auth.login_page, name="login"),
    path("logout/", auth.logout_page, name="logout"),
    path("account/", account.account, name="account"),
    path("account/password/", account.password_change, name="password_change"),
    path("account/tokens/<int:token_id>/revoke/", account.token_revoke, name="token_revoke"),
]
