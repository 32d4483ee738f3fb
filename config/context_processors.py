from django.conf import settings


def organisation(request):
    return {
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
        "ORGANISATION_SHORT_NAME": settings.ORGANISATION_SHORT_NAME,
        "SYSTEM_NAME": settings.SYSTEM_NAME,
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
    }
