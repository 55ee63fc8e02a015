"""Signed unsubscribe links: a member can stop one kind of e-mail from the e-mail itself, without logging in.

A token names the member and a topic, and is signed with SECRET_KEY under its own salt (so no
other signed value in Hexitime can be passed off as one) with the time it was made. The topic is
a notification kind (notifications.kinds.Kind) or a digest ("daily" or "weekly", the values of
Delivery.DAILY and Delivery.WEEKLY). Tokens expire after MAX_AGE: a forwarded or leaked e-mail
stops being a key to the member's settings after a while, and every new e-mail carries a fresh one.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.errors import InvalidToken
from notifications.kinds import Delivery, Kind

SALT = "hexitime.notifications.unsubscribe"
MAX_AGE = timedelta(days=60)
DIGESTS = {
    Delivery.DAILY.value: _("the daily digest e-mail"),
    Delivery.WEEKLY.value: _("the weekly digest e-mail"),
}


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token asks: stop e-mails about `topic` to `member`."""

    member: User
    topic: str

    @property
    def is_digest(self) -> bool:
        return self.topic in DIGESTS


def is_topic(topic: str) -> bool:
    return topic in Kind.values or topic in DIGESTS


def topic_label(topic: str) -> str:
    """How a topic reads in a sentence: a kind's label, or "the daily digest e-mail"."""
    if topic in DIGESTS:
        return str(DIGESTS[topic])
    return str(Kind(topic).label)


def make_token(member: User, topic: str) -> str:
    if not is_topic(topic):
        raise ValueError(f"Not a notification kind or digest: {topic!r}")
    return signing.TimestampSigner(salt=SALT).sign_object({"m": member.pk, "k": topic})


def read_token(token: str) -> Unsubscribe:
    """The member and topic a token names; InvalidToken if it is not one Hexitime made, or is too old."""
    signer = signing.TimestampSigner(salt=SALT)
    try:
        data = signer.unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise InvalidToken(_("This link has expired."), expired=True) from None
    except (signing.BadSignature, ValueError):
        raise InvalidToken(_("This link is not valid.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not is_topic(str(data.get("k"))):
        raise InvalidToken(_("This link is not valid."))
    member = User.objects.filter(pk=data["m"]).first()
    if member is None:
        raise InvalidToken(_("This link is not valid."))
    return Unsubscribe(member=member, topic=str(data["k"]))
