"""Finance's background tasks (django-tasks; decision 0006): each a thin call to the
service that does the work. Each part adds its own in its marked block."""

from __future__ import annotations

from django_tasks import task

# --- dues ---------------------------------------------------------------------------------


@task()
def assess_year(run_id: int, site_url: str = "") -> None:
    """An assessment run: every member of the year, with its progress counted."""
    from secretariat.finance.services.assessments import assessment_run_execute

    assessment_run_execute(run_id, site_url)
