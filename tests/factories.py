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


# --- Business cases (business_cases app) -----------------------------------------------------------
class BusinessCaseFactory(factory.django.DjangoModelFactory):
    """A case with every key question answered, by default in draft."""

    class Meta:
        model = "business_cases.BusinessCase"

    service = factory.SubFactory(ServiceFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Countryside walks {n}")
    platform = Platform.FACEBOOK
    handle = factory.Sequence(lambda n: f"ccdcwalks{n}")
    kind = AccountKind.DEPARTMENTAL
    purpose = "Promote guided walks on Cannock Chase; it fits the service's visitor plan."
    audience = "Families and walkers aged 25–60; people without Facebook are reached by the website."
    website_alternative = "The website lists walks but cannot take questions or share photos."
    similar_presence = "The corporate account shares some walks, but not week by week."
    commitment = "Two posts a week for two years, reviewed yearly."
    staffing = "Two rangers trained in social media, answering within the working day."
    negative_responses = "Reply politely with facts; hide abuse; refer complaints to the team."
    risks = "Out-of-date events; mitigated by a shared calendar."
    success_measures = "500 followers and 20 bookings a month by the first review in March."
    exit_strategy = "Post a closing message pointing to the website, then close the account."
    content_owner = "The Countryside Service manager."


# --- Monitoring (issue 6) ---------------------------------------------------------------------
def _now():
    from django.utils import timezone

    return timezone.now()


def _due(enquiry):
    from councilsocial.calendar.rules import response_due_at

    return response_due_at(enquiry.received_at)


class EnquiryFactory(factory.django.DjangoModelFactory):
    """An open enquiry received now, due under 000 §25; pass ``received_at`` to place it."""

    class Meta:
        model = "monitoring.Enquiry"

    account = factory.SubFactory(AccountFactory)
    platform_id = factory.Sequence(lambda n: f"enq-{n}")
    received_at = factory.LazyFunction(_now)
    author = factory.Faker("user_name")
    text = "When is the tip open on bank holidays?"
    channel = "comment"
    response_due_at = factory.LazyAttribute(_due)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "monitoring.Post"

    account = factory.SubFactory(AccountFactory)
    platform_id = factory.Sequence(lambda n: f"post-{n}")
    posted_at = factory.LazyFunction(_now)
    kind = "original"
