from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from govhall.analytics.models import (
    PushInvitation,
    PushOptOut,
    PushRound,
    RankingFormula,
    RuleParameterSet,
)
from govhall.analytics.ranking import RANKABLE, weights_clean
from govhall.analytics.services import ranking_formula_save
from govhall.core import errors


class RankingFormulaForm(forms.ModelForm):
    class Meta:
        model = RankingFormula
        fields = ["name", "weights", "note", "active"]
        help_texts = {
            "weights": '{"on_time_rate": 40, "satisfaction_rate": 30, "overdue": -20} — '
            + ", ".join(RANKABLE)
        }

    def clean_weights(self) -> dict[str, float]:
        try:
            return weights_clean(self.cleaned_data.get("weights"))
        except errors.ValidationError as error:
            raise forms.ValidationError(error.message) from None


@admin.register(RankingFormula)
class RankingFormulaAdmin(admin.ModelAdmin):
    """Edited here by system administrators; saving goes through ``ranking_formula_save``."""

    form = RankingFormulaForm
    list_display = ["name", "active", "weights", "updated_at", "updated_by"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = ranking_formula_save(
            actor=request.user,
            formula=obj if change else None,
            name=form.cleaned_data["name"],
            weights=form.cleaned_data["weights"],
            note=form.cleaned_data.get("note", ""),
            active=form.cleaned_data.get("active", False),
        )
        obj.pk = saved.pk


@admin.register(RuleParameterSet)
class RuleParameterSetAdmin(admin.ModelAdmin):
    """Read-only: parameter sets are added by ``rule_parameters_set`` (validated, audited) and
    never edited (cases already received are judged by the set of their date)."""

    list_display = ["rule_set", "effective_from", "reason", "created_by", "created_at"]
    list_filter = ["rule_set"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the precise-push services (audited); the admin only reads."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PushRound)
class PushRoundAdmin(ReadOnlyAdmin):
    list_display = ["pk", "rule_set", "on", "department", "state", "qualifying", "invited"]
    list_filter = ["rule_set", "state"]


@admin.register(PushInvitation)
class PushInvitationAdmin(ReadOnlyAdmin):
    list_display = ["round", "household_key", "person_key", "channels", "notified_at"]
    list_filter = ["rule_set", "campaign_year"]
    search_fields = ["household_key", "person_key"]


@admin.register(PushOptOut)
class PushOptOutAdmin(ReadOnlyAdmin):
    list_display = ["id_number", "topic", "created_at"]
    search_fields = ["id_number"]
