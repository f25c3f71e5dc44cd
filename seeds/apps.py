from django.apps import AppConfig


class SeedsConfig(AppConfig):
    """The records a new installation starts from and the generators of synthetic ones:
    the 2020 seeds (``load_seeds``), the demo users and records (``create_demo_users``,
    ``generate_demo``) and the scale archive (``generate_scale``). It sits beside the
    apps and imports from them; nothing imports it. No models."""

    name = "seeds"
    verbose_name = "Seeds and generators"
