"""Every visible template string is marked for translation, every catalogue translates the
MSME's path completely, and the app still starts (in English) without compiled catalogues."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from suppliermatch.paths import REPO_ROOT, TEMPLATES_DIR, TRANSLATIONS_DIR
from tests.i18n.msme_path import TEMPLATES, in_msme_path

LANGUAGES = ("hi", "or", "te", "ta")
# Jinja constructs, comments, and what is not text a reader sees.
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
TRANS_BLOCK = re.compile(r"\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}", re.S)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
ATTRIBUTE = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
# Letters outside markup and entities: words a reader would see untranslated.
WORD = re.compile(r"[A-Za-z]{2,}")
ENTITY = re.compile(r"&[a-z]+;|&#\d+;")


# A string literal inside an expression ({{ }}, {% with %}, {% set %}) that reads as words:
# a label passed to a macro, one branch of a conditional.
EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%-?\s*(?:with|set)\b.*?%\}", re.S)
LITERAL = re.compile(r"""(["'])((?:(?!\1).)*)\1""")
# What comes right before a literal that is a key, a value compared with, or a name.
NOT_TEXT_BEFORE = re.compile(
    r"(_\(|gettext\(|==\s*|!=\s*|\bin\s+|\[|get\(|startswith\(|url_for\()$"
)


def reads_as_words(literal: str) -> bool:
    """Text a reader sees, not a code: letters, and a space or a capitalised word; not a
    format, path, class name, file name or upper-case code."""
    if not re.search(r"[A-Za-z]", literal) or "%" in literal:
        return False
    if literal.startswith(("/", ".", "#", "http", " ")):
        return False
    if re.fullmatch(r"[A-Za-z0-9_\-.:]+", literal) and not re.match(r"[A-Z][a-z]", literal):
        return False
    return " " in literal or bool(re.match(r"[A-Z][a-z]", literal))


def unmarked_literals(source: str) -> list[str]:
    found = []
    for block in EXPRESSION.findall(source):
        for match in LITERAL.finditer(block):
            before = block[max(0, match.start() - 12) : match.start()]
            if reads_as_words(match.group(2)) and not NOT_TEXT_BEFORE.search(before):
                found.append(match.group(2))
    return found


def unmarked_text(source: str) -> list[str]:
    """Visible text nodes, text attributes and text literals in expressions of a template
    not inside _() or {% trans %}."""
    source = TRANS_BLOCK.sub(" ", source)
    source = HIDDEN.sub(" ", source)
    found = [value for value in ATTRIBUTE.findall(JINJA.sub("", source)) if WORD.search(value)]
    found += unmarked_literals(source)
    # Jinja first: tags may hold expressions with ">" in them.
    text = TAG.sub("\n", JINJA.sub("\n", source))
    for node in text.split("\n"):
        node = ENTITY.sub(" ", node).strip()
        if WORD.search(node):
            found.append(node)
    return found


def test_the_checker_sees_an_unmarked_string_and_accepts_marked_ones():
    assert unmarked_text("<p>Save profile</p>") == ["Save profile"]
    assert unmarked_text('<input placeholder="e.g. CNC">') == ["e.g. CNC"]
    assert unmarked_text("<p>{{ _('Save profile') }}</p>") == []
    assert unmarked_text("<p>{% trans n=1 %}{{ n }} quote{% endtrans %}</p>") == []
    assert unmarked_text("<p>{{ supplier.legal_name }} · {{ n }}</p>") == []
    assert unmarked_text("{{ input('gstin', 'Legal name') }}") == ["Legal name"]
    assert unmarked_text("{{ input('gstin', _('Legal name')) }}") == []
    assert unmarked_text("{{ 'Revise quote' if mine else _('Submit quote') }}") == ["Revise quote"]
    assert unmarked_text('{% with label="Valid until" %}{% endwith %}') == ["Valid until"]
    assert unmarked_text("{{ 'good' if ok else 'bad' }}{{ x == 'Certified' }}") == []


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES_DIR)) for p in TEMPLATES_DIR.rglob("*.html"))
)
def test_every_visible_template_string_is_marked_for_translation(template):
    assert unmarked_text((TEMPLATES_DIR / template).read_text()) == []


def test_the_msme_path_names_only_templates_that_exist():
    assert [t for t in TEMPLATES if not (TEMPLATES_DIR / t).is_file()] == []


def _catalogue(language: str):
    with open(TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def _untranslated(catalogue, where=in_msme_path) -> list:
    """The entries with no translation among those written in a file ``where`` names."""
    missing = []
    for message in catalogue:
        if not message.id or message.fuzzy and message.string:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = any(where(path) for path, _ in message.locations)
        if wanted and (message.fuzzy or not all(strings)):
            missing.append(message.id)
    return missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_translates_the_whole_msme_path(language):
    assert _untranslated(_catalogue(language)) == []


def test_hindi_translates_every_page_coordinators_and_anchors_included():
    assert _untranslated(_catalogue("hi"), where=lambda path: True) == []


def test_an_untranslated_msme_entry_is_noticed():
    catalogue = _catalogue("or")
    message = next(m for m in catalogue if m.id == "Your quote")
    message.string = ""
    assert _untranslated(catalogue) == ["Your quote"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_and_technical_terms(language):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    terms = ("GSTIN", "PAN", "Udyam", "MSME", "NiCuNi", "SHA-256", "PDF", "API")
    for message in _catalogue(language):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(placeholder.findall(i) for i in ids))
        for string in strings:
            assert set(placeholder.findall(string)) <= wanted, (message.id, string)
            for term in terms:
                if re.search(rf"\b{re.escape(term)}\b", ids[0]):
                    assert term in string, (term, message.id, string)


def test_the_catalogues_are_current_with_the_sources(tmp_path):
    """Every string marked in the code and templates is in the template catalogue
    (``make i18n-update`` after marking new strings)."""
    pot = tmp_path / "messages.pot"
    keywords = [
        *("-k", "_", "-k", "gettext", "-k", "ngettext:1,2", "-k", "lazy_gettext", "-k", "N_"),
        *("-k", "DomainError", "-k", "NotFound", "-k", "Forbidden", "-k", "Conflict"),
        *("-k", "ValidationFailed", "-k", "ValidationError"),
    ]
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", *keywords, "-o", str(pot), "."],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as fresh:
        extracted = {m.id for m in read_po(fresh) if m.id}
    known = {m.id for m in _catalogue("hi") if m.id}
    assert sorted(map(str, extracted - known)) == []


def test_the_app_starts_and_speaks_english_without_compiled_catalogues(tmp_path):
    """In a process of its own: Flask-Babel keeps loaded catalogues per process."""
    script = f"""
from flask import render_template
from suppliermatch.app import create_app
app = create_app({{
    "DATABASE_URL": "sqlite:///{tmp_path / "empty.db"}",
    "SECRET_KEY": "test",
    "BABEL_TRANSLATION_DIRECTORIES": "{tmp_path / "no-catalogues"}",
}})
with app.test_request_context("/", headers={{"Accept-Language": "hi"}}):
    print(render_template("accounts/forgot_password.html", errors={{}}, form={{}}))
"""
    env = {**os.environ, "SUPPLIERMATCH_INSTANCE_DIR": str(tmp_path / "instance")}
    shown = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert shown.returncode == 0, shown.stderr
    assert "Forgot your password?" in shown.stdout and 'lang="hi"' in shown.stdout
