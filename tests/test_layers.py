"""The layering is checked, not promised: ui -> exports -> db -> fieldtool, and Qt only in ui/."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml")) == 0


def test_the_domain_runs_without_qt():
    code = (
        "import sys, pkgutil, importlib\n"
        "import fieldtool, db, exports\n"
        "for pkg in (fieldtool, db, exports):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "import ui.cli\n"
        "print(sorted(n for n in sys.modules if n.startswith('PySide6')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- no SQL in ui/ -------------------------------------------------------------------------------------------
# Read models live in the domain beside their feature (fieldtool/households_view.py, visits_view.py,
# loanview.py, …) and take a session; a screen opens the session and calls them. So ui/ imports nothing
# from SQLAlchemy or SQLModel but its exception types, and calls no query method on a session.

SQL_MODULES = ("sqlalchemy", "sqlmodel")
ALLOWED_SQL_IMPORTS = {"sqlalchemy.exc"}  # catching a driver's error is not a query
SESSION_METHODS = {
    "execute", "exec", "scalars", "scalar", "get", "query", "add", "add_all", "delete", "merge", "flush",
    "refresh", "connection", "bulk_save_objects",
}
SESSION_NAMES = {"s", "session", "sess"}

def _session_names(tree: ast.AST) -> set[str]:
    """The names a file binds to a session: `with db.session() as s`, `with Session(engine) as s`."""
    names = set(SESSION_NAMES)
    for node in ast.walk(tree):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                call = item.context_expr
                if not isinstance(call, ast.Call) or not isinstance(item.optional_vars, ast.Name):
                    continue
                f = call.func
                if (isinstance(f, ast.Attribute) and f.attr == "session") or (
                    isinstance(f, ast.Name) and f.id == "Session"
                ):
                    names.add(item.optional_vars.id)
    return names


def sql_in(path: Path) -> list[str]:
    """Where a module imports SQLAlchemy or SQLModel, or calls a query method on a session: "line: what"."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    sessions = _session_names(tree)
    type_only = {  # `if TYPE_CHECKING:` imports name a type in hints and run nothing
        id(child) for node in ast.walk(tree)
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        for child in node.body
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            modules = []
        for module in modules:
            if module.split(".")[0] in SQL_MODULES and module not in ALLOWED_SQL_IMPORTS:
                found.append(f"{node.lineno}: import {module}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in sessions
            and node.func.attr in SESSION_METHODS
        ):
            found.append(f"{node.lineno}: {node.func.value.id}.{node.func.attr}(…)")
    return found


def test_sql_check_sees_queries_and_imports(tmp_path):
    module = tmp_path / "screen.py"
    module.write_text(
        "from sqlalchemy.exc import DBAPIError\n"
        "if TYPE_CHECKING:\n"
        "    from sqlalchemy.orm import Session\n"
        "def load(db):\n"
        "    from sqlmodel import select\n"
        "    with db.session() as book:\n"
        "        return book.scalars(select(X)).all(), book.get(X, 1)\n"
        "def show(dialog):\n"
        "    dialog.exec()\n"
    )
    assert sorted(sql_in(module)) == ["5: import sqlmodel", "7: book.get(…)", "7: book.scalars(…)"]


def test_no_sql_in_the_screens():
    """ui/ asks the domain's read models: no screen and no command imports SQL or queries a session."""
    offenders = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if found := sql_in(path):
            offenders[rel] = found
    assert offenders == {}
