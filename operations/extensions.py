"""What the apps above operations add to it, provided at start-up in their ``AppConfig.ready``.

Operations sits below monitoring in the layers (README "Where things live"), so it may not import
monitoring. The content checker needs one answer only monitoring has, and monitoring hands it over:

- ``posts_today``: ``(account, *, now) -> int``, the account's original posts so far today, local time
  (004 Part C). Provided by ``monitoring``; until then the checker says nothing about the day's posts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class PostCounts:
    posts_today: Callable[..., int | None] = lambda account, *, now: None

    def provide(self, *, posts_today) -> None:
        self.posts_today = posts_today


post_counts = PostCounts()
