from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.start, name="start"),
    path("exchange/<id:exchange_id>/", views.exchange_thread, name="exchange"),
    path("reports/", views.reports, name="reports"),
    path("reports/<id:report_id>/resolve/", views.resolve_report, name="resolve_report"),
    path("members/<id:member_id>/block/", views.block, name="block"),
    path("members/<id:member_id>/unblock/", views.unblock, name="unblock"),
    path("<id:conversation_id>/", views.thread, name="thread"),
    path("<id:conversation_id>/new/", views.poll, name="poll"),
    path("<id:conversation_id>/send/", views.send, name="send"),
    path("<id:conversation_id>/<id:message_id>/report/", views.report, name="report"),
]
