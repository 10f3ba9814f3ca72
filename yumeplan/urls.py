from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views
from .public import feeds

admin.site.site_header = "ゆめプラン 管理"
admin.site.site_title = "ゆめプラン 管理"
admin.site.index_title = "計画の管理"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    # Browsers ask for /favicon.ico on pages (the admin's) that name no icon.
    path("favicon.ico", views.favicon),
    path("robots.txt", feeds.robots_txt, name="robots_txt"),
    path("sitemap.xml", feeds.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", feeds.sitemap_section, name="sitemap_section"),
    path("admin/", admin.site.urls),
    path("staff/", include("indicators.staff_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("yumeplan.public.opendata_urls")),
]
# Public pages: Japanese at the stable URLs, English under /en/ (a link switches language
# and keeps the page, and cached pages need no cookie).
urlpatterns += i18n_patterns(
    path("", include("yumeplan.public.urls")), prefix_default_language=False
)
