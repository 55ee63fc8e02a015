from django.urls import path

from conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.start, name="start"),
    path("exchange/<int:exchange_id>/", views.exchange_thread, name="exchange"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:report_id>/resolve/", views.resolve_report, name="resolve_report"),
    path("members/<int:member_id>/block/", views.block, name="block"),
    path("members/<int:member_id>/unblock/", views.unblock, name="unblock"),
    path("<int:conversation_id>/", views.thread, name="thread"),
    path("<int:conversation_id>/new/", views.poll, name="poll"),
    path("<int:conversation_id>/send/", views.send, name="send"),
    path("<int:conversation_id>/<int:message_id>/report/", views.report, name="report"),
]
