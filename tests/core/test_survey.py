"""The survey model: every answer is checked before it is stored, and results add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.feedback.survey import (
    Option,
    Question,
    QuestionSummary,
    Survey,
    summarise,
)
from core.reference.errors import InvalidAnswer

OPENS = datetime(2025, 4, 11, 15, 0, tzinfo=UTC)
CLOSES = datetime(2025, 4, 25, 21, 59, tzinfo=UTC)

RATING = Question("overall", "rating", "Overall?", "전반적으로?")
OPTIONAL_RATING = Question("useful", "rating", "Useful?", "유용?", required=False)
SINGLE = Question(
    "next",
    "single",
    "Next year?",
    "내년에도?",
    options=(
        Option("yes", "Yes", "네"),
        Option("maybe", "Maybe", "글쎄요"),
        Option("no", "No", "아니요"),
    ),
)
MULTI = Question(
    "parts",
    "multi",
    "Which parts?",
    "어떤 프로그램?",
    options=(
        Option("sessions", "Sessions", "세션"),
        Option("matchmaking", "Matchmaking", "매칭"),
        Option("visit", "Study visit", "방문"),
    ),
)
OPTIONAL_MULTI = Question(
    "support",
    "multi",
    "Support?",
    "지원?",
    options=(Option("workshops", "Workshops", "워크숍"), Option("grants", "Grants", "여비")),
    required=False,
)
TEXT = Question("ideas", "text", "Ideas?", "의견?", required=False, max_length=200)
SURVEY = Survey(OPENS, CLOSES, (RATING, SINGLE, MULTI, TEXT))


def refused(question: Question, raw: Any) -> dict[str, Any]:
    """The params of the InvalidAnswer that raw must raise."""
    with pytest.raises(InvalidAnswer) as caught:
        question.parse(raw)
    assert caught.value.params["question"] == question.key
    return caught.value.params


# --- wording ------------------------------------------------------------------------------------


def test_text_and_labels_follow_the_reader_language() -> None:
    assert SINGLE.text("ko") == "내년에도?"
    assert SINGLE.text("en") == "Next year?"
    assert SINGLE.text("de") == "Next year?"  # anything but Korean reads English
    assert SINGLE.option_label("maybe", "ko") == "글쎄요"
    assert SINGLE.option_label("maybe", "en") == "Maybe"
    # An option removed from the file after someone chose it still shows, as its key.
    assert SINGLE.option_label("later", "en") == "later"


# --- rating -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("1", 1), ("5", 5), (" 3 ", 3), ("04", 4)])
def test_rating_accepts_whole_numbers_one_to_five(raw: str, value: int) -> None:
    assert RATING.parse(raw) == value
    assert type(RATING.parse(raw)) is int


@pytest.mark.parametrize(
    "raw",
    ["6", "0", "-1", "abc", "", "  ", "3.0", "2.5", "1e0", "+3", "٣", "３", "5️⃣", "1 2", "9" * 5000],
)
def test_rating_refuses_anything_else(raw: str) -> None:
    assert refused(RATING, raw)["reason"] == "rating"


@pytest.mark.parametrize("raw", [["3"], [], 3, None, True])
def test_rating_refuses_values_that_are_not_typed_text(raw: Any) -> None:
    assert refused(RATING, raw)["reason"] == "rating"


@given(st.text(max_size=20))
def test_rating_never_stores_anything_outside_one_to_five(raw: str) -> None:
    try:
        value = RATING.parse(raw)
    except InvalidAnswer as exc:
        assert exc.params["reason"] == "rating"
    else:
        assert value in {1, 2, 3, 4, 5}


# --- single choice ------------------------------------------------------------------------------


def test_single_choice_stores_the_option_key() -> None:
    assert SINGLE.parse("maybe") == "maybe"


@pytest.mark.parametrize(
    "raw", ["MAYBE", "Maybe", "later", "", "yes,no", "yes\x00", "../no", ["yes"], ["yes", "no"]]
)
def test_single_choice_refuses_forged_or_unknown_keys(raw: Any) -> None:
    assert refused(SINGLE, raw)["reason"] == "option"


# --- multiple choice ----------------------------------------------------------------------------


def test_multi_choice_dedupes_and_keeps_the_question_order() -> None:
    assert MULTI.parse(["visit", "sessions", "visit"]) == ["sessions", "visit"]
    assert MULTI.parse(["matchmaking"]) == ["matchmaking"]
    assert MULTI.parse("visit") == ["visit"]  # one key on its own is one choice


@pytest.mark.parametrize("raw", [["sessions", "forged"], ["Sessions"], ["sessions", ""], [""]])
def test_multi_choice_refuses_a_list_with_any_unknown_key(raw: list[str]) -> None:
    assert refused(MULTI, raw)["reason"] == "option"


def test_multi_choice_refuses_items_that_are_not_keys() -> None:
    assert refused(MULTI, ["sessions", 1])["reason"] == "option"
    assert refused(MULTI, [["sessions"]])["reason"] == "option"


def test_no_choice_is_an_answer_only_when_the_question_is_optional() -> None:
    assert refused(MULTI, [])["reason"] == "required"
    assert OPTIONAL_MULTI.parse([]) == []


# --- free text ----------------------------------------------------------------------------------


def test_text_is_cleaned_before_it_is_stored() -> None:
    raw = "  More time\x00 per meeting \x07\r\nand a shared list of projects   "
    assert TEXT.parse(raw) == "More time per meeting\nand a shared list of projects"


def test_text_keeps_emoji_and_both_scripts() -> None:
    raw = "매칭 좋았어요 👍🏽 — more time please 🙏"
    assert TEXT.parse(raw) == raw


@pytest.mark.parametrize("raw", ["", "   ", "\n\t\n", "\x00\x01\x7f"])
def test_empty_text_is_refused(raw: str) -> None:
    assert refused(TEXT, raw)["reason"] == "empty"


def test_a_button_press_is_not_a_text_answer() -> None:
    assert refused(TEXT, ["ideas"])["reason"] == "empty"


def test_too_long_text_reports_the_limit_and_the_length() -> None:
    params = refused(TEXT, "x" * 5000)
    assert params == {"reason": "too_long", "question": "ideas", "limit": 200, "length": 5000}

    default = Question("ideas", "text", "Ideas?", "의견?")
    assert default.max_length == 1000
    assert refused(default, "가" * 5000)["length"] == 5000
    assert default.parse("가" * 1000) == "가" * 1000
    # Emoji count as characters, not bytes: 1000 of them fit.
    assert default.parse("🙂" * 1000) == "🙂" * 1000


# --- the survey ---------------------------------------------------------------------------------


def test_is_open_from_the_opening_minute_until_just_before_closing() -> None:
    assert not SURVEY.is_open(OPENS - timedelta(microseconds=1))
    assert SURVEY.is_open(OPENS)
    assert SURVEY.is_open(CLOSES - timedelta(microseconds=1))
    assert not SURVEY.is_open(CLOSES)
    assert not SURVEY.is_open(CLOSES + timedelta(days=1))


def test_times_are_kept_in_utc_whatever_offset_was_given() -> None:
    cest = timezone(timedelta(hours=2))
    survey = Survey(datetime(2025, 4, 11, 17, 0, tzinfo=cest), CLOSES, (RATING,))
    assert survey.opens_at == OPENS
    assert survey.opens_at.tzinfo is UTC
    assert survey.is_open(datetime(2025, 4, 11, 17, 0, tzinfo=cest))


def test_next_unanswered_resumes_at_the_first_gap_in_order() -> None:
    assert SURVEY.next_unanswered(set()) == RATING
    assert SURVEY.next_unanswered({"overall"}) == SINGLE
    assert SURVEY.next_unanswered({"overall", "parts"}) == SINGLE
    assert SURVEY.next_unanswered({"next", "parts", "ideas"}) == RATING
    assert SURVEY.next_unanswered(["overall", "next", "parts", "ideas"]) is None
    assert SURVEY.next_unanswered({"overall", "next", "parts", "ideas", "gone"}) is None


def test_question_finds_by_key_and_refuses_forged_keys() -> None:
    assert SURVEY.question("parts") == MULTI
    assert SURVEY.question("Parts") is None
    assert SURVEY.question("") is None


# --- summary ------------------------------------------------------------------------------------


def by_key(summaries: list[QuestionSummary]) -> dict[str, QuestionSummary]:
    return {s.question.key: s for s in summaries}


def test_summarise_counts_means_and_texts() -> None:
    answers: list[tuple[str, object]] = [
        ("overall", 5),
        ("overall", 4),
        ("overall", 4),
        ("overall", 2),
        ("next", "yes"),
        ("next", "yes"),
        ("next", "no"),
        ("parts", ["sessions", "matchmaking"]),
        ("parts", ["matchmaking"]),
        ("ideas", "Longer slots"),
        ("ideas", "매칭 시간을 늘려 주세요"),
        ("unknown", "ignored"),
    ]

    summaries = summarise(SURVEY, answers)

    assert [s.question.key for s in summaries] == ["overall", "next", "parts", "ideas"]
    got = by_key(summaries)
    assert got["overall"].answered == 4
    assert got["overall"].counts == {"1": 0, "2": 1, "3": 0, "4": 2, "5": 1}
    assert list(got["overall"].counts) == ["1", "2", "3", "4", "5"]
    assert got["overall"].mean == pytest.approx(3.75)
    assert got["overall"].texts == ()
    assert got["next"].answered == 3
    assert got["next"].counts == {"yes": 2, "maybe": 0, "no": 1}
    assert got["next"].mean is None
    assert got["parts"].answered == 2
    assert got["parts"].counts == {"sessions": 1, "matchmaking": 2, "visit": 0}
    assert got["ideas"].answered == 2
    assert got["ideas"].counts == {}
    assert got["ideas"].texts == ("Longer slots", "매칭 시간을 늘려 주세요")
    assert got["ideas"].mean is None


def test_summarise_with_no_answers_gives_zero_counts_and_no_mean() -> None:
    got = by_key(summarise(SURVEY, []))

    assert got["overall"].answered == 0
    assert got["overall"].mean is None
    assert got["overall"].counts == dict.fromkeys("12345", 0)
    assert got["next"].counts == {"yes": 0, "maybe": 0, "no": 0}
    assert got["ideas"].texts == ()


def test_summarise_skips_values_that_no_longer_fit_their_question() -> None:
    answers: list[tuple[str, object]] = [
        ("overall", 9),
        ("overall", True),
        ("overall", "3"),  # a rating stored as text still counts
        ("next", "later"),  # an option removed from the file since
        ("next", 1),
        ("parts", ["visit", "removed"]),  # the known choice still counts
        ("parts", "visit"),
        ("ideas", "   "),
        ("ideas", None),
    ]

    got = by_key(summarise(SURVEY, answers))

    assert got["overall"].answered == 1
    assert got["overall"].mean == 3.0
    assert got["next"].answered == 0
    assert got["parts"].answered == 1
    assert got["parts"].counts == {"sessions": 0, "matchmaking": 0, "visit": 1}
    assert got["ideas"].answered == 0


def test_an_empty_optional_multi_answer_counts_as_answered_with_no_choice() -> None:
    survey = Survey(OPENS, CLOSES, (OPTIONAL_MULTI, OPTIONAL_RATING))
    got = by_key(summarise(survey, [("support", []), ("support", ["grants"])]))

    assert got["support"].answered == 2
    assert got["support"].counts == {"workshops": 0, "grants": 1}
    assert got["useful"].answered == 0


def test_parsed_answers_summarise_as_they_were_given() -> None:
    answers = [
        ("overall", RATING.parse("4")),
        ("next", SINGLE.parse("maybe")),
        ("parts", MULTI.parse(["visit", "sessions"])),
        ("ideas", TEXT.parse(" Shared testbeds ")),
    ]
    got = by_key(summarise(SURVEY, answers))

    assert got["overall"].counts["4"] == 1
    assert got["next"].counts["maybe"] == 1
    assert got["parts"].counts == {"sessions": 1, "matchmaking": 0, "visit": 1}
    assert got["ideas"].texts == ("Shared testbeds",)


# --- model rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Option("Yes", "Yes", "네"), "option key"),
        (lambda: Option("x" * 25, "Yes", "네"), "option key"),
        (lambda: Option("yes", "Yes", " "), "ko: must not be empty"),
        (lambda: Question("q", "choice", "Q", "질문"), "kind: must be one of"),  # type: ignore[arg-type]
        (
            lambda: Question("q", "single", "Q", "질문", options=(Option("a", "A", "가"),)),
            "2 to 12",
        ),
        (
            lambda: Question(
                "q",
                "multi",
                "Q",
                "질문",
                options=tuple(Option(f"o{i}", "O", "오") for i in range(13)),
            ),
            "2 to 12",
        ),
        (
            lambda: Question(
                "q", "single", "Q", "질문", options=(Option("a", "A", "가"), Option("a", "B", "나"))
            ),
            "unique",
        ),
        (
            lambda: Question("q", "rating", "Q", "질문", options=(Option("a", "A", "가"),) * 2),
            "no options",
        ),
        (lambda: Question("q", "text", "Q", "질문", max_length=0), "max_length"),
        (lambda: Question("bad key", "text", "Q", "질문"), "question key"),
        (lambda: Survey(OPENS, OPENS, (RATING,)), "after"),
        (lambda: Survey(OPENS, CLOSES, ()), "at least one"),
        (lambda: Survey(OPENS, CLOSES, (RATING, RATING)), "unique"),
        (lambda: Survey(datetime(2025, 4, 11, 17), CLOSES, (RATING,)), "timezone-aware"),
    ],
)
def test_the_model_refuses_surveys_nobody_could_answer(build: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()
