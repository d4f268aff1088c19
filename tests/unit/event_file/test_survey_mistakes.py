"""Mistakes in the survey: each field checked, with its line, and nothing loaded."""

from __future__ import annotations

from pathlib import Path

from tests.unit.event_file.helpers import (
    EXAMPLE,
    MINIMAL,
    SURVEY,
    WITH_SURVEY,
    errors_of,
    line_of,
)


def test_survey_closing_before_it_opens_points_at_closes() -> None:
    text = WITH_SURVEY.replace("closes = 2025-04-24T23:59:00", "closes = 2025-04-10T17:00:00")

    assert errors_of(text) == [
        f"line {line_of(text, 'closes =')}: survey.closes: must be after opens (2025-04-10 17:00)"
    ]


def test_survey_options_must_fit_the_kind_of_question() -> None:
    one_option = WITH_SURVEY.replace('    { key = "no", en = "No", ko = "아니요" },\n', "")
    assert errors_of(one_option) == [
        f"line {line_of(one_option, 'options = [')}: survey.questions[1].options: "
        "single needs 2 to 12 options"
    ]

    thirteen = ", ".join(f'{{ key = "o{i}", en = "O", ko = "오" }}' for i in range(13))
    crowded = WITH_SURVEY.replace('kind = "single"', 'kind = "multi"').replace(
        'options = [\n    { key = "yes", en = "Yes", ko = "네" },\n', f"options = [{thirteen},\n"
    )
    assert errors_of(crowded) == [
        f"line {line_of(crowded, 'options = [')}: survey.questions[1].options: "
        "multi needs 2 to 12 options"
    ]

    missing = WITH_SURVEY.replace("options = [", "choices = [")
    assert errors_of(missing) == [
        f"line {line_of(missing, '[[survey.questions]]', 2)}: survey.questions[1].options: "
        "single needs 2 to 12 options",
        f"line {line_of(missing, 'choices')}: survey.questions[1].choices: "
        "unknown key: remove it or check its spelling",
    ]

    rated = WITH_SURVEY.replace(
        'kind = "rating"', 'kind = "rating"\noptions = [{ key = "a", en = "A", ko = "가" }]'
    ).replace(
        "max_length = 500", 'max_length = 500\noptions = [{ key = "a", en = "A", ko = "가" }]'
    )
    assert errors_of(rated) == [
        f"line {line_of(rated, 'options =')}: survey.questions[0].options: rating questions have "
        "no options (people rate 1 to 5): remove it",
        f"line {line_of(rated, 'options =', 3)}: survey.questions[2].options: text questions "
        "have no options (people type their answer): remove it",
    ]

    limited = WITH_SURVEY.replace('kind = "rating"', 'kind = "rating"\nmax_length = 10')
    assert errors_of(limited) == [
        f"line {line_of(limited, 'max_length = 10')}: survey.questions[0].max_length: "
        "only text questions have a max_length: remove it"
    ]


def test_survey_fields_are_checked_one_by_one_in_file_order() -> None:
    text = (
        WITH_SURVEY.replace("opens = 2025-04-10T17:00:00", "opens = 2025-04-10T17:00:00Z")
        .replace('key = "next"', 'key = "overall"')
        .replace('kind = "single"', 'kind = "single"\nrequird = false')
        .replace('ko = "아니요"', 'ko = "  "')
        .replace('{ key = "yes"', '{ key = "Yes!"')
        .replace('kind = "text"', 'kind = "essay"')
        .replace("max_length = 500", "max_length = 5000")
    )

    first, second = line_of(text, 'key = "overall"'), line_of(text, 'key = "overall"', 2)
    blank = line_of(text, 'ko = "  "')
    assert errors_of(text) == [
        f"line {line_of(text, 'opens =')}: survey.opens: write the local time of the event "
        "without an offset or Z, e.g. 2025-04-10T09:00:00",
        f"line {second}: survey.questions[1].key: duplicate "
        f'question key "overall": already used by survey.questions[0] (line {first})',
        f"line {line_of(text, 'requird')}: survey.questions[1].requird: unknown key "
        "(did you mean required?): remove it or check its spelling",
        f"line {line_of(text, 'Yes!')}: survey.questions[1].options[0].key: must be 1-24 "
        'characters from a-z, 0-9 and "-" (got "Yes!")',
        f"line {blank}: survey.questions[1].options[1].ko: must not be empty",
        f"line {line_of(text, 'essay')}: survey.questions[2].kind: must be one of "
        '"rating", "single", "multi", "text" (got "essay")',
        f"line {line_of(text, 'max_length')}: survey.questions[2].max_length: "
        "must be between 1 and 4000 (got 5000)",
    ]


def test_survey_structure_mistakes_are_explained() -> None:
    no_questions = MINIMAL + SURVEY[: SURVEY.index("[[survey.questions]]")]
    assert errors_of(no_questions) == [
        f"line {line_of(no_questions, '[survey]')}: survey.questions: required key is missing"
    ]

    empty = no_questions + "questions = []\n"
    assert errors_of(empty) == [
        f"line {line_of(empty, 'questions = []')}: survey.questions: must have at least one "
        "question: add [[survey.questions]] tables"
    ]

    listed = WITH_SURVEY.replace("[survey]", "[[survey]]").replace("[[survey.questions]]", "")
    listed = listed[: listed.index('key = "overall"')]
    assert errors_of(listed) == [
        f"line {line_of(listed, '[[survey]]')}: survey: must be a table: write [survey] once, "
        "then [[survey.questions]] for each question"
    ]

    misspelt = MINIMAL + "\n[servey]\nopens = 2025-04-10T17:00:00\n"
    [message] = errors_of(misspelt)
    assert message.startswith(
        f"line {line_of(misspelt, '[servey]')}: servey: unknown table (did you mean survey?)"
    )

    typo = WITH_SURVEY.replace("closes =", "closing =")
    assert errors_of(typo) == [
        f"line {line_of(typo, '[survey]')}: survey.closes: required key is missing",
        f"line {line_of(typo, 'closing')}: survey.closing: unknown key (did you mean closes?): "
        "remove it or check its spelling",
    ]


def test_survey_times_that_daylight_saving_skips_are_refused() -> None:
    text = WITH_SURVEY.replace("opens = 2025-04-10T17:00:00", "opens = 2025-03-30T02:30:00")

    assert errors_of(text) == [
        f"line {line_of(text, 'opens =')}: survey.opens: 2025-03-30 02:30 does not exist "
        "in Europe/Brussels (the clocks jump forward)"
    ]


def test_a_malformed_survey_changes_nothing_in_the_database(tmp_path: Path, monkeypatch, capsys):
    import sqlite3

    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    db = tmp_path / "bot.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n', encoding="utf-8")

    def stored() -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT key, active FROM slots ORDER BY key").fetchall()

    assert main(["--config", str(config), "event", "load", str(EXAMPLE)]) == 0
    before = stored()
    capsys.readouterr()
    bad = EXAMPLE.read_text(encoding="utf-8").replace('kind = "single"', 'kind = "choice"')
    bad = bad.replace("tables = 15", "tables = 20")  # a change that must not be applied
    broken = tmp_path / "broken.toml"
    broken.write_text(bad, encoding="utf-8")

    assert main(["--config", str(config), "event", "load", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err
    assert f"line {line_of(bad, 'choice')}: survey.questions[3].kind: " in err
    assert stored() == before
