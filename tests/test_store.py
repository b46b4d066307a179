"""The store on both backends: migrations match the models; the fast read path matches the ORM one."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from manyroads import operators
from manyroads.demo import register_and_sync_plan, write_demo
from manyroads.store import Store
from manyroads.store.tables import Base
from manyroads.synthetic import WorldSpec
from tests.helpers import syncer


def test_migrations_build_exactly_the_models(store: Store) -> None:
    """What Alembic built (every migration, in order) is what the SQLAlchemy models declare."""
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_fast_page_read_equals_the_orm_read(store: Store, tmp_path: Path) -> None:
    register_and_sync_plan(store, write_demo(tmp_path / "demo", WorldSpec(meetings=300, files=3, seed=5)))
    syncer(store).sync()
    slow = {record["id"]: record for record in store.meeting_records()}
    assert len(slow) > 300
    fast = store.meeting_records_by_id(list(slow))
    assert fast.keys() == slow.keys()
    for ident, record in slow.items():
        assert fast[ident] == record, ident
    assert store.meeting_records_by_id([]) == {}
    assert store.meeting_records_by_id(["no-such:meeting"]) == {}


def test_operators_and_audit(store: Store) -> None:
    operators.add_operator(store, "sam", "twelve chars at least")
    assert operators.check_password(store, "sam", "twelve chars at least")
    assert not operators.check_password(store, "sam", "twelve chars at leasT")
    assert not operators.check_password(store, "nobody", "twelve chars at least")
    operators.set_password(store, "sam", "a different passphrase")
    assert operators.check_password(store, "sam", "a different passphrase")
    operators.record(store, "sam", "sync", "na-west", outcome="applied")
    log = operators.audit_log(store)
    assert [(e.username, e.action, e.target) for e in log[:3]] == [
        ("sam", "sync", "na-west"),
        ("(command line)", "set password", "sam"),
        ("(command line)", "add operator", "sam"),
    ]
    assert log[0].detail == {"outcome": "applied"}
    operators.remove_operator(store, "sam")
    assert not operators.is_operator(store, "sam")
