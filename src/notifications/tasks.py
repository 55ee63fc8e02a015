"""Background work for notifications, run by the django.tasks worker (`manage.py db_worker`)."""

from django.tasks import task

from notifications import email


@task()
def send_email(outbound_id: int) -> None:
    email.send_outbound(outbound_id)
