from suggestions.todo_badge import kept_todo_count


def todo(request) -> dict:
    """我的待办's count in the navigation: run only when a full page shows the navigation (a
    callable, which the template calls; HTMX partials never do), and kept in the session
    for a while (suggestions.todo_badge)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": lambda: kept_todo_count(request)}
