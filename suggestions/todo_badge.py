"""我的待办's count in the navigation, kept in the session for TODO_COUNT_SECONDS (issue 17).

Every full page shows the count, and at a million items counting costs 100–350 ms, more
than the rest of most pages. So a count is kept in the user's session (stored in the
database, so every server process reads the same) and counted again when it is older than
TODO_COUNT_SECONDS, or after the user's own POST (`ForgetTodoCount`): what the user just
did shows at once; what others did shows within that many seconds. TODO_COUNT_SECONDS=0
counts on every page and keeps nothing."""

from __future__ import annotations

import time

from django.conf import settings

from suggestions.workspace import todo_count

KEY = "todo_count"


def kept_todo_count(request) -> int:
    seconds = settings.TODO_COUNT_SECONDS
    if seconds <= 0:
        return todo_count(request.user)
    now = int(time.time())
    kept = request.session.get(KEY)
    if kept and 0 <= now - kept[1] < seconds:
        return kept[0]
    count = todo_count(request.user)
    request.session[KEY] = [count, now]
    return count


class ForgetTodoCount:
    """After a POST (an action, a form) the next page counts again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and KEY in request.session:
            del request.session[KEY]
        return self.get_response(request)
