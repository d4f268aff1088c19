"""Every feature's tables in one import, so Base.metadata is complete for Alembic and tests."""

from storage import changes
from storage.consortia import rows as consortia_rows
from storage.desk import rows as desk_rows
from storage.feedback import rows as feedback_rows
from storage.meetings import rows as meetings_rows
from storage.outbox import rows as outbox_rows
from storage.outreach import rows as outreach_rows
from storage.partners import rows as partners_rows
from storage.people import rows as people_rows
from storage.programme import rows as programme_rows

FEATURE_TABLES = (
    people_rows,
    partners_rows,
    outbox_rows,
    meetings_rows,
    programme_rows,
    outreach_rows,
    feedback_rows,
    consortia_rows,
    changes,
    desk_rows,
)
