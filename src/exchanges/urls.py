from django.urls import path

from exchanges import views

app_name = "exchanges"
urlpatterns = [
    path("exchanges/", views.index, name="index"),
    path("exchanges/new/", views.propose, name="propose"),
    path("exchanges/brokering/", views.brokering, name="brokering"),
    path("exchanges/offline/<id:mark_id>/withdraw/", views.withdraw_offline, name="withdraw_offline"),
    path("exchanges/<id:exchange_id>/", views.detail, name="detail"),
    path("exchanges/<id:exchange_id>/<slug:action>/", views.act, name="act"),
    path("communities/<slug:slug>/broker/", views.broker, name="broker"),
    path("communities/<slug:slug>/offline/", views.offline, name="offline"),
    path("communities/<slug:slug>/disputes/", views.disputes, name="disputes"),
    path("communities/<slug:slug>/stalled/", views.stalled, name="stalled"),
]
