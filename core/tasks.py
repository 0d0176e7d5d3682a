"""Periodic housekeeping of the plumbing."""
from huey import crontab

from core.jobs import periodic_job
from core.state import state


@periodic_job(crontab(minute="*/10"))
def purge_expired_state() -> int:
    return state.purge_expired()
