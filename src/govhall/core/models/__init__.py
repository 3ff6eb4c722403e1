from govhall.core.models.audit import AuditCheck, AuditEntry
from govhall.core.models.base import BaseModel
from govhall.core.models.calendar import CalendarDay, CalendarYear
from govhall.core.models.jobs import Job

__all__ = ["AuditCheck", "AuditEntry", "BaseModel", "CalendarDay", "CalendarYear", "Job"]
