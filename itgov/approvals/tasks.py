"""Background jobs of the approval: the letter is rendered once the approval has committed (huey)."""

from huey.contrib.djhuey import db_task


@db_task()
def render_approval_letter(baseline_id: int) -> None:
    from .letter import ensure_letter
    from .models import Baseline

    baseline = Baseline.objects.filter(pk=baseline_id).first()
    if baseline is not None:
        ensure_letter(baseline)
