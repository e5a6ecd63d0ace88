"""The Web API client: retries only what is safe to repeat, posts a message at most once, counts errors.

slack_sdk's connection-error retry would send `chat.postMessage` again after
an answer was lost on the way back, and the user would see the same message
twice. Here a post carries a unique id in its message metadata; when its
outcome is unknown (no answer, a dropped connection, an HTTP 5xx), the
channel (or thread) is read back for that id: found, the post counts as done;
not found, it is sent once more. Rate limits (429 with Retry-After) are
retried for every method: Slack did nothing. Every failed call is counted by
its error code in `coach_web_api_errors_total`.
"""

from __future__ import annotations

import logging
import time
import uuid
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse

from exit_coach.adapters import metrics
from exit_coach.adapters.slack.keepalive import KeepAliveWebClient

log = logging.getLogger(__name__)
MARK = "exit_coach_post"
"""The metadata event type that carries a post's id."""
_NOT_IDEMPOTENT = ("chat.postMessage", "chat.postEphemeral", "files.upload", "files.completeUploadExternal")
_UNKNOWN = (URLError, TimeoutError, ConnectionError, HTTPException)


class _SafeConnectionRetry(ConnectionErrorRetryHandler):
    """Retry a dropped connection, except for calls whose effect may already have happened."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        if request.url.rstrip("/").endswith(_NOT_IDEMPOTENT):
            return False
        return super()._can_retry(state=state, request=request, response=response, error=error)


def _retry_handlers() -> list[RetryHandler]:
    return [_SafeConnectionRetry(max_retry_count=2), RateLimitErrorRetryHandler(max_retry_count=2)]


class CoachWebClient(KeepAliveWebClient):
    """A WebClient whose `chat.postMessage` is never shown twice and whose failures are counted; its
    connections are kept alive (`keepalive.py`)."""

    def api_call(self, api_method: str, *, http_verb: str = "POST", files: dict | None = None,
                 data: dict | None = None, params: dict | None = None, json: dict | None = None,
                 headers: dict | None = None, auth: dict | None = None) -> SlackResponse:
        call: dict[str, Any] = dict(http_verb=http_verb, files=files, data=data, params=params, json=json,
                                    headers=headers, auth=auth)
        try:
            if api_method == "chat.postMessage" and json is not None and "metadata" not in json:
                return self._post_once(json, call)
            return super().api_call(api_method, **call)
        except SlackApiError as exc:
            metrics.API_ERRORS.labels("slack", str(exc.response.get("error") or exc.response.status_code)).inc()
            raise
        except Exception as exc:
            metrics.API_ERRORS.labels("slack", type(exc).__name__).inc()
            raise

    def _post_once(self, body: dict[str, Any], call: dict[str, Any]) -> SlackResponse:
        post_id = uuid.uuid4().hex
        sent = {**body, "metadata": {"event_type": MARK, "event_payload": {"id": post_id}}}
        since = f"{time.time() - 60:.6f}"  # a margin for clock skew between us and Slack
        try:
            return super().api_call("chat.postMessage", **{**call, "json": sent})
        except (SlackApiError, *_UNKNOWN) as exc:
            if isinstance(exc, SlackApiError) and exc.response.status_code < 500:
                raise  # Slack answered: not posted
            first = exc
        log.info("slack: chat.postMessage outcome unknown (%s); checking before posting again",
                 type(first).__name__)
        found = self._find(body["channel"], body.get("thread_ts"), post_id, since)
        if found is not None:
            return SlackResponse(client=self, http_verb="POST", api_url=self.base_url + "chat.postMessage",
                                 req_args={}, data={"ok": True, "channel": body["channel"], "ts": found},
                                 headers={}, status_code=200)
        return super().api_call("chat.postMessage", **{**call, "json": sent})

    def _find(self, channel: str, thread_ts: str | None, post_id: str, since: str) -> str | None:
        """The ts of our post with `post_id` in the channel (or thread) since `since`, or None.

        Raises when Slack can't be read either: then nobody knows, and the caller tells the user.
        """
        if thread_ts:
            page = self.conversations_replies(channel=channel, ts=thread_ts, oldest=since, limit=50,
                                              include_all_metadata=True)
        else:
            page = self.conversations_history(channel=channel, oldest=since, limit=50, include_all_metadata=True)
        for message in page.get("messages") or []:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == MARK and (meta.get("event_payload") or {}).get("id") == post_id:
                return str(message.get("ts"))
        return None


def make_client(token: str, *, base_url: str | None = None, timeout: int = 10) -> CoachWebClient:
    """The bot's Web API client: safe retries (Retry-After honoured), posts at most once, errors counted."""
    return CoachWebClient(token=token, base_url=base_url or WebClient.BASE_URL, timeout=timeout,
                          retry_handlers=_retry_handlers())
