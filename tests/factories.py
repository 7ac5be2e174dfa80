"""factory-boy factories for the suite."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts_register.models import (
    AccountKind,
    AccountStatus,
    Committee,
    Directorate,
    Service,
    SocialMediaAccount,
)
from accounts_register.platforms import Platform


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@cannockchasedc.gov.uk")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class DirectorateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directorate

    name = factory.Sequence(lambda n: f"Directorate {n}")


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    name = factory.Sequence(lambda n: f"Committee {n}")
    chairman_name = factory.Faker("name", locale="en_GB")
    chairman_email = factory.Sequence(lambda n: f"chair{n}@cannockchasedc.gov.uk")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    directorate = factory.SubFactory(DirectorateFactory)
    committee = factory.SubFactory(CommitteeFactory)

    @factory.post_generation
    def officers(self, create, extracted, **kwargs):
        for user in extracted or ():
            self.officers.add(user)

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        for user in extracted or ():
            self.managers.add(user)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialMediaAccount

    platform = Platform.X
    handle = factory.Sequence(lambda n: f"ccdc_test{n}")
    url = factory.LazyAttribute(lambda a: f"https://x.com/{a.handle}")
    display_name = factory.Sequence(lambda n: f"Test account {n}")
    service = factory.SubFactory(ServiceFactory)
    kind = AccountKind.DEPARTMENTAL
    status = AccountStatus.ACTIVE
    admin_mailbox = "socialmedia@cannockchasedc.gov.uk"
    admin_mailbox_is_shared = True
    comms_has_admin_access = True
