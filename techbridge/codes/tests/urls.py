"""The codes API mounted where the project mounts it, without the rest of the project."""

from django.urls import include, path

from techbridge.codes.urls import api_urlpatterns

urlpatterns = [path("api/v1/codes/", include((api_urlpatterns, "codes-api")))]
