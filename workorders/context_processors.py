from django.http import HttpRequest

from workorders.permissions import UserPermissions


def permissions(request: HttpRequest) -> dict[str, object]:
    """``can``: what the signed-in user may see and do, for the navigation and the pages (one source of truth)."""
    return {"can": UserPermissions(getattr(request, "user", None))}
