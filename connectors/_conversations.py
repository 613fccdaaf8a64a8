"""What Messenger and Instagram Direct share: Meta's Conversations API, read as a sweep.

Requests (Graph API, a Page access token in an `Authorization: Bearer` header):

    GET /{page-id}/conversations?platform=messenger|instagram[&folder=…]
        &fields=id,updated_time,participants,messages.limit(N){id,message,from,created_time}
        the Page's (or its Instagram account's) conversations, most recently active first,
        each with its newest messages inline
    GET /{conversation-id}/messages?fields=id,message,from,created_time&after=…
        the rest of a conversation's messages, newest first

The endpoint has cursor paging only (no `since`): the sweep lists conversations newest first
and stops after a whole page whose `updated_time` is older than the last finished scan's newest
(`watermark`) less `recent_days` (the overlap window, a day by default). A conversation read
again is read down to its first page of messages older than that: what lies below was read by
an earlier scan. A conversation whose messages could not all be read is remembered and read
again in full on the next scan; the storage's upserts absorb the overlap.

Messenger lists one inbox folder per request (`folder`: without it only `inbox`; a chat marked
Done in Meta Business Suite is in `page_done`, a message request in `other`): `folders()` names
the folders read, each listed newest first and stopped on its own, their pages taken in turns and
a conversation met in two folders (moved during the scan) read once. Instagram gives the details
of only the `readable_messages` (20) most recent messages of a conversation (older ones answer
"the message has been deleted"): no more are asked for, and a conversation with more of them
inside the window is reported as a rejected record, since no later scan could read them.

A conversation is stored as a post of kind "conversation" (its author the customer, its
`created_at` the conversation's last activity, `updated_time`) and each message as a comment
of kind "message" under it; a message is the business's own when `from` is the business
account. The token needs the MESSAGING task on the Page and `pages_messaging` (Messenger) or
`instagram_manage_messages` (Instagram); Graph's permission errors (codes 3, 10, 200-299, e.g.
"(#298) Requires read_mailbox permission") stop the channel with `PermissionDenied` saying so.
Graph's 100/33 on a conversation's messages ("does not exist, cannot be loaded due to missing
permissions…") leaves a conversation this scan just listed for the next scan (the channel ends
partial); a remembered one is dropped only when Graph answers 100/33 for the conversation too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field

from socialmon_connectors._meta import GraphSettings, MetaPaging, author, graph_options, refused_not_gone
from socialmon_connectors._paging import (
    MALFORMED,
    FieldError,
    Raw,
    SweepConnector,
    Window,
    build,
    dig,
    field_at,
    objects,
    paginate,
    time_at,
)
from socialmon_connectors.errors import NotFound, PlatformError
from socialmon_connectors.http import Action, Api, Rule, Skipped
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

MESSAGE_FIELDS = "id,message,from,created_time"


class ConversationSettings(GraphSettings):
    recent_days: float = Field(
        default=1,
        ge=0,
        le=365,
        description="overlap window: conversations active up to this many days before the last scan's "
        "newest are read again",
    )
    message_page_size: int = Field(default=25, ge=1, le=100, description="messages per request")

    #: The settings that size a request, named when Graph asks for less data.
    request_sizes: ClassVar[tuple[str, ...]] = ("page_size", "message_page_size")


def conversation_fields(message_limit: int) -> str:
    return f"id,updated_time,participants,messages.limit({message_limit}){{{MESSAGE_FIELDS}}}"


def graph_time(raw: Any, name: str) -> datetime:
    """Graph's `2026-11-12T15:04:05+0000`, or the Unix time the Conversations docs show (number or string)."""
    value = field_at(raw, name)
    if isinstance(value, str) and value.strip().isdigit():
        try:
            return datetime.fromtimestamp(int(value), UTC)
        except (OverflowError, ValueError, OSError):
            raise FieldError(f"field '{name}': Unix time {value!r} is out of range") from None
    return time_at(raw, name)


