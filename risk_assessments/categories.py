"""The standard risk categories and the starting point of every new assessment.

The categories are the risks 001 §7 names, as DESIGN.md lists them. Each comes with a description
and suggested mitigations drawn from the five policies, citing the paragraph each mitigation
answers, so a service starts from the council's own rules rather than a blank page (000 §9).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class RiskCategory(models.TextChoices):
    REPUTATION = "reputation", "Reputation"
    LEGAL = "legal", "Legal – defamation, copyright, data protection"
    CONFIDENTIAL_INFORMATION = "confidential_information", "Confidential or personal information"
    SAFEGUARDING = "safeguarding", "Safeguarding children and vulnerable adults"
    ACCOUNT_SECURITY = "account_security", "Malware, phishing and account takeover"
    HARASSMENT = "harassment", "Bullying, trolling and harassment"
    POLITICAL_NEUTRALITY = "political_neutrality", "Political neutrality and purdah"
    RESOURCING = "resourcing", "Resourcing and inactivity"
    LOST_PRODUCTIVITY = "lost_productivity", "Lost productivity"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class StandardRisk:
    category: str
    description: str
    mitigations: str
    policy_reference: str


STANDARD_RISKS: tuple[StandardRisk, ...] = (
    StandardRisk(
        RiskCategory.REPUTATION,
        "A post, reply or silence on the account damages the council's reputation or brings it into "
        "disrepute.",
        "Only say what you would say at a public meeting with a journalist present (004 rule 1).\n"
        "Check the accuracy and sensitivity of a post before it goes live (004 Do 5).\n"
        "Admit a mistake first and correct it publicly (004 Do 9).\n"
        "Tell Communications straight away about any reputational issue (001 §30, 003 Section B).",
        "001 §7, §18",
    ),
    StandardRisk(
        RiskCategory.LEGAL,
        "Content on the account breaches the law: defamation, copyright, discrimination or data "
        "protection, leading to civil or criminal action.",
        "Stay within the libel laws at all times; ask Legal Services when unsure (003 D3.3, 000 §14).\n"
        "Respect copyright: use only our own or licensed images and music (003 D4.12).\n"
        "Posts are subject to data protection law and FOI requests (000 §18, 003 D5.6).",
        "001 §7, §14, §21",
    ),
    StandardRisk(
        RiskCategory.CONFIDENTIAL_INFORMATION,
        "Confidential, sensitive or personal information about residents, service users or staff is "
        "disclosed on the account.",
        "Never share confidential or sensitive information; follow the Information Security Policy "
        "(000 §18, 003 D4.8).\n"
        "Only highlight information already in the public domain (004 rule 5).\n"
        "Take personal matters offline: direct message, email or phone (004 Do 4).",
        "001 §7",
    ),
    StandardRisk(
        RiskCategory.SAFEGUARDING,
        "An image or post identifies or endangers a child, young person or vulnerable adult.",
        "No pictures of children without a signed parental consent form (004 Don't 9).\n"
        "Follow the service's own safeguarding protocol for work with young or vulnerable people "
        "(000 §3, 001 §16).\n"
        "Engage through open pages and groups; do not 'friend' service users (000 §12, 003 B2.4).",
        "001 §7, §16",
    ),
    StandardRisk(
        RiskCategory.ACCOUNT_SECURITY,
        "The account is taken over through phishing, malware or a stolen password, and used to post "
        "in the council's name.",
        "Multi-factor authentication switched on.\n"
        "Password kept in the council's password vault and changed regularly; changed at once if "
        "the account is hacked (004 Do 3).\n"
        "Communications holds admin access (000 §6f, §10; 004 Do 1).\n"
        "Registered to a generic council mailbox that more than one person can open (000 §11).\n"
        "Don't click links you are unsure about (004 Don't 1).",
        "001 §7",
    ),
    StandardRisk(
        RiskCategory.HARASSMENT,
        "Staff running the account, or people using it, are bullied, trolled or harassed.",
        "Publish the rules of engagement and apply them fairly (003 D8.3).\n"
        "Don't engage with users who are aggressive or abusive (004 Don't 5).\n"
        "Delete offensive posts or posts criticising named staff, and explain why (004 Do 11).\n"
        "Report abuse to your line manager, who takes HR advice (003 Section B).",
        "001 §7",
    ),
    StandardRisk(
        RiskCategory.POLITICAL_NEUTRALITY,
        "The account appears to take a political side, promotes individual Members, or breaks the "
        "rules during an election period (purdah).",
        "Stay politically neutral; make no political comments (001 §17, 004 Don't 3).\n"
        "Follow the purdah instructions: nothing party political, no promotion of individual "
        "Members (003 D10).\n"
        "Don't join campaigns or petitions without a Cabinet or Council decision (004 Don't 2).",
        "001 §17, 003 D10",
    ),
    StandardRisk(
        RiskCategory.RESOURCING,
        "The service cannot keep the account going: questions go unanswered, content stops and the "
        "account falls inactive.",
        "Named staff monitor the account and reply within the response times: in office hours by the "
        "end of the working day, otherwise by the close of the next (000 §25).\n"
        "Post regularly; an account unused for more than a month may be closed (003 D5.1).\n"
        "Don't open an account you cannot maintain (004 Don't 7); keep an exit plan (000 §8c).",
        "000 §8a, §25",
    ),
    StandardRisk(
        RiskCategory.LOST_PRODUCTIVITY,
        "Staff time is lost to personal or excessive use of social media during working time.",
        "Use the account for work purposes only, with clear objectives (004 Do 6).\n"
        "Avoid excessive work-related use (003 D5.4); no personal use in working time (003 B3.2).\n"
        "Line managers make sure staff know and follow the policy (001 §23).",
        "001 §7",
    ),
)
