"""What a command asks the bot itself to do (post a digest now), checked against the admins of
channels.yaml. The core only names the action; who may run it is decided here, at the edge."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from briefings.commands import Reply
from briefings.digest.model import Digest

log = logging.getLogger(__name__)
PostNow = Callable[[str], Awaitable[int]]
ADMINS_ONLY = ("관리자만 쓸 수 있는 명령입니다 / only admins may do this: channels.yaml `admins` names them "
               "(Slack user ids; Discord user or role ids, or Manage Server)")


class Actions:
    def __init__(self, post_now: PostNow | None = None):
        self.post_now = post_now

    async def carry_out(self, reply: Reply, *, admin: bool, who: str) -> Reply:
        """The reply to show: unchanged for an ordinary command, the action's outcome otherwise."""
        if reply.action is None or reply.error:
            return reply
        kind, channel = reply.action
        lang = reply.digest.language
        if not admin:
            log.info("refused %s %s for %s: not an admin", kind, channel, who)
            return Reply(Digest(f"{kind}: 권한 없음 / not allowed", "", lang, [], notes=[ADMINS_ONLY]), error=True)
        if self.post_now is None:
            return Reply(Digest(f"{kind}: 사용할 수 없음 / unavailable", "", lang, [],
                                notes=["이 프로세스는 발송할 수 없습니다 / this process cannot post"]), error=True)
        log.info("%s asked to post %s now", who, channel)
        sent = await self.post_now(channel)
        note = (f"{channel}: {sent}개 메시지 발송 / posted {sent} message(s)" if sent
                else f"{channel}: 이번 분에 이미 발송됨 / already posted this minute")
        return Reply(Digest(f"{channel} 발송 / posted", "", lang, [], notes=[note]))
