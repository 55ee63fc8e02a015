"""Maker and checker (issue 9, finding 2): a coordinator cannot make credit for themselves.

alice and erin coordinate Riverside, rhea its region, sam a sibling organisation; bob and dora are
members. Large grants and raised limits wait for a second coordinator; every refusal leaves the
ledger and the limits as they were, and the ledger verifies clean afterwards.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from ledger import actions, approvals, errors
from ledger.approvals import Limits
from ledger.models import ApprovalRequest, LimitPolicy, Transfer
from notifications.kinds import Kind
from notifications.models import Notification
from tests.ledger.helpers import fund_url, grant, limits_data
from tests.support.clients import client_for
from tests.support.ledger import balance, fill_fund, ledger_state
from tests.support.pages import text

pytestmark = pytest.mark.django_db

PENDING = ApprovalRequest.State.PENDING


def told(member: User, kind: str) -> list[str]:
    return list(Notification.objects.filter(recipient=member, kind=kind).order_by("pk").values_list("title", flat=True))


def policy_of(community: Community) -> tuple[int, int, bool, int]:
    policy = LimitPolicy.objects.filter(community=community).first() or LimitPolicy(community=community)
    return (policy.member_overdraft, policy.growth_cap, policy.grows_with_given, policy.fund_overdraft)


def verify_clean(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("verify_ledger")
    assert "Ledger OK" in capsys.readouterr().out


def decide(client: Client, approval: ApprovalRequest, what: str, **data: str) -> Any:
    return client.post(fund_url(what, approval.community, approval_id=approval.pk), data, follow=True)


# --- the attack -------------------------------------------------------------------------------------


def test_raising_the_fund_overdraft_then_granting_to_oneself_is_refused(
    alice: User, alice_client: Client, erin: User, bob: User, community: Community, capsys: pytest.CaptureFixture[str]
) -> None:
    before = ledger_state()
    # 1. the probe raised the fund's overdraft to 1,000 hours: now at most 50, and any raise waits.
    response = alice_client.post(fund_url("limits", community), limits_data(fund_overdraft="1000"))
    assert "Enter at most 50 hours." in text(response)
    assert not LimitPolicy.objects.exists()
    response = alice_client.post(fund_url("limits", community), limits_data(fund_overdraft="2"), follow=True)
    assert "The raised limits wait for a second coordinator of Riverside Hospital" in text(response)
    assert policy_of(community)[3] == 0  # the fund still may not go below zero
    # 2. the grant form does not offer alice, and a forged choice of herself is refused.
    find = fund_url("grant", community)
    assert f'value="{bob.pk}"' in alice_client.get(find, {"find": "Bob"}).content.decode()
    assert f'value="{alice.pk}"' not in alice_client.get(find, {"find": "Alice"}).content.decode()
    response = grant(alice_client, community, alice, "2")
    assert response.redirect_chain == []
    assert "Choose an active member of Riverside Hospital." in text(response)
    assert ledger_state() == before
    assert (balance(community), balance(alice)) == (0, 0)
    verify_clean(capsys)


def test_do_grant_refuses_a_grant_to_the_coordinator_whatever_the_form_says(
    alice: User, erin: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    before = ledger_state()
    for minutes in (60, 600):  # at once, or as a request: neither
        with pytest.raises(errors.SelfDealing, match="You cannot grant hours to yourself"):
            actions.do_grant(
                coordinator=alice, community=community, member=alice, minutes=minutes, reason="Me", form_key="k"
            )
    assert ledger_state() == before
    assert not ApprovalRequest.objects.exists()


def test_the_fund_overdraft_has_a_hard_maximum_in_the_action_too(alice: User, community: Community) -> None:
    limits = Limits(
        member_overdraft=300, warning_threshold=60, grows_with_given=False, growth_cap=1200, fund_overdraft=3001
    )
    with pytest.raises(errors.OverMaximum, match="A community fund may go at most 50 h below zero"):
        actions.do_update_limits(coordinator=alice, community=community, limits=limits)
    assert not LimitPolicy.objects.exists()
    assert not ApprovalRequest.objects.exists()


# --- grants: small at once, large wait ---------------------------------------------------------------


def test_a_small_grant_posts_at_once_and_the_other_coordinators_are_told(
    alice: User, alice_client: Client, erin: User, rhea: User, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    page = text(alice_client.get(fund_url("grant", community)))
    assert "A grant of up to 5 h moves at once. A larger one waits" in page
    response = grant(alice_client, community, bob, "5")
    assert "You granted 5 h from the fund to Bob Brown." in text(response)
    assert balance(bob) == 300
    assert not ApprovalRequest.objects.exists()
    assert told(erin, Kind.LEDGER_POWER_USED) == [
        "Alice Adams granted 5 h from the fund of Riverside Hospital to Bob Brown"
    ]
    assert told(alice, Kind.LEDGER_POWER_USED) == []
    assert told(bob, Kind.CREDITS_RECEIVED) == ["Alice Adams granted you 5 h from the fund of Riverside Hospital"]


def test_a_large_grant_waits_for_another_coordinator_who_approves_it(
    alice: User,
    alice_client: Client,
    erin: User,
    rhea: User,
    sam: User,
    bob: User,
    dora: User,
    community: Community,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill_fund(community, 600)
    before = ledger_state()
    response = grant(alice_client, community, bob, "6", reason="Six hours for the audit")
    assert "Your grant of 6 h to Bob Brown waits for a second coordinator: grants of more than 5 h need one." in text(
        response
    )
    assert ledger_state() == before  # nothing moved yet
    approval = ApprovalRequest.objects.get()
    assert (approval.kind, approval.state, approval.requested_by, approval.member, approval.minutes) == (
        "grant",
        PENDING,
        alice,
        bob,
        360,
    )
    asked = (
        "Alice Adams asks a second coordinator to approve a grant of 6 h from the fund of Riverside Hospital "
        "to Bob Brown"
    )
    assert told(erin, Kind.LEDGER_APPROVAL_REQUESTED) == [asked]
    assert told(rhea, Kind.LEDGER_APPROVAL_REQUESTED) == [asked]  # a coordinator of the region may check too
    assert told(sam, Kind.LEDGER_APPROVAL_REQUESTED) == []
    assert told(alice, Kind.LEDGER_APPROVAL_REQUESTED) == []
    assert told(bob, Kind.LEDGER_APPROVAL_REQUESTED) == []

    # The fund page lists it: alice may cancel it, erin may approve it.
    alice_page = alice_client.get(fund_url("fund", community)).content.decode()
    assert "Waiting for a second coordinator" in alice_page
    assert fund_url("cancel", community, approval_id=approval.pk) in alice_page
    assert fund_url("approve", community, approval_id=approval.pk) not in alice_page
    erin_client = client_for(erin)
    erin_page = erin_client.get(fund_url("fund", community)).content.decode()
    assert fund_url("approve", community, approval_id=approval.pk) in erin_page

    # The maker cannot approve her own request.
    response = decide(alice_client, approval, "approve")
    assert "You asked for this yourself, so another coordinator must decide it." in text(response)
    assert ledger_state() == before
    assert ApprovalRequest.objects.get().state == PENDING

    # erin approves: the grant posts once, in alice's name, and names the request.
    response = decide(erin_client, approval, "approve")
    assert "You approved a grant of 6 h from the fund of Riverside Hospital to Bob Brown." in text(response)
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by) == ("approved", erin)
    transfer = Transfer.objects.get(kind="grant")
    assert (transfer.amount, transfer.caused_by, transfer.reason, transfer.idempotency_key) == (
        360,
        alice,
        "Six hours for the audit",
        f"approval:{approval.pk}",
    )
    assert approval.transfer == transfer
    assert (balance(community), balance(bob)) == (240, 360)
    assert told(alice, Kind.LEDGER_POWER_USED) == [
        "Erin Evans approved a grant of 6 h from the fund of Riverside Hospital to Bob Brown, asked for by Alice Adams"
    ]
    assert told(bob, Kind.CREDITS_RECEIVED) == ["Alice Adams granted you 6 h from the fund of Riverside Hospital"]

    # Approving again, by erin or by rhea, moves nothing more.
    after = ledger_state()
    response = decide(erin_client, approval, "approve")
    assert "You had already approved this. Nothing more was changed." in text(response)
    response = decide(client_for(rhea), approval, "approve")
    assert "This request was already approved. Nothing more was changed." in text(response)
    assert ledger_state() == after
    assert Transfer.objects.filter(kind="grant").count() == 1
    verify_clean(capsys)


def test_a_coordinator_of_the_region_can_approve_but_not_one_of_a_sibling(
    alice: User, alice_client: Client, rhea: User, sam: User, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    grant(alice_client, community, bob, "8")
    approval = ApprovalRequest.objects.get()
    before = ledger_state()
    sam_client = client_for(sam)
    for response in (
        sam_client.get(fund_url("approval", community, approval_id=approval.pk)),
        decide(sam_client, approval, "approve"),
        decide(sam_client, approval, "reject", reason="No"),
    ):
        assert response.status_code == 403
        assert "Only the coordinators of Riverside Hospital or of a community it belongs to" in text(response)
    assert ledger_state() == before
    assert ApprovalRequest.objects.get().state == PENDING
    for client in (client_for(bob), client_for(dora)):  # members of Riverside, not coordinators
        assert decide(client, approval, "approve").status_code == 403
    assert ledger_state() == before

    rhea_client = client_for(rhea)
    page = text(rhea_client.get(fund_url("approval", community, approval_id=approval.pk)))
    assert "A grant of 8 h from the fund of Riverside Hospital to Bob Brown." in page
    response = decide(rhea_client, approval, "approve")
    assert response.status_code == 200
    assert ApprovalRequest.objects.get().state == "approved"
    assert balance(bob) == 480


def test_a_grant_to_a_coordinator_is_decided_by_another(
    alice: User, alice_client: Client, erin: User, rhea: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    grant(alice_client, community, erin, "6")
    approval = ApprovalRequest.objects.get()
    assert told(erin, Kind.LEDGER_APPROVAL_REQUESTED) == []  # not asked to check a grant to herself
    before = ledger_state()
    erin_client = client_for(erin)
    assert "This grant is to you, so another coordinator decides it." in text(
        erin_client.get(fund_url("fund", community))
    )
    response = decide(erin_client, approval, "approve")
    assert "This grant is to you, so another coordinator must decide it." in text(response)
    assert ledger_state() == before
    decide(client_for(rhea), approval, "approve")
    assert balance(erin) == 360


def test_a_rejected_request_moves_nothing_and_says_why(
    alice: User, alice_client: Client, erin: User, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    grant(alice_client, community, bob, "6")
    approval = ApprovalRequest.objects.get()
    before = ledger_state()
    erin_client = client_for(erin)
    response = decide(erin_client, approval, "reject", reason="  ")
    assert "Give a reason for rejecting it: the coordinator who asked will see it." in text(response)
    assert ApprovalRequest.objects.get().state == PENDING
    response = decide(alice_client, approval, "reject", reason="Changed my mind")
    assert "You asked for this yourself" in text(response)
    assert ApprovalRequest.objects.get().state == PENDING

    response = decide(erin_client, approval, "reject", reason="Bob has plenty")
    assert "You rejected a grant of 6 h" in text(response)
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by, approval.decision_reason) == ("rejected", erin, "Bob has plenty")
    assert told(alice, Kind.LEDGER_POWER_USED) == [
        "Erin Evans rejected a grant of 6 h from the fund of Riverside Hospital to Bob Brown, asked for by Alice Adams"
    ]
    response = decide(erin_client, approval, "approve")
    assert "This request was rejected, so it can no longer be approved" in text(response)
    assert ledger_state() == before
    assert "Waiting for a second coordinator" not in text(alice_client.get(fund_url("fund", community)))


def test_the_maker_cancels_and_only_the_maker(
    alice: User, alice_client: Client, erin: User, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    grant(alice_client, community, bob, "6")
    approval = ApprovalRequest.objects.get()
    before = ledger_state()
    erin_client = client_for(erin)
    response = decide(erin_client, approval, "cancel")
    assert "Only the coordinator who asked for this can cancel it." in text(response)
    assert ApprovalRequest.objects.get().state == PENDING
    response = decide(alice_client, approval, "cancel")
    assert "You withdrew your request for a grant of 6 h" in text(response)
    assert ApprovalRequest.objects.get().state == "cancelled"
    response = decide(erin_client, approval, "approve")
    assert "This request was cancelled by the coordinator who made it." in text(response)
    assert ledger_state() == before
    assert told(erin, Kind.LEDGER_POWER_USED) == [
        "Alice Adams withdrew their request for a grant of 6 h from the fund of Riverside Hospital to Bob Brown"
    ]


def test_an_expired_request_cannot_be_approved(
    alice: User, alice_client: Client, erin: User, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    grant(alice_client, community, bob, "6")
    approval = ApprovalRequest.objects.get()
    assert approval.expires_at - approval.created_at == pytest.approx(timedelta(days=7), abs=timedelta(seconds=5))
    ApprovalRequest.objects.filter(pk=approval.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    before = ledger_state()
    assert "Waiting for a second coordinator" not in text(alice_client.get(fund_url("fund", community)))
    response = decide(client_for(erin), approval, "approve")
    assert "This request expired: nobody decided it within 7 days. Nothing was changed" in text(response)
    assert ApprovalRequest.objects.get().state == "expired"
    assert ledger_state() == before


def test_expire_requests_marks_those_past_their_time(alice: User, bob: User, dora: User, community: Community) -> None:
    fill_fund(community, 600)
    for form_key in ("a", "b"):
        actions.do_grant(coordinator=alice, community=community, member=bob, minutes=360, reason="R", form_key=form_key)
    first = ApprovalRequest.objects.order_by("pk").first()
    assert first is not None
    ApprovalRequest.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert approvals.expire_requests() == 1
    assert list(ApprovalRequest.objects.order_by("pk").values_list("state", flat=True)) == ["expired", "pending"]


def test_a_grant_form_submitted_twice_asks_once(
    alice: User, alice_client: Client, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 600)
    data = {
        "member": str(bob.pk),
        "hours": "6",
        "reason": "Audit",
        "idempotency_key": "0f8a4d0c-5f43-4f2b-9a55-2f1f6d1d8e11",
    }
    alice_client.post(fund_url("grant", community), data)
    response = alice_client.post(fund_url("grant", community), data, follow=True)
    assert "This grant was already asked for with this form. Nothing more was done." in text(response)
    assert ApprovalRequest.objects.count() == 1


def test_a_request_larger_than_the_fund_can_grant_is_refused_at_once(
    alice: User, alice_client: Client, bob: User, dora: User, community: Community
) -> None:
    fill_fund(community, 300)
    response = grant(alice_client, community, bob, "6")
    assert "The fund has 5 h to grant at the moment, less than 6 h, and may not go below zero." in text(response)
    assert not ApprovalRequest.objects.exists()


# --- limits -------------------------------------------------------------------------------------------


def test_raising_the_fund_overdraft_waits_and_lowering_takes_effect_at_once(
    alice: User, alice_client: Client, erin: User, rhea: User, community: Community
) -> None:
    page = text(alice_client.get(fund_url("limits", community)))
    assert "Lowering a limit takes effect at once. Raising the fund's limit" in page
    assert "The fund may go at most 50 h below zero." in page
    # Lower the member overdraft and raise the fund's in one go: the first now, the second waits.
    response = alice_client.post(
        fund_url("limits", community), limits_data(member_overdraft="3", fund_overdraft="20"), follow=True
    )
    assert "The lower limits of Riverside Hospital are saved." in text(response)
    assert "The raised limits wait for a second coordinator" in text(response)
    assert policy_of(community) == (180, 1200, False, 0)
    approval = ApprovalRequest.objects.get()
    assert (approval.kind, approval.limits, approval.previous_limits) == (
        "limits",
        {"fund_overdraft": 1200},
        {"fund_overdraft": 0},
    )
    assert told(erin, Kind.LEDGER_POWER_USED) == ["Alice Adams changed the limits of Riverside Hospital"]
    assert told(erin, Kind.LEDGER_APPROVAL_REQUESTED) == [
        "Alice Adams asks a second coordinator to approve new limits for Riverside Hospital: "
        "the fund may go 20 h below zero"
    ]
    assert told(rhea, Kind.LEDGER_APPROVAL_REQUESTED) != []
    response = decide(alice_client, approval, "approve")
    assert "You asked for this yourself" in text(response)
    assert policy_of(community) == (180, 1200, False, 0)

    erin_client = client_for(erin)
    page = text(erin_client.get(fund_url("approval", community, approval_id=approval.pk)))
    assert "How far below zero the fund may go From 0 min to 20 h" in page
    assert "Approve" in page
    decide(erin_client, approval, "approve")
    assert policy_of(community) == (180, 1200, False, 1200)
    assert LimitPolicy.objects.get().updated_by == erin


@pytest.mark.parametrize(
    ("overrides", "waits"),
    [
        ({"member_overdraft": "10"}, False),  # up to the threshold: at once
        ({"member_overdraft": "10.25"}, True),
        ({"grows_with_given": "on", "growth_cap": "20"}, False),  # the usual cap
        ({"grows_with_given": "on", "growth_cap": "30"}, True),
        ({"warning_threshold": "3"}, False),
        ({"fund_overdraft": "0.25"}, True),  # any raise of the fund's
    ],
)
def test_which_raises_need_a_second_coordinator(
    alice_client: Client, erin: User, community: Community, overrides: dict[str, str], waits: bool
) -> None:
    alice_client.post(fund_url("limits", community), limits_data(**overrides))
    assert ApprovalRequest.objects.exists() is waits
    if waits:
        assert policy_of(community) == (300, 1200, False, 0)


@override_settings(LEDGER_FUND_OVERDRAFT_MAX=600)
def test_an_approval_above_a_lowered_maximum_is_refused(alice: User, erin: User, community: Community) -> None:
    with override_settings(LEDGER_FUND_OVERDRAFT_MAX=3000):
        limits = Limits(
            member_overdraft=300, warning_threshold=60, grows_with_given=False, growth_cap=1200, fund_overdraft=1200
        )
        saved = actions.do_update_limits(coordinator=alice, community=community, limits=limits)
    assert saved.requested is not None
    with pytest.raises(errors.OverMaximum):
        approvals.do_approve(checker=erin, approval=saved.requested.approval)
    assert ApprovalRequest.objects.get().state == PENDING
    assert policy_of(community)[3] == 0


# --- the fund page ------------------------------------------------------------------------------------


def test_fund_page_query_count_does_not_grow_with_waiting_requests(
    alice: User,
    alice_client: Client,
    erin: User,
    bob: User,
    dora: User,
    community: Community,
    django_assert_num_queries: Any,
) -> None:
    fill_fund(community, 6000)
    actions.do_grant(coordinator=erin, community=community, member=bob, minutes=360, reason="R", form_key="first")
    alice_client.get(fund_url("fund", community))
    with django_assert_num_queries(12):
        alice_client.get(fund_url("fund", community))
    for n in range(5):
        maker = (alice, erin)[n % 2]
        actions.do_grant(
            coordinator=maker, community=community, member=(bob, dora)[n % 2], minutes=400, reason="R", form_key=f"k{n}"
        )
    with django_assert_num_queries(12):
        response = alice_client.get(fund_url("fund", community))
    assert len(response.context["waiting"]) == 6
