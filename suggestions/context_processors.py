from suggestions.selectors import todo_count


def todo(request) -> dict:
    """我的待办's count in the navigation: one COUNT query, run only when a full page shows
    the navigation (a callable, which the template calls; HTMX partials never do)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": lambda: todo_count(user)}
