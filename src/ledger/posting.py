"""The one way credits move: post_transfer(). Everything else in Hexitime calls it.

One transaction at READ COMMITTED:
1. a transfer already posted with this idempotency key is returned as it is (a retry), or refused
   if it asked for something else (a clash);
2. otherwise both accounts are locked in id order (SELECT ... FOR NO KEY UPDATE on PostgreSQL;
   SQLite's BEGIN IMMEDIATE serialises writers), so parallel transfers cannot deadlock or lose an
   update; the statement that looks for the key and locks also reads the debit account's limit
   (ledger.limits.LOCKED_LIMIT_SQL), all in one round trip;
3. the debit account's limit is checked against its locked balance;
4. both balances change in one UPDATE relative to what is stored (balance = balance - amount, as
   an F() expression would), and the transfer row is inserted with the balances after.
A deadlock, a serialisation failure or a parallel insert of the same key is retried with the
same key, so the caller sees exactly one outcome.

The write path is three constant SQL statements through Django's connection rather than ORM
queries: building the ORM queries took several times the CPU of running them, and with threads
sharing the GIL that CPU, not the database, capped how many transfers a process could post (see
README, "Ledger benchmark"). The transfer row is inserted without Model.save(), so no model
signals are sent for it: react to a posting after post_transfer() returns.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from ledger import errors
from ledger.limits import LOCKED_LIMIT_SQL, locked_limit_params
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


# The statements of a posting: constant SQL, every value a bound parameter, the same on PostgreSQL
# and SQLite (only the lock clause, added by _lock(), differs).
# LOCK locks both accounts unless a transfer was already posted with the key: then no row comes back.
LOCK = (
    "SELECT a.id, a.balance, a.is_closed, "  # noqa: S608 (LOCKED_LIMIT_SQL is a constant, not a value)
    + LOCKED_LIMIT_SQL
    + " FROM ledger_account a WHERE a.id IN (%s, %s)"
    " AND NOT EXISTS (SELECT 1 FROM ledger_transfer t WHERE t.idempotency_key = %s)"
)
MOVE = (
    "UPDATE ledger_account SET balance = balance + CASE WHEN id = %s THEN %s ELSE %s END,"
    " earned = earned + CASE WHEN id = %s THEN %s ELSE 0 END WHERE id IN (%s, %s)"
)
INSERT = (
    "INSERT INTO ledger_transfer (debit_id, credit_id, amount, kind, caused_by_id, reason, reference,"
    " idempotency_key, fingerprint, reverses_id, debit_balance_after, credit_balance_after, debit_limit,"
    " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)


def _post(request: TransferRequest, idempotency_key: str) -> Transfer:
    with connection.cursor() as cursor:
        locked = _lock(cursor, request, idempotency_key)
        if locked is None:
            return _same_or_clash(Transfer.objects.get(idempotency_key=idempotency_key), request)
        debit_balance, limit = locked[request.debit_id]
        credit_balance, _credit_limit = locked[request.credit_id]
        if debit_balance - request.amount < -limit:
            raise errors.LimitExceeded(_limit_message(_owned(request.debit_id), limit))
        earned = request.amount if request.kind == Transfer.Kind.EXCHANGE else 0
        # Both balances in one statement, relative to what is stored (the F() expressions of the ORM):
        # the debit's goes down, the credit's goes up, and so does its `earned` for an exchange.
        cursor.execute(
            MOVE,
            [request.debit_id, -request.amount, request.amount, request.credit_id, earned, *sorted(locked)],
        )
        transfer = Transfer(
            debit_id=request.debit_id,
            credit_id=request.credit_id,
            amount=request.amount,
            kind=request.kind,
            caused_by_id=request.caused_by_id,
            reason=request.reason,
            reference=request.reference,
            idempotency_key=idempotency_key,
            fingerprint=request.fingerprint(),
            reverses_id=request.reverses_id,
            debit_balance_after=debit_balance - request.amount,
            credit_balance_after=credit_balance + request.amount,
            debit_limit=limit,
            created_at=timezone.now(),
        )
        cursor.execute(
            INSERT,
            [
                transfer.debit_id,
                transfer.credit_id,
                transfer.amount,
                transfer.kind,
                transfer.caused_by_id,
                transfer.reason,
                transfer.reference,
                transfer.idempotency_key,
                transfer.fingerprint,
                transfer.reverses_id,
                transfer.debit_balance_after,
                transfer.credit_balance_after,
                transfer.debit_limit,
                connection.ops.adapt_datetimefield_value(transfer.created_at),
            ],
        )
        transfer.pk = cursor.fetchone()[0]
    transfer._state.adding = False  # as if Transfer.objects.create() had made it
    transfer._state.db = connection.alias
    return transfer


def _lock(cursor: CursorWrapper, request: TransferRequest, key: str) -> dict[int, tuple[int, int]] | None:
    """Lock both accounts in id order; return each one's balance and limit, read under the lock.

    None when a transfer was already posted with this idempotency key (nothing is locked then).
    NO KEY UPDATE does not block the foreign-key checks of the insert. On SQLite there is no lock
    clause: BEGIN IMMEDIATE has already serialised writers.
    """
    debit_id, credit_id = request.debit_id, request.credit_id
    lock = ""
    if connection.features.has_select_for_update:
        lock = " " + connection.ops.for_update_sql(no_key=connection.features.has_select_for_no_key_update)
    cursor.execute(LOCK + " ORDER BY a.id" + lock, [*locked_limit_params(), debit_id, credit_id, key])
    rows = cursor.fetchall()
    if len(rows) != 2:
        if Transfer.objects.filter(idempotency_key=key).exists():
            return None
        raise errors.AccountClosed(_("One of the accounts does not exist."))
    closed = {pk for pk, _balance, is_closed, _limit in rows if is_closed}
    for pk in (debit_id, credit_id):
        if pk in closed:
            raise errors.AccountClosed(
                _("%(account)s is closed; no credits can move in or out.") % {"account": _owned(pk)}
            )
    return {pk: (balance, limit) for pk, balance, _is_closed, limit in rows}


def _owned(pk: int) -> Account:
    """An account with its owner, for the message of a refusal."""
    return Account.objects.select_related("member__profile", "community").get(pk=pk)


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
