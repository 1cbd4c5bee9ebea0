"""Accounts for a shared server: users with roles, passwords stored as Argon2id hashes, bearer tokens that
expire, a file only its owner can read; bad input refused with a reason."""

import datetime
import json
import stat

import pytest

from rag import QueryError
from rag.accounts import Accounts, User

PASSWORD = "correct horse battery"
DAY = datetime.date(2026, 12, 8)


@pytest.fixture
def accounts(tmp_path):
    return Accounts(tmp_path / "accounts.json")


def test_a_user_signs_in_with_their_password_only(accounts):
    assert accounts.add_user("amina", PASSWORD, "editor") == User("amina", "editor")
    assert accounts.check_password("amina", PASSWORD) == User("amina", "editor")
    assert accounts.check_password("amina", PASSWORD + "!") is None
    assert accounts.check_password("nobody", PASSWORD) is None
    stored = accounts.path.read_text(encoding="utf-8")
    assert PASSWORD not in stored and "$argon2id$" in stored
    assert stat.S_IMODE(accounts.path.stat().st_mode) == 0o600


def test_a_token_works_until_it_expires_and_is_stored_only_as_its_digest(accounts):
    accounts.add_user("ben", PASSWORD)
    token = accounts.new_token("ben", days=30, today=DAY)
    assert accounts.check_token(token, today=DAY) == User("ben", "reader")
    assert accounts.check_token(token, today=DAY + datetime.timedelta(days=30)) == User("ben", "reader")
    assert accounts.check_token(token, today=DAY + datetime.timedelta(days=31)) is None
    assert accounts.check_token(token + "x", today=DAY) is None
    assert token not in accounts.path.read_text(encoding="utf-8")


def test_removing_a_user_ends_their_tokens(accounts):
    accounts.add_user("chen", PASSWORD, "editor")
    token = accounts.new_token("chen", today=DAY)
    accounts.remove_user("chen")
    assert accounts.check_token(token, today=DAY) is None
    assert accounts.users() == []
    assert json.loads(accounts.path.read_text(encoding="utf-8"))["tokens"] == {}


@pytest.mark.parametrize(
    ("name", "password", "role", "message"),
    [
        ("../root", PASSWORD, "reader", "not a user name"),
        ("Amina", PASSWORD, "reader", "not a user name"),
        ("dora", "short", "reader", "at least 12 characters"),
        ("dora", PASSWORD, "admin", "not a role"),
    ],
)
def test_bad_users_are_refused_with_a_reason(accounts, name, password, role, message):
    with pytest.raises(QueryError, match=message):
        accounts.add_user(name, password, role)
    assert not accounts.path.exists()


def test_a_user_is_added_once_unless_replaced(accounts):
    accounts.add_user("eve", PASSWORD)
    with pytest.raises(QueryError, match="already"):
        accounts.add_user("eve", PASSWORD)
    assert accounts.add_user("eve", PASSWORD, "editor", replace=True).may_edit


def test_the_shell_adds_lists_and_removes_users_and_makes_tokens(tmp_path, capsys, monkeypatch):
    import io

    from rag.cli import main

    file = str(tmp_path / "accounts.json")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "fatima", "--role", "editor", "--password-stdin", "--accounts", file]) == 0
    assert main(["users", "token", "fatima", "--days", "7", "--accounts", file]) == 0
    token = capsys.readouterr().out.strip()
    assert Accounts(file).check_token(token) == User("fatima", "editor")
    assert main(["users", "list", "--accounts", file]) == 0
    assert capsys.readouterr().out == "fatima\teditor\n"
    assert main(["users", "remove", "ghost", "--accounts", file]) == 2
    assert capsys.readouterr().err == "rag: There is no user ghost.\n"
    assert main(["users", "remove", "fatima", "--accounts", file]) == 0
    assert Accounts(file).check_token(token) is None
