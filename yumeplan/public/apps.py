from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: plan, policy and project pages, search and open data (read only)."""

    name = "yumeplan.public"
    label = "public"
    verbose_name = "公開サイト"
