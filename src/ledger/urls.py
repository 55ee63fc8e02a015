from django.urls import path

from ledger import views

app_name = "ledger"
urlpatterns = [
    path("credits/", views.balance, name="balance"),
    path("credits/statement.csv", views.statement_csv, name="statement_csv"),
    path("credits/donate/", views.donate, name="donate"),
    path("communities/<slug:slug>/fund/", views.fund, name="fund"),
    path("communities/<slug:slug>/fund/statement.csv", views.fund_statement_csv, name="fund_statement_csv"),
    path("communities/<slug:slug>/fund/grant/", views.grant, name="grant"),
    path("communities/<slug:slug>/fund/reverse/", views.find_transfer, name="find_transfer"),
    path("communities/<slug:slug>/fund/reverse/<id:transfer_id>/", views.reversal, name="reverse"),
    path("communities/<slug:slug>/limits/", views.limits, name="limits"),
    path("communities/<slug:slug>/fund/approvals/<id:approval_id>/", views.approval, name="approval"),
    path("communities/<slug:slug>/fund/approvals/<id:approval_id>/approve/", views.approve, name="approve"),
    path("communities/<slug:slug>/fund/approvals/<id:approval_id>/reject/", views.reject, name="reject"),
    path("communities/<slug:slug>/fund/approvals/<id:approval_id>/cancel/", views.cancel, name="cancel"),
]