class Business:
    """Who the business is in a conversation: its account id, and (Instagram) its username."""

    def __init__(self, account_id: str, username: str = "") -> None:
        self.account_id = account_id
        self.username = username.lstrip("@").lower()

    def wrote(self, sender: Any) -> bool:
        if not isinstance(sender, dict):
            return False
        if sender.get("id") is not None and str(sender["id"]) == self.account_id:
            return True
        name = sender.get("username")
        return bool(self.username) and isinstance(name, str) and name.lower() == self.username


def customer(raw: Raw, business: Business) -> tuple[str | None, str | None]:
    """(id, name) of the conversation's first participant that is not the business."""
    for person in objects(dig(raw, ("participants", "data"))):
        if not business.wrote(person):
            found = person.get("id")
            return (None if found is None else str(found)), person.get("name") or person.get("username")
    return None, None


def parse_conversation(raw: Raw, business: Business) -> PostRecord:
    customer_id, customer_name = customer(raw, business)
    return PostRecord(
        kind="conversation",
        platform_id=raw["id"],
        author_id=customer_id,
        author_name=customer_name,
        is_business=False,
        created_at=graph_time(raw, "updated_time"),
    )


def parse_message(raw: Raw, conversation_id: str, business: Business) -> CommentRecord:
    author_id, author_name = author(raw)
    return CommentRecord(
        kind="message",
        platform_id=raw["id"],
        post_id=conversation_id,
        author_id=author_id,
        author_name=author_name,
        is_business=business.wrote(raw.get("from")),
        text=raw.get("message") or "",
        created_at=graph_time(raw, "created_time"),
    )


class NotedPaging(MetaPaging):
    """Graph paging that notes whether the page it last read has a next page (`more`)."""

    def __init__(self) -> None:
        super().__init__()
        self.more = False

    def items(self, body: Any) -> list[Raw]:
        self.more = bool(dig(body, ("paging", "next")))  # Graph's end is a page without `paging.next`
        return super().items(body)


