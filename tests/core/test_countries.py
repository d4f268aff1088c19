"""Unit tests for country resolution: aliases, typos, codes and junk input."""

import json
from importlib.resources import files

import pytest

from core.reference.countries import (
    COMMON_COUNTRY_CODES,
    Country,
    all_countries,
    country_by_code,
    delegation,
    resolve_country,
)

EU_27 = {
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
}


def _code(text: str) -> str | None:
    country = resolve_country(text)
    return country.code if country else None


@pytest.mark.parametrize(
    "text",
    [
        "Korea",
        "South Korea",
        "Republic of Korea",
        "ROK",
        "대한민국",
        "한국",
        "남한",
        "KR",
        "kr",
        "KOR",
        "  korea  ",
        "KOREA",
        "Korea, Republic of",
        "S. Korea",
        "Rep. of Korea",
    ],
)
def test_korea_aliases_resolve_to_kr(text: str) -> None:
    assert _code(text) == "KR"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Netherlands", "NL"),
        ("The Netherlands", "NL"),
        ("the netherlands", "NL"),
        ("Holland", "NL"),
        ("Nederland", "NL"),
        ("네덜란드", "NL"),
        ("NLD", "NL"),
        ("nl", "NL"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("독일", "DE"),
        ("DEU", "DE"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Česko", "CZ"),
        ("Cesko", "CZ"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("영국", "GB"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("Suomi", "FI"),
        ("Polska", "PL"),
        ("España", "ES"),
        ("Italia", "IT"),
        ("Belgique", "BE"),
        ("日本", "JP"),
        ("Turkey", "TR"),
    ],
)
def test_names_aliases_and_codes(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Germny", "DE"),
        ("Netherland", "NL"),
        ("south korae", "KR"),
        ("Swizerland", "CH"),
        ("Belgum", "BE"),
        ("Finnland", "FI"),
        ("Deutchland", "DE"),
        ("네델란드", "NL"),
    ],
)
def test_typos_resolve(text: str, code: str) -> None:
    assert _code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "xyz",
        "asdfgh",
        "quantum",
        "physics",
        "KAIST",
        "Europe",
        "😀🎉",
        "🇰🇷",
        "!!!",
        "x" * 5000,
        "Korea " * 1000,
    ],
)
def test_nonsense_resolves_to_none(text: str) -> None:
    assert resolve_country(text) is None


def test_huge_input_resolves_to_none() -> None:
    """Its speed is printed by `python -m benchmarks.reference_lookups`."""
    assert resolve_country("ab🙂" * 2000) is None


def test_korea_never_means_north_korea() -> None:
    assert _code("Korea") == "KR"
    assert country_by_code("KP") is None


def test_country_by_code_is_case_insensitive() -> None:
    assert country_by_code("kr") == Country("KR", "South Korea", "대한민국", eu=False)
    assert country_by_code(" nl ") is not None
    assert country_by_code("ZZ") is None


def test_delegation() -> None:
    assert delegation("KR") == "KR"
    assert delegation("kr") == "KR"
    assert delegation("DE") == "EU"
    assert delegation("nl") == "EU"
    assert delegation("CH") == "OTHER"
    assert delegation("GB") == "OTHER"
    assert delegation("US") == "OTHER"
    assert delegation("ZZ") == "OTHER"
    assert delegation("") == "OTHER"
    assert delegation(None) == "OTHER"


def test_eu_membership_is_exactly_the_27() -> None:
    assert {c.code for c in all_countries() if c.eu} == EU_27


def test_required_countries_present() -> None:
    codes = {c.code for c in all_countries()}
    required = {
        "KR",
        "US",
        "GB",
        "CH",
        "NO",
        "IS",
        "IL",
        "JP",
        "CN",
        "TW",
        "SG",
        "IN",
        "CA",
        "AU",
        "UA",
        "TR",
        "RS",
    }
    assert required | EU_27 <= codes
    assert len(codes) == len(all_countries()) >= 60


def test_every_country_has_korean_name() -> None:
    for country in all_countries():
        assert any("\uac00" <= ch <= "\ud7a3" for ch in country.name_ko), country.code
        assert country.name_en


def test_every_country_resolves_by_its_names_and_code() -> None:
    for country in all_countries():
        assert resolve_country(country.name_en) == country
        assert resolve_country(country.name_ko) == country
        assert resolve_country(country.code.lower()) == country


def test_every_alias_resolves_to_its_own_country() -> None:
    data = json.loads(
        files("core.reference.data").joinpath("countries.json").read_text(encoding="utf-8")
    )
    for item in data["countries"]:
        for alias in [item["alpha3"], *item["aliases"]]:
            assert _code(alias) == item["code"], alias


def test_common_codes() -> None:
    assert COMMON_COUNTRY_CODES[0] == "KR"
    assert COMMON_COUNTRY_CODES[-2:] == ("CH", "GB")
    assert len(set(COMMON_COUNTRY_CODES)) == len(COMMON_COUNTRY_CODES)
    for code in COMMON_COUNTRY_CODES:
        country = country_by_code(code)
        assert country is not None
        assert resolve_country(code) == country
    assert all(delegation(code) in {"KR", "EU"} for code in COMMON_COUNTRY_CODES[:-2])
