"""Every package the project's code imports is pinned in requirements.txt or requirements-test.txt.

A package that arrives only as another one's dependency (django_tasks with Wagtail, polib with
wagtail-localize) disappears, or changes version, when that package changes its own requirements.
"""

import ast
import re
import sys
from importlib.metadata import packages_distributions, requires
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
REQUIREMENTS = ["requirements.txt", "requirements-test.txt"]
NOT_SCANNED = {".venv", ".git", "node_modules", "static", "media", "collected_static", "cache"}


def normalized(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(filename):
    """{distribution: line} of a requirements file, following its ``-r`` includes."""
    found = {}
    for line in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r"):
            found.update(pinned(line[2:].strip()))
        elif line:
            found[normalized(re.split(r"[\[=<>!~;\s]", line)[0])] = line
    return found


def python_files():
    for path in ROOT.rglob("*.py"):
        if not NOT_SCANNED & set(path.relative_to(ROOT).parts):
            yield path


def top_level_imports(source):
    """The top-level names of every absolute import, at any depth (conditional imports too)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield node.module.split(".")[0]


def first_party():
    return {path.stem for path in ROOT.iterdir() if path.is_dir() or path.suffix == ".py"}


def django_own_requirements():
    """Django's own dependencies (asgiref, sqlparse) come and go with Django's pin."""
    return {normalized(re.split(r"[\[=<>!~;\s]", line)[0]) for line in requires("Django") or []}


def unpinned_imports():
    everything = {name for filename in REQUIREMENTS for name in pinned(filename)}
    allowed = everything | django_own_requirements()
    local = first_party()
    distributions = packages_distributions()
    problems = {}
    for path in python_files():
        for module in top_level_imports(path.read_text(encoding="utf-8")):
            if module in sys.stdlib_module_names or module in local:
                continue
            providers = {normalized(name) for name in distributions.get(module, [])}
            if not providers:
                problems.setdefault(f"{module} (not installed)", set()).add(str(path.relative_to(ROOT)))
            elif not providers & allowed:
                problems.setdefault(module, set()).add(str(path.relative_to(ROOT)))
    return problems


def test_every_imported_package_is_pinned():
    assert unpinned_imports() == {}


def test_every_requirement_is_pinned_to_one_version():
    for filename in REQUIREMENTS:
        for line in pinned(filename).values():
            assert "==" in line, f"{filename}: {line} is not pinned to one version"


def test_the_check_sees_conditional_and_nested_imports():
    source = (
        "try:\n    import brotli\nexcept ImportError:\n    brotli = None\n"
        "def f():\n    from polib import pofile\n"
    )
    assert set(top_level_imports(source)) == {"brotli", "polib"}
    assert normalized("django_tasks") == normalized("Django-Tasks") == "django-tasks"
    assert pinned("requirements-test.txt")["django"] == "Django==5.2.19", "follows -r requirements.txt"
