from django.http import HttpRequest

from accounts.models import Role


def role(request: HttpRequest) -> dict[str, object]:
    """Expose the role names to templates so navigation can be built per role."""
    user = getattr(request, "user", None)
    return {"Role": Role, "user_role": getattr(user, "role", None)}
