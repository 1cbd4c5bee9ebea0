"""Accounts for a shared server: users with a role (a reader asks, reads and exports; an editor also adds and
removes documents), their passwords, and bearer tokens for REST and MCP.

Passwords are stored as Argon2id hashes (argon2-cffi, the reference implementation's bindings); a token is
shown once when it is made and stored as its SHA-256 (a token is 256 random bits, so a fast hash is enough),
with the day it expires. The file is written whole (a temporary file renamed over it) and readable by its
owner only.
"""

import datetime
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rag.errors import QueryError, RagError

ROLES = ("reader", "editor")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MIN_PASSWORD = 12
TOKEN_DAYS = 90
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def may_edit(self) -> bool:
        return self.role == "editor"


class Accounts:
    """The accounts kept in one JSON file (made on the first user added)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def users(self) -> list[User]:
        return [User(name, entry["role"]) for name, entry in sorted(self._read()["users"].items())]

    def add_user(self, name: str, password: str, role: str = "reader", *, replace: bool = False) -> User:
        if not NAME.match(name):
            raise QueryError(f"{name!r} is not a user name: 1 to 64 lower-case letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise QueryError(f"{role!r} is not a role: {' or '.join(ROLES)}.")
        if len(password) < MIN_PASSWORD:
            raise QueryError(f"A password has at least {MIN_PASSWORD} characters.")
        data = self._read()
        if name in data["users"] and not replace:
            raise QueryError(f"There is already a user {name}.")
        data["users"][name] = {"role": role, "password": _hasher.hash(password)}
        self._write(data)
        return User(name, role)

    def remove_user(self, name: str) -> None:
        data = self._read()
        if data["users"].pop(name, None) is None:
            raise QueryError(f"There is no user {name}.")
        data["tokens"] = {digest: t for digest, t in data["tokens"].items() if t["user"] != name}
        self._write(data)

    def check_password(self, name: str, password: str) -> User | None:
        """The user, when the password is theirs; None otherwise (an unknown name costs the same time)."""
        entry = self._read()["users"].get(name)
        stored = entry["password"] if entry else _UNKNOWN
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, entry["role"]) if entry else None

    def new_token(self, name: str, days: int = TOKEN_DAYS, *, today: datetime.date | None = None) -> str:
        """A bearer token for `name`, valid `days` days: shown this once, kept only as its digest."""
        data = self._read()
        if name not in data["users"]:
            raise QueryError(f"There is no user {name}.")
        if days < 1:
            raise QueryError("A token is valid for at least 1 day.")
        token = "rag_" + secrets.token_urlsafe(32)
        expires = (today or datetime.date.today()) + datetime.timedelta(days=days)
        data["tokens"][_digest(token)] = {"user": name, "expires": expires.isoformat()}
        self._write(data)
        return token

    def check_token(self, token: str, *, today: datetime.date | None = None) -> User | None:
        """The user a token is for, while it is valid; None for any other."""
        data = self._read()
        entry = data["tokens"].get(_digest(token))
        if entry is None or (today or datetime.date.today()).isoformat() > entry["expires"]:
            return None
        user = data["users"].get(entry["user"])
        return User(entry["user"], user["role"]) if user else None

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"users": {}, "tokens": {}}
        except (OSError, ValueError) as error:
            raise RagError(f"Cannot read the accounts in {self.path}: {error}.") from error
        return {"users": data.get("users", {}), "tokens": data.get("tokens", {})}

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the owner's alone
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(data, file, indent=1, sort_keys=True)
        os.replace(partial, self.path)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_UNKNOWN = _hasher.hash(secrets.token_urlsafe(16))  # verified against for an unknown name, so it takes as long