class ConversationsConnector(SweepConnector):
    """The Conversations API of one Page (`platform_param` "messenger") or its Instagram account."""

    platform_param: ClassVar[str]
    #: How many of a conversation's most recent messages the platform gives details of (None: all).
    readable_messages: ClassVar[int | None] = None
    auth_hint: ClassVar[str]
    permission_hint: ClassVar[str]
    settings: ConversationSettings
    paging = MetaPaging()  # asks for smaller pages when Graph says "reduce the amount of data"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._since: datetime | None = None  # this scan's window (None: read every message)

    @property
    def path_id(self) -> str:
        """The node whose `/conversations` edge is listed."""
        raise NotImplementedError

    def business(self) -> Business:
        raise NotImplementedError

    def folders(self) -> tuple[str | None, ...]:
        """The inbox folders listed, one listing each (None: the endpoint's own, without `folder`)."""
        return (None,)

    def message_limit(self) -> int:
        """Messages per request: the setting, at most the ones the platform gives details of."""
        size = self.settings.message_page_size
        return size if self.readable_messages is None else min(size, self.readable_messages)

    def make_api(self, client: httpx.AsyncClient) -> Api:
        options = graph_options(self.settings, self.auth_hint, self.permission_hint)
        # (#3) "Application does not have the capability to make this API call": messaging not granted
        options["errors"].rules[(None, "3")] = Rule(Action.DENIED, self.permission_hint)
        return self.new_api(client, **options)

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        """Each folder's pages in turns, a folder dropped after a page with nothing in the window.

        A yielded batch holds a conversation in the window whenever a folder is still read, so
        the sweep's stop (a whole batch older than the window) comes only once every folder is done.
        """
        self._since = window.since
        listings = []
        for folder in self.folders():
            params: dict[str, Any] = {
                "platform": self.platform_param,
                "fields": conversation_fields(self.message_limit()),
                "limit": self.settings.page_size,
            }
            if folder is not None:
                params["folder"] = folder
            listings.append(paginate(api, f"{self.path_id}/conversations", params, self.paging))
        seen: set[str] = set()
        try:
            reading = list(listings)
            while reading:
                batch: list[Raw] = []
                still: list[AsyncIterator[list[Raw]]] = []
                for pages in reading:
                    page = await anext(pages, None)
                    if page is None:
                        continue
                    fresh = [raw for raw in page if (key := self.item_key(raw)) is None or key not in seen]
                    seen.update(key for raw in fresh if (key := self.item_key(raw)) is not None)
                    batch.extend(fresh)
                    if any(self._in_window(raw, window) for raw in fresh):
                        still.append(pages)
                reading = still
                if batch:
                    yield batch
        finally:
            for pages in listings:
                await pages.aclose()

    def _in_window(self, raw: Raw, window: Window) -> bool:
        try:
            return window.wanted(self.item_time(raw))
        except MALFORMED:  # rejected by the sweep; says nothing about the folder's next page
            return False

    def item_time(self, raw: Raw) -> datetime:
        return graph_time(raw, "updated_time")

    def item_label(self, raw: Raw) -> str:
        return f"{self.platform} conversation {self.item_key(raw) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        found = build(rejected, self.item_label(raw), lambda: parse_conversation(raw, self.business()))
        return [found] if found else []

    async def not_gone(
        self, api: Api, raw: Raw, error: Skipped | NotFound, *, remembered: bool
    ) -> PlatformError | None:
        """A conversation just listed is there, whatever Graph's 100/33 on its messages says: it is read
        again next scan. A remembered one is dropped only when Graph no longer serves it either."""
        conversation_id = str(raw.get("id"))
        return await refused_not_gone(
            api,
            f"conversation {conversation_id}",
            conversation_id,
            error,
            remembered,
            # the permissions advice, in words the Spanish catalogue has (if it keeps failing, that is the cause)
            self.permission_hint,
            thread="messages",
        )

    def retry_item(self, raw: Raw) -> Raw:
        """The conversation less its inline messages: a retry reads `/{id}/messages` from the newest."""
        return {key: value for key, value in raw.items() if key != "messages"}

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if not raw.get("id"):  # rejected by `item`: its messages would belong to no conversation
            return
        conversation_id = str(raw["id"])
        business = self.business()
        inline = raw.get("messages")
        first = inline if isinstance(inline, dict) and "data" in inline else None
        params = {"fields": MESSAGE_FIELDS, "limit": self.message_limit()}
        since = self._since
        readable = self.readable_messages
        paging = NotedPaging()
        read = 0
        async for batch in paginate(api, f"{conversation_id}/messages", params, paging, first=first):
            parsed = [
                build(
                    rejected,
                    f"{self.platform} message {item.get('id') or '(no id)'} in conversation {conversation_id}",
                    lambda item=item: parse_message(item, conversation_id, business),
                )
                for item in batch
            ]
            messages = [record for record in parsed if record is not None]
            yield messages
            read += len(batch)
            # Newest first: a whole page older than the window was read by an earlier scan.
            if since is not None and messages and all(m.created_at < since for m in messages):
                return
            if readable is not None and read >= readable:
                # Asking on would be answered "the message has been deleted", now and on every scan.
                if paging.more and (since is None or not any(m.created_at < since for m in messages)):
                    rejected.append(
                        RejectedRecord(
                            location=f"{self.platform} conversation {conversation_id}",
                            reason=f"its messages before the {readable} most recent were not read: "
                            f"{self.platform} gives the details of only the {readable} most recent "
                            "messages of a conversation (more came since the last scan, or it is the "
                            "first scan); scan more often to keep them",
                        )
                    )
                return


__all__ = [
    "MESSAGE_FIELDS",
    "Business",
    "ConversationSettings",
    "ConversationsConnector",
    "NotedPaging",
    "conversation_fields",
    "customer",
    "graph_time",
    "parse_conversation",
    "parse_message",
]
