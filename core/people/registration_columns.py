"""Which column of a registration file holds what: forumbot's own names, Indico's registrants
export by alias, renamed fields by the organiser's --map, and the registration states kept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: Indico exports these before the form's fields; a file with them is Indico's.
INDICO_MARKS = frozenset({"id", "registration state", "registration date", "email address"})
INDICO = "indico"
FORUMBOT = "forumbot"
#: The states imported when the organiser names none (Indico's title for a finished one).
DEFAULT_STATES = ("completed",)
#: Header (lower case) -> forumbot column; forumbot's own names map to themselves.
ALIASES: Mapping[str, str] = {
    "name": "name",
    "full name": "name",
    "first name": "first_name",
    "given name": "first_name",
    "last name": "last_name",
    "family name": "last_name",
    "surname": "last_name",
    "email": "email",
    "email address": "email",
    "e-mail": "email",
    "organisation": "organisation",
    "organization": "organisation",
    "affiliation": "organisation",
    "institution": "organisation",
    "country": "country",
    "delegation": "delegation",
    "sector": "sector",
    "expertise": "expertise",
    "research interests": "expertise",
    "keywords": "expertise",
    "offers": "offers",
    "seeks": "seeks",
    "publications": "publications",
    "registration state": "state",
}
#: What the import may fill (the targets --map accepts).
TARGETS = frozenset(ALIASES.values())
#: Indico columns recognised but with no place in a forumbot profile, said so in the report.
NOT_IMPORTED = frozenset(
    {
        "id",
        "position",
        "tags",
        "registration date",
        "modification date",
        "price",
        "paid",
        "checked in",
        "check-in date",
        "payment date",
        "phone number",
        "address",
        "title",
    }
)


@dataclass(frozen=True, slots=True)
class ColumnOptions:
    """The organiser's choices: renamed fields (header -> target) and the states to import."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    states: tuple[str, ...] = DEFAULT_STATES

    def problem(self) -> str | None:
        """A --map target forumbot does not know, in words."""
        wrong = sorted(t for t in self.mapping.values() if t not in TARGETS)
        if wrong:
            return f"unknown column(s) {', '.join(wrong)}; use one of {', '.join(sorted(TARGETS))}"
        return None


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """The format recognised and, per position in the header, the column it fills (or None)."""

    source_format: str
    targets: tuple[str | None, ...]
    used: tuple[str, ...]
    ignored: tuple[str, ...]

    def has(self, target: str) -> bool:
        return target in self.targets


def plan_columns(header: Sequence[str], options: ColumnOptions) -> ColumnPlan:
    """Each header cell matched by the organiser's map first, then by alias; the first
    column for a target wins and later ones are ignored."""
    lowered = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
    mapping = {k.strip().lower(): v for k, v in options.mapping.items()}
    targets: list[str | None] = []
    used: list[str] = []
    ignored: list[str] = []
    for original, name in zip(header, lowered, strict=True):
        target = mapping.get(name) or ALIASES.get(name)
        if target is None or target in targets:
            targets.append(None)
            if name:
                ignored.append(original.strip())
            continue
        targets.append(target)
        used.append(f"{original.strip()} → {target}" if target != name else original.strip())
    is_indico = bool(INDICO_MARKS & set(lowered)) and "email address" in lowered
    return ColumnPlan(
        INDICO if is_indico else FORUMBOT, tuple(targets), tuple(used), tuple(ignored)
    )


def canonical_row(cells: Sequence[str], plan: ColumnPlan) -> dict[str, str]:
    """A row by forumbot's column names: first and last names joined when there is no full
    name, Indico's apostrophe before formula characters and a stripped leading "+" tolerated."""
    row: dict[str, str] = {}
    for target, cell in zip(plan.targets, cells, strict=False):
        if target is not None:
            row[target] = _unescaped(cell) if plan.source_format == INDICO else cell
    first, last = row.pop("first_name", "").strip(), row.pop("last_name", "").strip()
    if not row.get("name", "").strip() and (first or last):
        row["name"] = f"{first} {last}".strip()
    if "expertise" in row:  # Indico joins the choices of a multiple-choice field with "; "
        row["expertise"] = ", ".join(p.strip() for p in row["expertise"].split(";") if p.strip())
    return row


def _unescaped(cell: str) -> str:
    """Exports guard cells a spreadsheet would run: "'=..." is read as "=...", a leading "+"
    (kept or stripped by the exporter) is dropped, so both forms read alike."""
    text = cell.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text[1:].lstrip() if text.startswith("+") else text


def state_allowed(row: Mapping[str, str], options: ColumnOptions) -> bool:
    """Rows without a state column are all kept; else only the chosen states ("all": any)."""
    if "state" not in row:
        return True
    wanted = {s.strip().lower() for s in options.states}
    return "all" in wanted or row["state"].strip().lower() in wanted


def options_from_text(text: str) -> ColumnOptions | str:
    """The options an organiser writes in a file's caption, one per line: "HEADER = COLUMN" to
    read a renamed field, "state: Completed, Pending" (or "state: all") for the states kept;
    other lines are a message, not options. The problem in words for an unknown column."""
    mapping: dict[str, str] = {}
    states: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head, colon, rest = line.partition(":")
        if colon and head.strip().lower() == "state":
            states += [s.strip() for s in rest.split(",") if s.strip()]
            continue
        header, equals, column = line.rpartition("=")
        if equals and header.strip() and column.strip():
            mapping[header.strip()] = column.strip().lower()
    options = ColumnOptions(mapping, tuple(states) or DEFAULT_STATES)
    return options.problem() or options
