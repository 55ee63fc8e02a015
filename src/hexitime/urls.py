from django.contrib import admin
from django.urls import include, path

from accounts import signup
from hexitime import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("unread/", views.unread_counts, name="unread_counts"),
    path("hours/understood/", views.hours_hint, name="hours_hint"),
    # Before allauth's own URLs: only a sign-up that passes the form's checks counts against the limit.
    path("accounts/signup/", signup.signup, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("listings.urls")),
    path("", include("exchanges.urls")),
    path("", include("ledger.urls")),
    path("communities/", include("communities.urls")),
    path("messages/", include("conversations.urls")),
    path("notifications/", include("notifications.urls")),
    # hexitime.admin_site: /admin/login/ only redirects to allauth's log-in (rate limits, two-factor).
    path("admin/", admin.site.urls),
]

handler400 = "hexitime.views.bad_request"
handler403 = "hexitime.views.permission_denied"
handler404 = "hexitime.views.page_not_found"
handler500 = "hexitime.views.server_error"
handler429 = "hexitime.views.ratelimited"
