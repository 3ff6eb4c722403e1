from __future__ import annotations

from datetime import date, timedelta

import factory

from govhall.accounts.models import User
from govhall.core.identifiers import id_number_with_check, uscc_with_check
from govhall.organizations.models import Post
from govhall.organizations.services import posts_ensure
from govhall.organizations.tests.factories import DepartmentFactory

PASSWORD = "Govhall#2026"


def _id_number(n: int) -> str:
    """A valid 身份证号 of 谯城区 (341602): a birth date and a sequence derived from ``n``.

    341602 exists since 2000 and python-stdnum checks that the region code existed in the birth
    year, so births start in 2000 (adults by 2026 until 2008).
    """
    birth = date(2000, 1, 1) + timedelta(days=n % 3000)
    sequence = (n // 3000) % 1000
    return id_number_with_check(f"341602{birth:%Y%m%d}{sequence:03d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    kind = User.Kind.CITIZEN
    name = "张三"
    phone = "13800000000"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    id_number = factory.Sequence(_id_number)
    username = factory.LazyAttribute(lambda o: o.id_number)


class EnterpriseFactory(UserFactory):
    kind = User.Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"亳州测试商贸有限公司{n}")
    uscc = factory.Sequence(lambda n: uscc_with_check(f"91341600MA{n:07d}"[:17]))
    username = factory.LazyAttribute(lambda o: o.uscc)
    legal_representative = "李四"


class StaffFactory(UserFactory):
    kind = User.Kind.STAFF
    username = factory.Sequence(lambda n: f"staff{n}")
    name = "王五"
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def posts(obj, create, extracted, **kwargs):
        if create and extracted:
            posts_ensure()  # a transactional test before this one may have flushed them
            obj.posts.set(Post.objects.filter(code__in=extracted))
            assert obj.posts.count() == len(extracted), f"unknown post in {extracted}"


class AdminFactory(UserFactory):
    kind = User.Kind.ADMIN
    username = factory.Sequence(lambda n: f"admin{n}")
    name = "管理员"
    is_staff = True
    is_superuser = True
