"""Models of the supervision app."""

from django.db import models  # noqa: F401
