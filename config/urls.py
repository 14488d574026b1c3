from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language is switched by set_language)
from django.contrib import admin
from django.urls import include, path

from itgov.api.urls import api

admin.site.site_header = "itgov 系统管理"
admin.site.site_title = "itgov"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sysadmin/", admin.site.urls),
    path("", include("itgov.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
