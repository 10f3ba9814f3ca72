"""Plan-structure writes that touch several objects, each in ``transaction.atomic``, one
module per topic. Admin, views and management commands call these."""
