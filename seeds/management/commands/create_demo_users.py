"""``manage.py create_demo_users``: one account per role, for trying the app out."""

import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hcppcc.directory.choices import Role
from hcppcc.directory.models import HandlingUnit, Member, User
from hcppcc.directory.services import user_set_roles
from seeds.loader import DEMO_DIR, SeedError, load_seeds, seed_files

# username -> (role, family name, given name); the unit and member links are set below.
DEMO_USERS = {
    "office": (Role.PROPOSAL_OFFICE, "提案委", "办公室"),
    "committee": (Role.COMMITTEE_STAFF, "专委会", "工作人员"),
    "leader": (Role.LEADER, "孙", "建华"),
    "unit": (Role.HANDLING_UNIT, "城管执法局", "联络员"),
    "member": (Role.MEMBER, "李", "文华"),
    "auditor": (Role.AUDITOR, "审计", "人员"),
}
# The records the demo accounts stand for: a seeded unit and chair (seeds/data), and a
# demonstration member (seeds/demo), loaded here because only demo accounts need it.
DEMO_UNIT = "呼和浩特市城市管理综合执法局"
DEMO_MEMBER = ("李文华", "民盟")
DEMO_LEADER = "孙建华"


class Command(BaseCommand):
    help = "Create or reset one demo user per role (office, committee, leader, unit, ...)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo user (default: a new random one, printed).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Create the accounts even with DEBUG off. Demo accounts do not belong there.",
        )

    def handle(self, *args, password: str | None, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production. Pass --allow-production to "
                "create demo accounts anyway."
            )
        password = password or secrets.token_urlsafe(12)
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic():
            try:
                unit = HandlingUnit.objects.get_by_natural_key(DEMO_UNIT)
                leader = Member.objects.get(name=DEMO_LEADER)
            except (HandlingUnit.DoesNotExist, Member.DoesNotExist) as error:
                raise CommandError(
                    f"Load the seeds first (manage.py load_seeds): {error}"
                ) from error
            try:
                load_seeds(seed_files(DEMO_DIR))
            except SeedError as error:
                raise CommandError(str(error)) from error
            member = Member.objects.get_by_natural_key(*DEMO_MEMBER)
            for username, (role, family_name, given_name) in DEMO_USERS.items():
                user, created = User.objects.get_or_create(username=username)
                user.last_name, user.first_name = family_name, given_name
                user.is_active = True
                user.set_password(password)
                user.save()
                try:
                    user_set_roles(
                        user=user,
                        roles=[role],
                        handling_unit=unit if role == Role.HANDLING_UNIT else None,
                        member={Role.MEMBER: member, Role.LEADER: leader}.get(role),
                    )
                except ValidationError as error:
                    raise CommandError(f"{username}: {' '.join(error.messages)}") from error
                self.stdout.write(
                    f"{'created' if created else 'updated'} {username:<10} {role.label}"
                )
        self.stdout.write(self.style.SUCCESS(f"Demo password for all of them: {password}"))
