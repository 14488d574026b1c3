"""Every user-visible string has its English translation, and the compiled catalogue matches the source."""

import ast
import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
# An entry: its flags line (fuzzy, python-format …), any previous msgid (#|), its context, the msgid and the msgstr.
ENTRY = re.compile(r'^(?:#, ([^\n]*)\n)?(?:#\|.*\n)*(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n)+)', re.M)


def _join(quoted: str) -> str:
    return "".join(ast.literal_eval(line) for line in quoted.strip().splitlines())


def _entries() -> list[tuple[bool, str, str]]:
    """(fuzzy, msgid, msgstr); a msgid with a context is keyed as the compiled catalogue keys it: context EOT msgid."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    return [("fuzzy" in (m.group(1) or ""),
             (ast.literal_eval(m.group(2)) + "\x04" if m.group(2) else "") + _join(m.group(3)), _join(m.group(4)))
            for m in ENTRY.finditer(text + "\n")]


def test_every_msgid_is_translated_and_none_is_fuzzy():
    entries = [e for e in _entries() if e[1]]  # skip the header
    assert len(entries) > 300
    assert [msgid for fuzzy, msgid, _ in entries if fuzzy] == []
    assert [msgid for _, msgid, msgstr in entries if not msgstr.strip()] == []


def test_the_compiled_catalogue_matches_the_source():
    with open(LOCALE / "django.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for _, msgid, msgstr in _entries():
        if msgid:
            assert compiled.gettext(msgid) == msgstr, msgid


PY_CALL = re.compile(r'\b(?:_|gettext|gettext_lazy|pgettext)\(\s*("(?:[^"\\\n]|\\.)*")\s*[,)]')
TEMPLATE_TAG = re.compile(r'{%\s*(?:translate|trans)\s+("(?:[^"\\\n]|\\.)*")')


def test_every_marked_string_in_the_code_is_in_the_catalogue():
    """A string marked for translation after the last `make messages` fails here, not on an English screen."""
    root = LOCALE.parents[2]
    known = {msgid for _, msgid, _ in _entries()}
    missing = []
    for path in root.rglob("*"):
        if "tests" in path.parts or "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".py":
            found = [ast.literal_eval(s) for s in PY_CALL.findall(path.read_text(encoding="utf-8"))]
        elif path.suffix == ".html":
            # Django escapes a literal % of {% translate %} as %% both when it extracts and when it looks up.
            found = [ast.literal_eval(s).replace("%", "%%")
                     for s in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8"))]
        else:
            continue
        missing += [f"{path.relative_to(root)}: {msgid}" for msgid in found if msgid not in known]
    assert missing == []
