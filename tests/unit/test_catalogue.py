"""Every message id exists in English and Korean with the same placeholders, and renders."""

from __future__ import annotations

import re
from pathlib import Path

from handlers.i18n import LANGUAGES, Safe, Translator, catalogue, placeholders

ROOT = Path(__file__).resolve().parents[2]


def _texts(entry):
    return entry.values() if isinstance(entry, dict) else [entry]


def test_both_catalogues_have_the_same_ids_and_placeholders():
    en, ko = catalogue("en"), catalogue("ko")
    assert set(en) == set(ko), f"only in en: {set(en) - set(ko)}; only in ko: {set(ko) - set(en)}"
    for key in en:
        en_names = set().union(*(placeholders(t) for t in _texts(en[key])))
        ko_names = set().union(*(placeholders(t) for t in _texts(ko[key])))
        assert en_names == ko_names, key


def test_korean_is_really_korean():
    """Any Korean entry with words in it (beyond placeholders, tags and names) has Hangul."""
    ko = catalogue("ko")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    strip = re.compile(r"\{[a-z_]+\}|<[^>]+>|/[a-z_]+|EU|English|Language|ID")
    untranslated = [
        k
        for k, v in ko.items()
        if any(
            re.search(r"[A-Za-z]{2,}", strip.sub("", t)) and not hangul.search(t) for t in _texts(v)
        )
    ]
    assert untranslated == []


def test_every_id_used_in_code_exists():
    """Literal ids in t("…") calls across handlers/ and bot/ are all in the catalogue."""
    en = catalogue("en")
    used: set[str] = set()
    for folder in ("handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    missing = sorted(k for k in used if k not in en)
    assert missing == []
    assert len(used) > 20


def test_params_are_escaped_and_safe_html_is_kept():
    t = Translator("en")
    text = t("help.unknown_command", command="<b>&")
    assert text.startswith("I don't know the command &lt;b&gt;&amp;")
    assert t("answer.saved", field=Safe("<i>x</i>")).startswith("✓ <i>x</i>")


def test_numbers_and_dates_follow_the_locale():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2025, 4, 10, 12, 30, tzinfo=UTC)
    brussels = ZoneInfo("Europe/Brussels")
    assert Translator("en").when(moment, brussels) == "Thu 10 Apr 14:30"
    assert Translator("ko").when(moment, brussels) == "4월 10일 (목) 14:30"
    assert Translator("en")("invalid.too_long", length=5000, limit=500).startswith(
        "That is 5,000 characters"
    )


def test_all_languages_load():
    for lang in LANGUAGES:
        assert len(catalogue(lang)) > 50


def test_korean_particles_follow_the_word():
    t = Translator("ko")
    assert "<b>개회식</b>이 " in t("agenda.moved", title="개회식", when="x", room="본회의장")
    moved = t("agenda.moved", title="개회식", when="x", room="본회의장")
    assert "본회의장으로 바뀌었습니다" in moved
    assert "<b>세미나</b>가 취소" in t("agenda.cancelled", title="세미나")
    assert "2층 홀로 바뀌었습니다" in t("agenda.moved", title="x", when="x", room="2층 홀")
    assert "<i>협력 가능성 있음</i>으로" in t("outcomes.thanks", answer="협력 가능성 있음")
    assert "&lt;b&gt;" in t("agenda.cancelled", title="<b>")  # still escaped
