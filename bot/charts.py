"""PNG charts for /stats (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

from core.feedback.stats import Stats
from core.feedback.survey_flow import Results


def render_charts(stats: Stats, timezone: str) -> list[tuple[str, bytes]]:
    """Meetings per slot, requests per day, and topics in demand versus on offer."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    zone = ZoneInfo(timezone)
    charts: list[tuple[str, bytes]] = []

    def save(fig: object, name: str) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")  # type: ignore[attr-defined]
        plt.close(fig)  # type: ignore[arg-type]
        charts.append((name, buffer.getvalue()))

    fig, ax = plt.subplots(figsize=(8, 3.5))
    labels = [f"{t.astimezone(zone):%d %b %H:%M}" for t, _ in stats.meetings_per_slot]
    ax.bar(range(len(labels)), [n for _, n in stats.meetings_per_slot], color="#2a6f97")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_title("Meetings per slot")
    ax.set_ylabel("meetings")
    if not labels:
        ax.text(0.5, 0.5, "no meetings yet", ha="center", va="center", transform=ax.transAxes)
    save(fig, "meetings-per-slot.png")

    fig, ax = plt.subplots(figsize=(8, 3.5))
    days = [f"{d:%d %b}" for d, _ in stats.requests_per_day]
    ax.bar(range(len(days)), [n for _, n in stats.requests_per_day], color="#61a5c2")
    ax.set_xticks(range(len(days)), days, fontsize=8)
    ax.set_title("Meeting requests per day")
    if not days:
        ax.text(0.5, 0.5, "no requests yet", ha="center", va="center", transform=ax.transAxes)
    save(fig, "requests-per-day.png")

    fig, ax = plt.subplots(figsize=(8, 4))
    names = [n for n, _ in stats.topics_demand]
    ys = list(range(len(names)))
    ax.barh(
        [y + 0.2 for y in ys],
        [n for _, n in stats.topics_demand],
        height=0.4,
        label="sought",
        color="#ee6c4d",
    )
    ax.barh(
        [y - 0.2 for y in ys],
        [n for _, n in stats.topics_offer],
        height=0.4,
        label="offered",
        color="#3d5a80",
    )
    ax.set_yticks(ys, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_title("Topics in demand versus on offer")
    ax.legend(loc="lower right")
    if not names:
        ax.text(0.5, 0.5, "no topics yet", ha="center", va="center", transform=ax.transAxes)
    save(fig, "topics.png")
    return charts


def render_survey_charts(results: Results, language: str = "en") -> list[tuple[str, bytes]]:
    """One bar chart per rating or choice question (text answers are exported, not charted)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    charts: list[tuple[str, bytes]] = []
    for summary in results.summaries:
        question = summary.question
        if question.kind == "text":
            continue
        labels = (
            [f"{k}★" for k in summary.counts]
            if question.kind == "rating"
            else [question.option_label(k, language) for k in summary.counts]
        )
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(labels) + 1.5))
        ax.barh(range(len(labels)), list(summary.counts.values()), color="#2a6f97")
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()
        title = question.en if len(question.en) <= 70 else question.en[:67] + "…"
        if summary.mean is not None:
            title += f"  (mean {summary.mean:.2f})"
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(f"answers: {summary.answered}")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        charts.append((f"survey-{question.key}.png", buffer.getvalue()))
    return charts
