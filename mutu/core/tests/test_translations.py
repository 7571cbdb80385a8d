"""The Indonesian catalogue is complete: every English source string has a translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_every_indonesian_entry_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO))
    empty = [e.msgid for e in catalogue if not e.obsolete and not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags and not e.obsolete]
    assert not empty, f"untranslated: {empty[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"
    assert len(catalogue) > 100


def test_the_compiled_catalogue_is_up_to_date():
    mo = PO.with_suffix(".mo")
    compiled = polib.mofile(str(mo))
    source = {e.msgid: e.msgstr for e in polib.pofile(str(PO)) if not e.obsolete and not e.msgid_plural}
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural and e.msgid} == {
        k: v for k, v in source.items() if k
    }


def test_the_catalogue_lists_every_string_in_the_code(tmp_path):
    """makemessages on a copy of the source finds no string that the committed catalogue lacks.

    It runs in a copy because makemessages writes into the ./locale it finds.
    """
    assert shutil.which("xgettext"), "gettext tools are needed: apt-get install gettext"
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "static", "*.mo")
    for name in ("mutu", "config", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "id"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "MUTU_IGNORE_DOTENV": "true"},
    )
    fresh = polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not missing, f"strings without an Indonesian translation (run make messages): {missing[:20]}"
