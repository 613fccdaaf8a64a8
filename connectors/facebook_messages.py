"""The `facebook_messages` connector: a Facebook Page's Messenger conversations and their messages.

    GET /{page-id}/conversations?platform=messenger&folder=inbox|other|page_done|…
        &fields=id,updated_time,participants,messages.limit(N){id,message,from,created_time}
    GET /{conversation-id}/messages?fields=id,message,from,created_time&after=…

See `_conversations` for the sweep (cursor paging only, stopped by `updated_time` with an
overlap window). The listing without `folder` gives only the Page inbox's `inbox` folder: a chat
marked Done in Meta Business Suite (`page_done`) or a message request not yet accepted (`other`)
is left out, so each of `folders` (by default inbox, other and page_done; `pending` and `spam`
on request) is listed. A message whose `from.id` is the Page's id is the business's own (a Page
named by its username is looked up once a scan, `GET /{username}?fields=id`, for it). The token
must be a Page access token of someone who can perform the MESSAGING (or MODERATE) task on the
Page, with `pages_messaging`, `pages_read_engagement` and `pages_manage_metadata`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from socialmon_connectors._conversations import Business, ConversationsConnector, ConversationSettings
from socialmon_connectors._meta import PageNamedByUsername

AUTH_HINT = (
    "create a new Page access token (GET /me/accounts with a long-lived user token) as someone who can "
    "perform the MESSAGING task on the Page, with the permissions pages_messaging, pages_read_engagement "
    "and pages_manage_metadata, and put it in the environment variable this channel's access_token names"
)
PERMISSION_HINT = (
    "reading Messenger conversations needs a Page access token of someone who can perform the MESSAGING "
    "task on the Page, with the permissions pages_messaging, pages_read_engagement and "
    "pages_manage_metadata (Advanced Access for customers without a role on the app); grant them, "
    "renew the token and update its environment variable"
)


Folder = Literal["inbox", "other", "page_done", "pending", "spam"]


class FacebookMessagesSettings(ConversationSettings):
    page_id: str = Field(
        default="",
        description="the Page's numeric id or its username (looked up once a scan); defaults to the channel's account",
    )
    folders: list[Folder] = Field(
        default_factory=lambda: ["inbox", "other", "page_done"],
        min_length=1,
        description="the Page inbox folders read: inbox, other (message requests), page_done (chats "
        "marked Done), pending, spam",
    )


class FacebookMessagesConnector(PageNamedByUsername, ConversationsConnector):
    name = "facebook_messages"
    platform = "Messenger"
    Settings = FacebookMessagesSettings
    summary = "a Facebook Page's Messenger conversations (Graph API Conversations)"
    needs_account = True
    account_setting = "page_id"
    platform_param = "messenger"
    auth_hint = AUTH_HINT
    permission_hint = PERMISSION_HINT

    settings: FacebookMessagesSettings

    @property
    def path_id(self) -> str:
        return self.page_id

    def business(self) -> Business:
        return Business(self.page_id)

    def folders(self) -> tuple[str | None, ...]:
        return tuple(dict.fromkeys(self.settings.folders))


__all__ = ["FacebookMessagesConnector", "FacebookMessagesSettings"]
