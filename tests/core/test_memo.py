"""core.memo: one result per key, and a data version that changes with every audited write and,
on PostgreSQL, with the commit of any transaction in flight when it was read (its rows may carry
lower ids than rows already committed)."""

import pytest
from django.db import connection

from core.memo import Memo, clear_all, history_version
from schools.models import School
from tests.factories import SchoolFactory


def test_a_memo_computes_once_per_key_and_again_after_clearing():
    memo, calls = Memo("test"), []

    def compute():
        calls.append(1)
        return [len(calls)]

    first = memo.get(("2026-11-23", 1), compute)
    assert memo.get(("2026-11-23", 1), compute) is first
    assert memo.get(("2026-11-23", 2), compute) == [2]
    clear_all()
    assert memo.get(("2026-11-23", 2), compute) == [3]


@pytest.mark.django_db
def test_an_audited_write_changes_the_version():
    before = history_version(School)
    SchoolFactory()
    assert history_version(School) != before


# Serialized rollback, as every transactional test here: a plain one's flush re-creates content
# types, which the next serialized test would then load a second time.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ids out of commit order happen on PostgreSQL")
def test_a_transaction_still_writing_is_part_of_the_version_until_it_commits():
    other = connection.copy()  # a second connection to the same (test) database
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")  # writing: it has a transaction id
            (xid,) = cursor.fetchone()
        during = history_version(School)
        assert str(xid) in during[-1].split(":")[2].split(",") or int(xid) >= int(during[-1].split(":")[1])
        other.commit()
        assert history_version(School) != during
    finally:
        other.close()
