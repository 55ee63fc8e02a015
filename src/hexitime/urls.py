from django.contrib import admin
from django.urls import include, path

from hexitime import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("unread/", views.unread_counts, name="unread_counts"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("listings.urls")),
    path("", include("exchanges.urls")),
    path("", include("ledger.urls")),
    path("communities/", include("communities.urls")),
    path("messages/", include("conversations.urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "hexitime.views.bad_request"
handler403 = "hexitime.views.permission_denied"
handler404 = "hexitime.views.page_not_found"
handler500 = "hexitime.views.server_error"
handler429 = "hexitime.views.ratelimited"
