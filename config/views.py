from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A Chinese page for a failed CSRF check (the default one is English)."""
    return render(request, "403_csrf.html", status=403)
