"""Models of the interaction app."""

from django.db import models  # noqa: F401
