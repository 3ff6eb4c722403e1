"""Models of the housing app."""

from django.db import models  # noqa: F401
