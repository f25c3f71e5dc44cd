"""Small factories for tests. Names are Chinese, as the real records are."""

import factory

from hcppcc.directory.choices import HandlingUnitKind, MemberPosition, OrganizationKind
from hcppcc.directory.models import (
    Committee,
    HandlingUnit,
    Member,
    Organization,
    Sector,
    Session,
    User,
)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session
        django_get_or_create = ("term", "number")

    # Both go up to 99 (Chinese numerals in the label): wrap round rather than overflow.
    term = factory.Sequence(lambda n: 13 + n // 99 % 80)
    number = factory.Sequence(lambda n: n % 99 + 1)
    year = factory.LazyAttribute(lambda session: 2017 + session.number)
    label = factory.LazyAttribute(lambda session: f"第{session.term}届第{session.number}次会议")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试委员会{n}")


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试界别{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试党派{n}")
    kind = OrganizationKind.DEMOCRATIC_PARTY


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试承办单位{n}")
    kind = HandlingUnitKind.GOVERNMENT_DEPARTMENT


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"委员{n}")
    sector = factory.SubFactory(SectorFactory)
    position = MemberPosition.MEMBER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery-staple")
