"""Models of the analytics app."""

from django.db import models  # noqa: F401
