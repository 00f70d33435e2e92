"""Files written inside a transaction belong to it: kept when it commits, removed when it does not.

Letters (whose numbers are recorded), visit photos (whose hashes are recorded) and bundles (recorded as sent)
are written before the commit that records them. Whoever writes such a file names it once with
`remove_on_rollback(session, path)`; if the outermost transaction then rolls back or ends without a commit
(a refused row, a full disk at commit, an exception anywhere in the caller), the file goes too, so no letter
circulates with a number the book never spent and no photo lies there without its visit. It is a session
hook, like the change log's, so it holds for every session: `Database.session()`, the command line's, a
test's.

A savepoint that rolls back inside a transaction that then commits keeps the files written in it: they are
the outer transaction's, and only its end decides.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "files_on_rollback"


def remove_on_rollback(session: Session, *paths: Path) -> None:
    """`paths` were just written for what `session` is about to record: remove them unless it commits."""
    session.info.setdefault(_KEY, []).extend(Path(p) for p in paths)


def pending_files(session: Session) -> list[Path]:
    """The files the open transaction will remove if it does not commit (for tests and messages)."""
    return list(session.info.get(_KEY, ()))


@event.listens_for(Session, "after_commit")
def _keep(session: Session) -> None:
    if session.get_nested_transaction() is None:  # the outermost transaction committed: the files stay
        session.info.pop(_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    # the outermost transaction ended and `_keep` did not take the list: rolled back, or closed uncommitted
    for path in session.info.pop(_KEY, ()):
        path.unlink(missing_ok=True)
