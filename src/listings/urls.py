from django.urls import path

from listings import views

app_name = "listings"
urlpatterns = [
    path("listings/", views.search, name="search"),
    path("listings/new/", views.create, name="create"),
    path("listings/mine/", views.mine, name="mine"),
    path("listings/<id:listing_id>/", views.detail, name="detail"),
    path("listings/<id:listing_id>/edit/", views.edit, name="edit"),
    path("listings/<id:listing_id>/hide/", views.hide, name="hide"),
    path("listings/<id:listing_id>/unhide/", views.unhide, name="unhide"),
    path("listings/<id:listing_id>/<slug:action>/", views.change_status, name="status"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign"),
    path("communities/<slug:slug>/campaigns/new/", views.campaign_create, name="campaign_create"),
]
