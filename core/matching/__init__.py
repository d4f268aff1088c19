"""Partner matching: who each researcher should meet, how strongly, and why (pure, no I/O)."""

from core.matching.engine import (
    MatchIndex,
    MatchPreferences,
    MatchProfile,
    Reason,
    Suggestion,
    organisation_key,
)
from core.matching.evaluation import (
    GAINS,
    Judgement,
    evaluate,
    ideal_baseline,
    ndcg_at_k,
    precision_at_k,
    random_baseline,
)
from core.people.profile import Publication

__all__ = [
    "GAINS",
    "Judgement",
    "MatchIndex",
    "MatchPreferences",
    "MatchProfile",
    "Publication",
    "Reason",
    "Suggestion",
    "evaluate",
    "ideal_baseline",
    "ndcg_at_k",
    "organisation_key",
    "precision_at_k",
    "random_baseline",
]
