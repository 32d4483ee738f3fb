"""Factories build rows directly; anything that moves an item through its life goes through
the services (see `advance` in conftest.py), as the app does."""

import datetime as dt

import factory
from django.contrib.auth.models import Group

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from departments.models import Role
from departments.models import User
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Suggestion
from suggestions.models import Topic


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试单位{n}")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: f"代表{n}")
    level = Deputy.Level.DISTRICT
    phone = "13812345678"


class CongressSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CongressSession
        django_get_or_create = ["name"]

    name = "区二届人大三次会议"
    year = 2023
    starts_on = dt.date(2023, 1, 5)
    ends_on = dt.date(2023, 1, 8)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Test-pass-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


def office_user(**kwargs) -> User:
    return UserFactory(role=Role.OFFICE, **kwargs)


def supervisor_user(**kwargs) -> User:
    return UserFactory(role=Role.SUPERVISOR, **kwargs)


def handler_user(department: Department, **kwargs) -> User:
    return UserFactory(role=Role.HANDLER, department=department, **kwargs)


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A registered draft, as `suggestion_create` leaves it."""

    class Meta:
        model = Suggestion
        skip_postgeneration_save = True

    year = 2024
    kind = Kind.SUGGESTION
    source = Source.SESSION
    number = factory.Sequence(lambda n: n + 1)
    session = factory.SubFactory(
        CongressSessionFactory,
        year=2024,
        name="区二届人大四次会议",
        starts_on=dt.date(2024, 1, 8),
        ends_on=dt.date(2024, 1, 11),
    )
    title = factory.Sequence(lambda n: f"关于改善第{n}号小区停车条件的建议")
    content = "建议内容。"
    topic = Topic.TRANSPORT
    lead_deputy = factory.SubFactory(DeputyFactory)
    received_on = dt.date(2024, 1, 15)


def deputy_user(deputy: Deputy, **kwargs) -> User:
    """The account of a deputy (DESIGN §10): the deputy role, linked to `deputy`."""
    user = UserFactory(role=Role.DEPUTY, **kwargs)
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user
