from django.contrib.admin.apps import AdminConfig


class YumeplanAdminConfig(AdminConfig):
    """Django's admin with the back office's own site (yumeplan/admin_site.py)."""

    default_site = "yumeplan.admin_site.YumeplanAdminSite"
