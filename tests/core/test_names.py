"""Names across scripts and romanisations."""

from __future__ import annotations

import pytest

from core.people.search import romanize, search

PEOPLE = [
    (1, "이서연"),
    (2, "Seo-yeon Lee"),
    (3, "김민준"),
    (4, "Park Ji-hoon"),
    (5, "Rhee Seoyeon"),
    (6, "Anna de Vries"),
    (7, "Émilie Dupré"),
    (8, "<b>Kim & Lee</b>"),
]


def test_romanize():
    assert romanize("김민준") == "gimminjun"
    assert romanize("이서연") == "iseoyeon"
    assert romanize("Anna") == "Anna"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lee Seoyeon", {1, 2, 5}),
        ("Yi Seo-yeon", {1, 2, 5}),
        ("이서연", {1, 2, 5}),
        ("Seoyeon Rhee", {1, 2, 5}),
        ("Kim Minjun", {3}),
        ("Minjun Kim", {3}),
        ("김민준", {3}),
        ("Jihoon Park", {4}),
        ("박지훈", {4}),
        ("emilie dupre", {7}),
        ("anna de vries", {6}),
    ],
)
def test_search_finds_every_spelling(query, expected):
    assert {pid for pid, _name, _score in search(query, PEOPLE)} == expected


@pytest.mark.parametrize("query", ["", "   ", "🙂", "x" * 5000, "Nobody Here"])
def test_search_is_safe_with_hostile_queries(query):
    assert search(query, PEOPLE) == []
