"""Every user-facing string is translated into French, and the compiled catalogue is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_french_message_is_translated():
    catalogue = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source():
    source = {e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(PO))}
    compiled = {e.msgid: e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(MO))}
    assert {k: v for k, v in source.items() if k} == {k: v for k, v in compiled.items() if k}


def test_compiled_english_wording_matches_its_source():
    """locale/en holds the portal's English wording of third-party strings (allauth)."""
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    source = {e.msgid: e.msgstr for e in polib.pofile(str(po)) if e.msgid}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(po.with_suffix(".mo"))) if e.msgid}
    assert source == compiled
    assert all(source.values())


def test_catalogue_holds_every_marked_string(tmp_path):
    """makemessages on the current code finds no msgid that the committed catalogue lacks."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "staticfiles",
            "media",
            "private_media",
            "*.pyc",
            ".pytest_cache",
            ".ruff_cache",
            "bench",
            "tests",
        ),
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["DEBUG"] = "1"
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(PO))}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"
