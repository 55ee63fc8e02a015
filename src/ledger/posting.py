"""The one way credits move: post_transfer(). Everything else in Hexitime calls it.

One transaction at READ COMMITTED:
1. a transfer already posted with this idempotency key is returned as it is (a retry), or refused
   if it asked for something else (a clash);
2. both accounts are locked in id order (SELECT ... FOR NO KEY UPDATE on PostgreSQL; SQLite's
   BEGIN IMMEDIATE serialises writers), so parallel transfers cannot deadlock or lose an update;
3. the debit account's limit is checked against its locked balance;
4. balances change with F() expressions and the transfer row is inserted with the balances after.
A deadlock, a serialisation failure or a parallel insert of the same key is retried with the
same key, so the caller sees exactly one outcome.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from ledger import errors
from ledger.limits import account_limit
from ledger.models import Account, Transfer

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_AMOUNT = 100_000 * 60  # far above any real transfer; stops a typo of extra zeros


@dataclass(frozen=True)
class TransferRequest:
    debit_id: int
    credit_id: int
    amount: int
    kind: str
    reason: str = ""
    reference: str = ""
    caused_by_id: int | None = None
    reverses_id: int | None = None

    def fingerprint(self) -> str:
        parts = [self.debit_id, self.credit_id, self.amount, self.kind, self.reference, self.reverses_id]
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def post_transfer(
    *,
    debit: Account,
    credit: Account,
    amount: int,
    kind: str,
    idempotency_key: str,
    caused_by: User | None = None,
    reason: str = "",
    reference: str = "",
    reverses: Transfer | None = None,
) -> Transfer:
    """Move `amount` minutes from `debit` to `credit`, exactly once for this idempotency key."""
    request = TransferRequest(
        debit_id=debit.pk,
        credit_id=credit.pk,
        amount=amount,
        kind=kind,
        reason=reason[:500],
        reference=reference,
        caused_by_id=caused_by.pk if caused_by else None,
        reverses_id=reverses.pk if reverses else None,
    )
    _validate(request, idempotency_key)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _post(request, idempotency_key)
        except IntegrityError:
            # Someone posted the same key in parallel: their transfer is ours.
            existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return _same_or_clash(existing, request)
        except DatabaseError as error:
            if not _is_retryable(error) or attempt == MAX_ATTEMPTS:
                raise
            logger.info("Retrying transfer %s after %s (attempt %d)", idempotency_key, error, attempt)
            time.sleep(0.001 * 2**attempt)
    raise AssertionError("unreachable")


def _validate(request: TransferRequest, idempotency_key: str) -> None:
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValueError("An idempotency key of 1 to 100 characters is required.")
    if not isinstance(request.amount, int) or isinstance(request.amount, bool) or request.amount <= 0:
        raise errors.InvalidAmount(_("The amount must be more than zero."))
    if request.amount > MAX_AMOUNT:
        raise errors.InvalidAmount(_("That amount is far larger than any transfer Hexitime allows."))
    if request.debit_id == request.credit_id:
        raise errors.SameAccount(_("Credits cannot move from an account to itself."))


def _same_or_clash(existing: Transfer, request: TransferRequest) -> Transfer:
    if existing.fingerprint != request.fingerprint():
        raise errors.IdempotencyConflict(
            _("This form was already used for a different transfer. Reload the page and try again.")
        )
    return existing


def _post(request: TransferRequest, idempotency_key: str) -> Transfer:
    existing = Transfer.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_or_clash(existing, request)
    accounts = _lock(request.debit_id, request.credit_id)
    debit, credit = accounts[request.debit_id], accounts[request.credit_id]
    for account in (debit, credit):
        if account.is_closed:
            raise errors.AccountClosed(
                _("%(account)s is closed; no credits can move in or out.") % {"account": account}
            )
    limit = account_limit(debit)
    if debit.balance - request.amount < -limit:
        raise errors.LimitExceeded(_limit_message(debit, limit))
    earns = request.kind == Transfer.Kind.EXCHANGE
    Account.objects.filter(pk=debit.pk).update(balance=F("balance") - request.amount)
    Account.objects.filter(pk=credit.pk).update(
        balance=F("balance") + request.amount, earned=F("earned") + (request.amount if earns else 0)
    )
    return Transfer.objects.create(
        debit_id=debit.pk,
        credit_id=credit.pk,
        amount=request.amount,
        kind=request.kind,
        caused_by_id=request.caused_by_id,
        reason=request.reason,
        reference=request.reference,
        idempotency_key=idempotency_key,
        fingerprint=request.fingerprint(),
        reverses_id=request.reverses_id,
        debit_balance_after=debit.balance - request.amount,
        credit_balance_after=credit.balance + request.amount,
        debit_limit=limit,
    )


def _lock(*ids: int) -> dict[int, Account]:
    """Lock the accounts in id order. NO KEY UPDATE does not block the foreign-key checks of the insert."""
    queryset = Account.objects.filter(pk__in=ids).order_by("pk").select_related("member__profile", "community")
    # On SQLite select_for_update() does nothing: BEGIN IMMEDIATE has already serialised writers.
    no_key = connection.features.has_select_for_no_key_update
    locked = {account.pk: account for account in queryset.select_for_update(no_key=no_key, of=("self",))}
    if len(locked) != len(set(ids)):
        raise errors.AccountClosed(_("One of the accounts does not exist."))
    return locked


def _limit_message(account: Account, limit: int) -> str:
    hours = f"{limit / 60:g}"
    if account.is_fund:
        return _(
            "The fund of %(community)s would go below its limit of %(hours)s hours below zero. Nothing was moved."
        ) % {"community": account.community, "hours": hours}
    return _("This would take %(member)s below their limit of %(hours)s hours below zero. Nothing was moved.") % {
        "member": account.member,
        "hours": hours,
    }


def _is_retryable(error: DatabaseError) -> bool:
    code = getattr(getattr(error, "__cause__", None), "sqlstate", None)
    if code in {"40001", "40P01"}:  # serialization failure, deadlock detected
        return True
    return "database is locked" in str(error)


def reverse_transfer(*, transfer: Transfer, caused_by: User, reason: str, idempotency_key: str) -> Transfer:
    """Undo a transfer with a new, mirrored one that names it. A transfer is reversed at most once."""
    if transfer.kind == Transfer.Kind.REVERSAL:
        raise errors.NotReversible(_("A reversal cannot itself be reversed; make a new transfer instead."))
    if not reason.strip():
        raise errors.NotReversible(_("Give a reason for the reversal: both sides will see it."))
    already = Transfer.objects.filter(reverses=transfer).exclude(idempotency_key=idempotency_key).first()
    if already is not None:
        raise errors.NotReversible(_("This transfer was already reversed (transfer %(pk)s).") % {"pk": already.pk})
    try:
        return post_transfer(
            debit=transfer.credit,
            credit=transfer.debit,
            amount=transfer.amount,
            kind=Transfer.Kind.REVERSAL,
            idempotency_key=idempotency_key,
            caused_by=caused_by,
            reason=reason.strip(),
            reference=transfer.reference,
            reverses=transfer,
        )
    except errors.IdempotencyConflict:
        raise
    except IntegrityError:  # reversed in parallel under another key
        raise errors.NotReversible(_("This transfer was already reversed.")) from None
