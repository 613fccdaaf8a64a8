"""The `instagram_messages` connector: an Instagram professional account's Direct conversations.

    GET /{ig-user-id}?fields=id,username                  the account's username (unless set)
    GET /{page-id}/conversations?platform=instagram&fields=id,updated_time,participants,
        messages.limit(N){id,message,from,created_time}
    GET /{conversation-id}/messages?fields=id,message,from,created_time&after=…

With Facebook Login (the default host) the conversations hang off the Facebook Page linked to
the Instagram account (`page_id`); with Instagram Login (`base_url =
"https://graph.instagram.com/v25.0"`) off the account itself (leave `page_id` empty). See
`_conversations` for the sweep. Instagram gives the details of only the 20 most recent messages
of a conversation: no more are asked for (`message_page_size` above 20 asks for 20), and a
conversation with more than that since the last scan is reported (a rejected record naming it).
A message is the business's own when `from.id` is the account id or `from.username` its username. The token needs the MESSAGING task on the linked Page and
`instagram_basic`, `instagram_manage_messages`, `pages_manage_metadata` (Facebook Login), or
`instagram_business_basic` and `instagram_business_manage_messages` (Instagram Login).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from socialmon_connectors._conversations import Business, ConversationsConnector, ConversationSettings
from socialmon_connectors._meta import account_username
from socialmon_connectors.http import Api

AUTH_HINT = (
    "create a new Page access token as someone who can perform the MESSAGING task on the Page linked to "
    "the Instagram account (permissions instagram_basic, instagram_manage_messages, pages_manage_metadata; "
    "or an Instagram Login token with instagram_business_basic and instagram_business_manage_messages) and "
    "put it in the environment variable this channel's access_token names"
)
PERMISSION_HINT = (
    "reading Instagram Direct conversations needs a Page access token of someone who can perform the "
    "MESSAGING task on the Page linked to the Instagram account, with the permissions instagram_basic, "
    "instagram_manage_messages and pages_manage_metadata (Instagram Login: instagram_business_basic and "
    "instagram_business_manage_messages), from an app owned by a verified business; grant them, renew the "
    "token and update its environment variable"
)


class InstagramMessagesSettings(ConversationSettings):
    ig_user_id: str = Field(
        default="", description="the Instagram account's id; defaults to the channel's account"
    )
    page_id: str = Field(
        default="",
        description="the Facebook Page linked to the account (Facebook Login); empty with Instagram Login",
    )
    username: str = Field(default="", description="the account's username; looked up when left out")


class InstagramMessagesConnector(ConversationsConnector):
    name = "instagram_messages"
    platform = "Instagram Direct"
    Settings = InstagramMessagesSettings
    summary = "an Instagram professional account's Direct conversations (Graph API Conversations)"
    needs_account = True
    account_setting = "ig_user_id"
    platform_param = "instagram"
    # "you will only be able to query data for the 20 most recent messages in the conversation"
    readable_messages = 20
    auth_hint = AUTH_HINT
    permission_hint = PERMISSION_HINT

    settings: InstagramMessagesSettings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = self.settings.username.lstrip("@")

    @property
    def account_id(self) -> str:
        return self.settings.ig_user_id or self.context.account

    @property
    def path_id(self) -> str:
        return self.settings.page_id or self.account_id

    def business(self) -> Business:
        return Business(self.account_id, self.username)

    async def prepare(self, api: Api) -> None:
        if not self.username:
            self.username = await account_username(api, self.account_id)


__all__ = ["InstagramMessagesConnector", "InstagramMessagesSettings"]
