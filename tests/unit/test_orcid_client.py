"""The ORCID client over httpx.MockTransport: the record's URL and JSON, one retry, and every
failure as one reason (never the network)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from bot.orcid import HttpOrcidRecords
from core.people.orcid import OrcidUnavailable

RECORD = (
    Path(__file__).resolve().parents[1] / "data" / "imports" / "orcid-record.json"
).read_bytes()
ORCID = "0000-0002-1825-0097"


def client(*answers: httpx.Response | Exception) -> tuple[HttpOrcidRecords, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return HttpOrcidRecords(httpx.MockTransport(handle)), seen


async def test_the_public_record_as_json():
    records, seen = client(httpx.Response(200, content=RECORD))
    record = await records.record(ORCID)
    assert isinstance(record, dict) and record["orcid-identifier"]["path"] == ORCID
    assert str(seen[0].url) == f"https://pub.orcid.org/v3.0/{ORCID}/record"
    assert seen[0].headers["accept"] == "application/json"


async def test_one_retry_after_a_timeout():
    records, seen = client(httpx.ReadTimeout("slow"), httpx.Response(200, content=RECORD))
    assert isinstance(await records.record(ORCID), dict)
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("answers", "reason", "requests"),
    [
        ((httpx.Response(404, json={"error-code": 9016}),), "not_found", 1),
        ((httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow")), "unreachable", 2),
        ((httpx.ConnectError("offline"), httpx.Response(503)), "unreachable", 2),
        ((httpx.Response(200, content=b"<html>maintenance</html>"),), "malformed", 1),
        ((httpx.Response(403),), "unreachable", 1),
    ],
)
async def test_failures_have_one_reason(answers, reason, requests):
    records, seen = client(*answers)
    with pytest.raises(OrcidUnavailable) as caught:
        await records.record(ORCID)
    assert caught.value.params["reason"] == reason
    assert len(seen) == requests


def test_the_fixture_is_valid_json():
    assert json.loads(RECORD)["person"]["name"]["family-name"]["value"] == "Kim"
