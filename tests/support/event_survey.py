"""The four-question event survey flow tests open, answer and purge."""

from __future__ import annotations

from datetime import UTC, datetime

from core.feedback.survey import Option, Question, Survey

OPENS = datetime(2025, 4, 11, 15, 0, tzinfo=UTC)
CLOSES = datetime(2025, 4, 25, 21, 59, tzinfo=UTC)
SURVEY = Survey(
    OPENS,
    CLOSES,
    (
        Question(
            "overall",
            "rating",
            "How useful was the forum overall?",
            "포럼은 전반적으로 얼마나 유익했나요?",
        ),
        Question(
            "parts",
            "multi",
            "Which parts did you join?",
            "어느 프로그램에 참여하셨나요?",
            options=(
                Option("sessions", "Thematic sessions", "주제별 세션"),
                Option("matchmaking", "1:1 matchmaking", "1:1 매칭"),
            ),
        ),
        Question(
            "again",
            "single",
            "Would you join next year?",
            "내년에도 참여하시겠어요?",
            options=(Option("yes", "Yes", "네"), Option("no", "No", "아니요")),
        ),
        Question(
            "better",
            "text",
            "What would make matchmaking better?",
            "매칭을 더 낫게 하려면 무엇이 필요할까요?",
            required=False,
            max_length=300,
        ),
    ),
)
