"""The staff read path: the working figures officers enter and planners review, and their
judgements. Staff pages and the back office read statuses through this module; the public
site never does (it reads ``indicators.published``)."""

from .statuses import StatusReader

_reader = StatusReader("working")

judgements = _reader.judgements
plan_judgements = _reader.plan_judgements
statuses = _reader.statuses
status_for = _reader.status_for
year_counts = _reader.year_counts
achievement_rows = _reader.achievement_rows
