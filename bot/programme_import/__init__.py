"""Programmes that already exist elsewhere (Indico, pretalx and other frab-style schedules) turned
into a forumbot event file the organiser reviews, then loads with `forumbot event load`.

The pieces: `model` (what a source yields), `indico` and `frab` (the two formats), `fetching`
(a file or an https URL), `toml_writer` (TOML out) and `merging` (the event file written, kept
rounds, desks and survey of an existing one)."""
