"""Reset and invitation links, issued and mailed here rather than in the request
(accounts/services/link_requests.py queues them; link_delivery.py does the work).

Each task carries a request id from which its link is derived: a retry (SMTP
failed: OSError, up to RETRIES times, backing off) or a redelivery mails the
same link again while it is still usable, never a second, different one."""
from __future__ import annotations

from celery import shared_task

from secretariat_app.accounts.services import link_delivery

RETRIES = 5


@shared_task(name="workers.tasks.accounts.send_reset_link", ignore_result=True, autoretry_for=(OSError,),
             max_retries=RETRIES, retry_backoff=30, retry_backoff_max=600, retry_jitter=True)
def send_reset_link(request_id: str, email: str, address: str | None = None, user_agent: str | None = None,
                    requested_at: str | None = None) -> str:
    """Look `email` up; if an active account uses it, issue its token and mail the link."""
    return link_delivery.send_reset_link(request_id, email, address, user_agent, requested_at)


@shared_task(name="workers.tasks.accounts.send_invitation", ignore_result=True, autoretry_for=(OSError,),
             max_retries=RETRIES, retry_backoff=30, retry_backoff_max=600, retry_jitter=True)
def send_invitation(request_id: str, user_id: int, requested_at: str | None = None) -> str:
    """Issue the new account's set-password token and mail the invitation."""
    return link_delivery.send_invitation(request_id, user_id, requested_at)
