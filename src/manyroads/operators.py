"""Operators: the people who run an instance. Passwords are hashed with argon2id; every
operator action is written to the audit log.

People looking for meetings or making a referral never have accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from manyroads.store import Store, utcnow
from manyroads.store.tables import AuditRow, UserRow

MIN_PASSWORD = 12
_COMMAND_LINE = "(command line)"  # the audit log's name for actions taken with `manyroads users`
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class OperatorError(ValueError):
    """An operator request that cannot be done; says why."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    username: str
    action: str
    target: str
    detail: dict[str, Any]


def add_operator(store: Store, username: str, password: str) -> None:
    username = username.strip()
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        raise OperatorError("a username is 1-100 characters without spaces")
    _check_password_rules(password)
    with store.transaction() as session:
        if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise OperatorError(f"an operator named {username!r} already exists")
        session.add(UserRow(username=username, password_hash=_hasher.hash(password), created_at=utcnow()))
        session.add(AuditRow(at=utcnow(), username=_COMMAND_LINE, action="add operator", target=username, detail={}))


def check_password(store: Store, username: str, password: str) -> bool:
    """True if the password is right; upgrades the hash if the library's parameters moved."""
    with store.transaction() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            _hasher.hash(password)  # spend the same time as a real check: no user enumeration by timing
            return False
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = utcnow()
        return True


def is_operator(store: Store, username: str) -> bool:
    """Still an operator? (Sessions of removed operators end at their next request.)"""
    with store.session() as session:
        return session.scalar(select(UserRow.id).where(UserRow.username == username)) is not None


@dataclass(frozen=True, slots=True)
class Operator:
    username: str
    created_at: datetime
    last_login_at: datetime | None


def operators(store: Store) -> list[Operator]:
    with store.session() as session:
        rows = session.scalars(select(UserRow).order_by(UserRow.username))
        return [Operator(r.username, r.created_at, r.last_login_at) for r in rows]


def set_password(store: Store, username: str, password: str) -> None:
    _check_password_rules(password)
    with store.transaction() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            raise OperatorError(f"no operator named {username!r}")
        user.password_hash = _hasher.hash(password)
        session.add(AuditRow(at=utcnow(), username=_COMMAND_LINE, action="set password", target=username, detail={}))


def remove_operator(store: Store, username: str) -> None:
    with store.transaction() as session:
        user = session.scalar(select(UserRow).where(UserRow.username == username))
        if user is None:
            raise OperatorError(f"no operator named {username!r}")
        session.delete(user)
        session.add(AuditRow(at=utcnow(), username=_COMMAND_LINE, action="remove operator", target=username, detail={}))


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise OperatorError(f"a password needs at least {MIN_PASSWORD} characters")


def record(store: Store, username: str, action: str, target: str = "", **detail: Any) -> None:
    with store.transaction() as session:
        session.add(AuditRow(at=utcnow(), username=username, action=action, target=target, detail=detail))


def audit_log(store: Store, limit: int = 200) -> list[AuditEntry]:
    with store.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [AuditEntry(r.at, r.username, r.action, r.target, r.detail) for r in rows]
