"""requirements.lock pins exactly what pyproject.toml needs: nothing unused, nothing missing."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    marker = requirement.marker
    return marker is None or any(marker.evaluate({"extra": extra}) for extra in extras or {""})


def needed_packages() -> set[str]:
    """pyproject's dependencies (dev extra included) and everything they pull in."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    pending = [Requirement(line) for line in declared]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        requirement = pending.pop()
        key = (_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = distribution(requirement.name).requires or []
        except PackageNotFoundError:
            continue
        pending += [
            child
            for child in map(Requirement, requires)
            if _applies(child, set(requirement.extras))
        ]
    return {name for name, _ in seen}


def pinned_packages() -> set[str]:
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = [line for line in lines if "==" in line and not line.startswith("#")]
    return {_name(line.split("==")[0]) for line in pins}


def test_every_pin_is_needed_and_every_need_is_pinned():
    needed, pinned = needed_packages(), pinned_packages()
    assert {"unused pins": pinned - needed, "missing pins": needed - pinned} == {
        "unused pins": set(),
        "missing pins": set(),
    }
