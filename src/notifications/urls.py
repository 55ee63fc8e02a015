from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:notification_id>/open/", views.open_notification, name="open"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
