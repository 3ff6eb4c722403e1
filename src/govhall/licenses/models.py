"""Models of the licenses app."""

from django.db import models  # noqa: F401
