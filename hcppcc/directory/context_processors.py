"""Template context shared by every page."""

from hcppcc.directory.choices import Role


def roles(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": user.roles, "Role": Role}
