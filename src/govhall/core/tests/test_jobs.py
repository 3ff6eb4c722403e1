from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from govhall.core import jobs
from govhall.core.models import AuditCheck, Job

calls: list[dict] = []


@jobs.job("test.record")
def _record(payload: dict) -> None:
    calls.append(payload)


@jobs.job("test.flaky", max_attempts=2)
def _flaky(payload: dict) -> None:
    raise RuntimeError("gateway down")


@pytest.fixture(autouse=True)
def _reset_calls():
    calls.clear()


@pytest.mark.django_db
def test_enqueued_job_runs_once_and_is_done():
    job = jobs.job_enqueue(kind="test.record", payload={"id": 7})
    assert jobs.run_pending() == 1
    assert calls == [{"id": 7}]
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.attempts == 1 and job.finished_at
    assert jobs.run_pending() == 0


@pytest.mark.django_db
def test_dedupe_key_enqueues_once():
    first = jobs.job_enqueue(kind="test.record", payload={"id": 1}, dedupe_key="k1")
    second = jobs.job_enqueue(kind="test.record", payload={"id": 2}, dedupe_key="k1")
    assert first.pk == second.pk and Job.objects.count() == 1


@pytest.mark.django_db
def test_failures_back_off_then_fail_with_the_error_kept():
    job = jobs.job_enqueue(kind="test.flaky")
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.PENDING and job.attempts == 1
    assert job.run_after > timezone.now() and "gateway down" in job.last_error
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.attempts == 2


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_claimed_again_after_its_lease():
    job = jobs.job_enqueue(kind="test.record", payload={"id": 3})
    claimed = jobs.job_claim(worker_id="dead-worker")
    assert claimed.pk == job.pk
    # The worker is killed here: no completion is recorded. Another worker finds nothing yet...
    assert jobs.job_claim(worker_id="w2") is None
    # ...until the lease runs out.
    Job.objects.filter(pk=job.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    again = jobs.job_claim(worker_id="w2")
    assert again.pk == job.pk and again.attempts == 2
    assert jobs.job_execute(again)
    assert calls == [{"id": 3}]


@pytest.mark.django_db
def test_a_stale_worker_cannot_overwrite_the_outcome_of_the_new_owner():
    jobs.job_enqueue(kind="test.flaky", max_attempts=5)
    stale = jobs.job_claim(worker_id="slow")
    Job.objects.filter(pk=stale.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    fresh = jobs.job_claim(worker_id="fast")
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
    # The slow worker finally finishes (its handler fails): it must not reopen the done job.
    jobs.job_execute(stale)
    job = Job.objects.get(pk=stale.pk)
    assert job.status == Job.Status.DONE and job.locked_by == "fast" and job.last_error == ""


@pytest.mark.django_db
def test_unknown_job_kind_fails_visibly():
    job = jobs.job_enqueue(kind="test.nobody", max_attempts=1)
    jobs.run_pending()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "no handler" in job.last_error


@pytest.mark.django_db
def test_periodic_jobs_are_scheduled_once_per_period():
    jobs.discover()
    now = timezone.now()
    created = jobs.schedule_periodic(now)
    assert created >= 2  # the audit chain check and the token purge at least
    assert jobs.schedule_periodic(now) == 0


@pytest.mark.django_db
def test_worker_once_runs_the_periodic_audit_check(capsys):
    call_command("worker", "--once")
    assert "ran" in capsys.readouterr().out
    check = AuditCheck.objects.get()
    assert check.ok
