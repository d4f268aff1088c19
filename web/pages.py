"""The desk's read-only pages: Now, the meeting grid and its printable sheets, attendees, and
the tables of requests, consultations, sessions, survey results and broadcasts."""

from __future__ import annotations

from starlette.responses import Response

from core.desk.boards import Attendee
from core.feedback.exports import KINDS
from core.people.profile import CAREER_STAGES, SECTORS
from web.context import Page


async def now_page(page: Page) -> Response:
    """/stats figures (refreshed by /static/desk.js) and the three charts."""
    return page.render("now.html", figures=await figures_html(page))


async def figures_html(page: Page) -> str:
    """The /stats text as HTML, in the reader's language (the same catalogue entry)."""
    overview = await page.services.feedback.stats(page.organiser, now=page.services.clock.now())
    return page.t.block("stats.text", **overview.figures())


async def figures(page: Page) -> Response:
    """The figures alone, for the Now page's refresh."""
    return Response(await figures_html(page), media_type="text/html; charset=utf-8")


async def chart(page: Page) -> Response:
    """One /stats chart as PNG, rendered now."""
    name = page.request.path_params["name"]
    overview = await page.services.feedback.stats(page.organiser, now=page.services.clock.now())
    for filename, png in page.services.charts(overview.stats, page.services.event_timezone.key):
        if filename == name:
            return Response(png, media_type="image/png")
    return page.render("missing.html", 404)


async def grid(page: Page) -> Response:
    """A round's meeting grid: slots across, tables down, the current slot highlighted."""
    desk = page.shared.desk
    board = await desk.grid(
        page.organiser, page.request.query_params.get("round"), now=page.services.clock.now()
    )
    refs = {
        who.telegram_id: desk.reference(who.telegram_id)
        for cell in board.cells.values()
        for who in cell.people
    }
    return page.render("grid.html", grid=board, refs=refs)


async def table_sheet(page: Page) -> Response:
    """The sheet placed on one table: who meets there, slot by slot (one A4 page)."""
    board = await page.shared.desk.grid(
        page.organiser, page.request.path_params["round"], now=page.services.clock.now()
    )
    table = int(page.request.path_params["table"])
    if table not in board.tables:
        return page.render("missing.html", 404)
    return page.render("table_sheet.html", grid=board, table=table)


async def all_sheets(page: Page) -> Response:
    """Every table's sheet of a round, one A4 page each, to print in one go."""
    board = await page.shared.desk.grid(
        page.organiser, page.request.path_params["round"], now=page.services.clock.now()
    )
    return page.render("table_sheets.html", grid=board)


async def person_day(page: Page) -> Response:
    """One person's day to print: meetings with table, consultations, sessions (one A4 page)."""
    desk = page.shared.desk
    person = await desk.person_by_reference(page.organiser, page.request.path_params["ref"])
    who, items = await desk.day(page.organiser, person, now=page.services.clock.now())
    return page.render("person_day.html", who=who, items=items)


async def attendees(page: Page) -> Response:
    """The attendee list with filters; a name search is POSTed so names stay out of URLs."""
    params = page.request.query_params
    query = ""
    if page.request.method == "POST":
        form = await page.form()
        query = form.get("q", "")[:100]
        filters = {k: form.get(k, "") for k in ("delegation", "sector", "complete")}
    else:
        filters = {k: params.get(k, "") for k in ("delegation", "sector", "complete")}
    rows: list[Attendee] = await page.shared.desk.attendees(
        page.organiser,
        query=query,
        delegation=filters["delegation"],
        sector=filters["sector"],
        complete=filters["complete"],
    )
    refs = {r.who.telegram_id: page.shared.desk.reference(r.who.telegram_id) for r in rows}
    return page.render(
        "attendees.html",
        rows=rows,
        refs=refs,
        query=query,
        filters=filters,
        sectors=SECTORS,
        stages=CAREER_STAGES,
    )


async def person(page: Page) -> Response:
    """A person's page: their profile as organisers may see it, and their day."""
    desk = page.shared.desk
    ref = page.request.path_params["ref"]
    telegram_id = await desk.person_by_reference(page.organiser, ref)
    rows = await desk.attendees(page.organiser)
    found = next((r for r in rows if r.who.telegram_id == telegram_id), None)
    who, items = await desk.day(page.organiser, telegram_id, now=page.services.clock.now())
    return page.render("person.html", row=found, who=who, items=items, ref=ref)


async def meeting(page: Page) -> Response:
    """One meeting, with its two actions (no-show once started, cancel before it starts)."""
    meeting_id = int(page.request.path_params["meeting_id"])
    now = page.services.clock.now()
    cell, slot = await page.shared.desk.meeting(page.organiser, meeting_id, now=now)
    return page.render(
        "meeting.html",
        cell=cell,
        slot=slot,
        may_no_show=cell.state in ("booked", "held") and slot.starts_at <= now,
        may_cancel=cell.state == "booked" and slot.starts_at > now,
        done=page.request.query_params.get("done", ""),
    )


async def requests(page: Page) -> Response:
    """Meeting requests, then the meetings table (the export's rows)."""
    rows = await page.shared.desk.requests(page.organiser, now=page.services.clock.now())
    header, meetings = await page.services.feedback.export(page.organiser, "meetings")
    return page.render("requests.html", rows=rows, header=header, meetings=meetings)


async def table_page(page: Page) -> Response:
    """Consultations, waitlists or broadcasts: the export's table on screen."""
    kind = page.request.path_params["kind"]
    header, rows = await page.services.feedback.export(page.organiser, kind)
    sessions = await page.services.programme.views(None) if kind == "waitlists" else []
    # A broadcast still going out: the page follows its progress by reloading itself.
    running = "pending" in header and any(
        row[header.index("pending")] not in ("", "0") for row in rows
    )
    return page.render(
        "table.html", kind=kind, header=header, rows=rows, sessions=sessions, running=running
    )


async def survey(page: Page) -> Response:
    """Survey response and per-question figures, with the charts."""
    results = await page.services.feedback.results(page.organiser)
    charts = (
        [name for name, _png in page.services.survey_charts(results, page.t.language)]
        if results is not None
        else []
    )
    return page.render("survey.html", results=results, charts=charts)


async def survey_chart(page: Page) -> Response:
    """One survey chart as PNG."""
    results = await page.services.feedback.results(page.organiser)
    name = page.request.path_params["name"]
    if results is not None:
        for filename, png in page.services.survey_charts(results, page.t.language):
            if filename == name:
                return Response(png, media_type="image/png")
    return page.render("missing.html", 404)


async def exports(page: Page) -> Response:
    """Every CSV the CLI's `forumbot export` offers."""
    return page.render("exports.html", kinds=KINDS)
