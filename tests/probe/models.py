from django.db import models


class ProbeStart(models.Model):
    """Written through a separate autocommit connection when the probe consumer
    starts, so a test can see that it started while its transaction is open."""

    activity_id = models.BigIntegerField(db_index=True)
    pid = models.IntegerField()
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"start of {self.activity_id} in {self.pid}"


class ProbeRun(models.Model):
    """The probe consumer's effect: one row per committed run."""

    activity_id = models.BigIntegerField(db_index=True)
    pid = models.IntegerField()
    finished_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"run of {self.activity_id} in {self.pid}"
