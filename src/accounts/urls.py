from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("welcome/", views.welcome, name="welcome"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("members/", views.directory, name="directory"),
    path("members/<id:member_id>/", views.profile, name="profile"),
]
