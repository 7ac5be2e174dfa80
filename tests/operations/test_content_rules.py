"""The content checker's rules, one kind at a time (issue 15): what is flagged, the ordinary posts that
look like it and are not, and what purdah and an emergency change. Pure: no database."""

from __future__ import annotations

import pytest

from operations.content_check import Context, Draft, Rules, check_post

RULES = Rules(
    councillors=("Olivia Lyons", "Tony Johnson"),
    decided_campaigns=("Save Cannock Chase Hospital",),
    council_phone_numbers=("01543 462621",),
    council_email_domains=("cannockchasedc.gov.uk",),
)
OUTSIDE_PURDAH = Context()
PURDAH = Context(purdah=True)


def codes(text, context=OUTSIDE_PURDAH, rules=RULES, **draft):
    return [finding.code for finding in check_post(Draft(text=text, **draft), rules, context)]


def finding(text, code, context=OUTSIDE_PURDAH, **draft):
    return next(f for f in check_post(Draft(text=text, **draft), RULES, context) if f.code == code)


# --- Swearing (003 D3.3) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "What a shit day for the bin crews.",
        "F***ing hell, that's a lot of rain.",
        "Whoever dumped this is a total f**k-up.",
        "The weather is sh1t today.",
        "People leaving bags on trees is bullsh!t.",
        "Fly-tippers are b@stards.",
        "Pi$$ed off with fly-tipping? So are we.",
        "The traffic was f u c k i n g awful this morning.",
        "The traffic was s.h.i.t this morning.",
        "The queue at the tip is insane, fuuuuck.",
        "Our bin crews are shiiiit hot.",
        "Some total c*nts have wrecked the bus shelter.",
        "Parking on the pavement is a d*ck move.",
        "FFS, stop putting nappies in the recycling.",
        "Sod off, rain!",
        "Complete b0ll0cks.",
    ],
)
def test_swearing_is_flagged_plain_or_disguised(text):
    assert "swearing" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe Road is closed for gas works until Friday.",
        "Essex Road and Middlesex Drive are being resurfaced.",
        "Penistone Road in Cannock is closed tonight.",
        "Our shiitake mushroom workshop is on Saturday.",
        "Cocktail evening at the Museum on Friday.",
        "Dick Whittington is at the Prince of Wales Theatre this Christmas.",
        "Blue tits and great tits are nesting in the boxes at Cannock Park.",
        "Arsenal fans: the match will be shown at the Leisure Centre.",
        "Assessments for disabled facilities grants take six weeks.",
        "The damning report into the depot is published today.",
        "Grade A* results for our apprentices!",
        "Five-star 5* food hygiene rating for the café.",
        "Remembrance: the Bloody Sunday memorial service is at 11am.",
        "Fly-tippers have been fined £400 at Heath Hayes.",
        "The A38 and the M6 Toll are busy this morning.",
    ],
)
def test_look_alike_words_and_places_are_not_swearing(text):
    assert "swearing" not in codes(text)


def test_the_swearing_finding_names_the_word_as_written_and_its_policy():
    found = finding("What the f*** is wrong with you?", "swearing")
    assert found.matches == ("f***",) and found.policy == "003 D3.3"


# --- Personal data (000 §18; 001 §7) --------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "For the allotments, ring Dave on 07700 900123 after 6pm.",
        "Call Jenny on 07 700 900 877 if he's yours.",
        "Phone Steve directly on (07700) 900 321.",
        "The complainant, Mr D Patel (tel 0121 496 0123), has been updated.",
        "Contact the owner at sarah.jones77@gmail.com",
        "Email our organiser directly: john.smith@cannockchasedc.gov.uk",
        "Claimant's NI number: JT 12 34 56 C.",
        "National Insurance number QQ 12 34 56 C.",
        "Your neighbour at 4 Oak Close, Heath Hayes WS12 3HX has complained again.",
        "A purse in the name of Mrs Patricia Hall, 12 Elm Grove, Hednesford WS12 1AB, was handed in.",
        "Her date of birth is 14/02/1958.",
        "The grant went to sort code 20-45-77, account 12345678.",
    ],
)
def test_personal_data_is_flagged(text):
    assert "personal_data" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Out of hours, call 01543 462621.",  # the council's own number
        "Call our advice line on 0300 123 4567.",
        "Repairs: 0800 022 4400, free, 24 hours a day.",
        "Call Cannock Chase Citizens Advice on 01543 579 657 for help.",
        "Email housing@cannockchasedc.gov.uk or customer.services@cannockchasedc.gov.uk",
        "Email info@chasehospice.org.uk to volunteer.",
        "The Civic Centre, Beecroft Road, Cannock WS11 1BG is closed on Monday.",
        "Hednesford Library, 55 Market Street, Hednesford WS12 1AY is open late on Thursdays.",
        "The new homes at 1-15 Station Road, Hednesford WS12 4DH are ready.",
        "Planning application CH/25/0123 is open until 12/06/2026.",
        "Section 106 agreement 22/00917 paid for it: £120,000.",
        "Invoice 0123456789 has been paid.",
        "In an emergency call 999. For non-urgent crime, call 101.",
    ],
)
def test_council_service_and_organisation_details_are_not_personal_data(text):
    assert "personal_data" not in codes(text)


# --- Political content (001 §17; 004 Don't 3; 000 §14) and purdah (003 D10) -------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Vote Labour on 7 May!",
        "Thanks to the Conservative-run council, your bins are collected weekly.",
        "The Tories have cut our funding three years running.",
        "Great news from the Conservative group on the council: parking stays free!",
        "Only the Liberal Democrats have stood up for the leisure centre.",
        "Reform UK's councillors voted against the new homes.",
        "Cllr Jane Smith (Lab) opened the new play area today.",
        "Vote for Tony Johnson on Thursday.",
        "Vote for Sarah Jones on Thursday 7 May.",
        "Re-elect Olivia Lyons for Hednesford North!",
        "It's time to take back control of our high street.",
        "Keir Starmer has let down councils like ours.",
        "The Government's cuts have devastated local services.",
    ],
)
def test_political_content_is_flagged_all_year(text):
    assert "party_political" in codes(text)
    assert "party_political" in codes(text, PURDAH)


@pytest.mark.parametrize(
    "text",
    [
        "The labour market in Cannock Chase is strong, with 2,000 vacancies.",
        "Labour shortages in social care are a challenge across the country.",
        "Labour costs for the new pavilion came in under budget.",
        "Our figures are a conservative estimate: 3,000 trees were planted.",
        "Conservative estimates put the cost of the repairs at £2m.",
        "Your green bin will be emptied on the usual day this week.",
        "Vote for your favourite park in the People's Choice Green Flag Award!",
        "Vote for Hednesford Park in the Nation's Favourite Park poll.",
        "Welfare reform changes come in next month.",
        "Independent shops are the heart of our high street.",
        "Polling stations are open from 7am to 10pm on Thursday 7 May.",
        "The annual canvass starts this month: is everyone in your home on the electoral register?",
        "Cllr Smith was re-elected as Chairman at the annual meeting.",
    ],
)
def test_ordinary_words_containing_party_terms_are_not_political(text):
    assert "party_political" not in codes(text)
    assert "party_political" not in codes(text, PURDAH)


@pytest.mark.parametrize(
    "text",
    [
        "Cllr Adamson opened the new skate park today.",
        "Great to see Councillor Olivia Lyons at the opening of the hub.",
        "Thanks to Tony Johnson, the Leader of the Council, for launching our climate plan.",
    ],
)
def test_naming_a_councillor_is_flagged_in_purdah_only(text):
    assert "names_councillor" in codes(text, PURDAH)
    assert "names_councillor" not in codes(text)


def test_a_councillor_named_with_a_party_is_political_all_year():
    assert "party_political" in codes("Cllr Paul Webb (Con) joined the litter pick today.")


@pytest.mark.parametrize(
    "text",
    [
        "Ask your ward councillor at their next surgery.",
        "Councillors will debate the housing strategy tonight.",
        "Find your councillor at cannockchasedc.gov.uk/councillors",
    ],
)
def test_councillors_in_general_are_not_named_in_purdah(text):
    assert "names_councillor" not in codes(text, PURDAH)


# --- Campaigns and petitions (004 Don't 2) and new campaigns in purdah (003 D10) ---------------------
@pytest.mark.parametrize(
    "text",
    [
        "Please sign the Save Our Chase petition to stop the quarry expansion.",
        "We're proud to support the Keep Rugeley Pool Open campaign. Add your name today!",
        "Join the campaign to bring back the number 60 bus!",
        "We've signed the Hands Off Our Green Belt petition, and so should you.",
        "Have you signed the petition to reopen the station? Every signature counts.",
        "Cannock Chase Council stands with the Save Our NHS campaign.",
        "The Save the Rugeley Rose Theatre campaign needs 5,000 signatures.",
    ],
)
def test_backing_a_campaign_or_petition_is_flagged(text):
    found = codes(text)
    assert "campaign_or_petition" in found
    assert finding(text, "campaign_or_petition").policy == "004 Don't 2"


@pytest.mark.parametrize(
    "text",
    [
        "Our Bin It Right campaign is back this week with tips on what goes in which bin.",
        "Get behind our Walk to School Week campaign.",
        "Petitions to the council: any resident can start one, and one with 1,000 signatures is debated.",
        "Residents have started a petition about the closure. The council will consider it.",
        "Sign up to our e-newsletter for the latest news.",
        "Support the Poppy Appeal: buy a poppy at the Civic Centre.",
    ],
)
def test_the_councils_own_campaigns_and_petition_information_are_not_flagged(text):
    assert "campaign_or_petition" not in codes(text)


def test_a_campaign_on_the_decided_list_is_not_flagged():
    text = "Please support the Save Cannock Chase Hospital campaign. Sign up at cannockhospital.org"
    assert "campaign_or_petition" not in codes(text)
    assert "campaign_or_petition" in codes(text, rules=Rules())


def test_the_decided_list_exempts_only_its_own_campaign():
    text = "Please support the Save Rugeley Hospital campaign. Sign up at rugeleyhospital.org"
    assert "campaign_or_petition" in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "We're launching a new campaign today to get more people recycling food waste.",
        "Today we launch our Clean Streets campaign.",
        "Our brand new campaign to recruit foster carers starts this week.",
    ],
)
def test_a_new_campaign_is_flagged_in_purdah_only(text):
    assert "purdah_new_campaign" in codes(text, PURDAH)
    assert "purdah_new_campaign" not in codes(text)


def test_an_ongoing_campaign_is_not_new_in_purdah():
    assert "purdah_new_campaign" not in codes("Our Bin It Right campaign returns this week.", PURDAH)


# --- Emergency (003 D9.1) ----------------------------------------------------------------------------
def test_during_an_emergency_anyone_but_a_named_officer_is_told_not_to_post_first():
    text = "Fuck, what a day. Call Dave on 07700 900123."
    findings = check_post(Draft(text=text), RULES, Context(emergency=True))
    assert findings[0].code == "emergency" and findings[0].policy == "003 D9.1"
    assert "do not post" in findings[0].message


def test_a_named_communications_officer_may_post_during_an_emergency():
    assert "emergency" not in codes(
        "Roads are closed in Rugeley.", Context(emergency=True, named_officer=True)
    )


def test_no_emergency_finding_when_none_is_in_force():
    assert "emergency" not in codes("Roads are closed in Rugeley.")


# --- Posts today (004 Part C; 003 D5.2) -----------------------------------------------------------
def test_an_account_at_its_daily_guideline_is_warned_about_flooding():
    context = Context(posts_today=1, posting_guideline=(1, 1), platform_name="Facebook")
    found = finding("New opening hours from Monday: see our website.", "posting_today", context)
    assert "already made 1 post today" in found.message and "Facebook is 1 a day" in found.message


def test_an_account_under_its_guideline_is_not_warned():
    context = Context(posts_today=0, posting_guideline=(1, 1))
    assert "posting_today" not in codes("New opening hours from Monday: see our website.", context)


def test_a_platform_without_a_guideline_is_not_warned():
    context = Context(posts_today=9, posting_guideline=None)
    assert "posting_today" not in codes("New opening hours from Monday: see our website.", context)


# --- Accessible posts (GCS guidance; GDS social media playbook) -------------------------------------
@pytest.mark.parametrize(
    ("code", "flagged", "fine"),
    [
        (
            "hashtag_case",
            "Our litter pick is on Saturday. #lovewhereyoulive",
            "Our litter pick. #LoveWhereYouLive",
        ),
        ("hashtag_case", "Recycling week! #RECYCLINGWEEK", "Recycling week! #Recycling"),
        ("emoji_placement", "🎉 The new play area is open!", "The new play area is open! 🎉"),
        ("emoji_placement", "Our 🚮 bin crews are out today.", "Our bin crews are out today 🚮"),
        ("emoji_count", "Christmas market this weekend! 🎄🎅🎁🌟", "Christmas market this weekend! 🎄🎅🎁"),
        ("styled_letters", "𝗙𝗥𝗘𝗘 parking this Saturday!", "Free parking this Saturday!"),
        (
            "styled_letters",
            "Our 𝘯𝘦𝘸 opening hours start on Monday.",
            "Our new opening hours start on Monday.",
        ),
        (
            "long_sentence",
            "If you are a resident of the district and you would like to find out more about the "
            "ways you can reduce, reuse and recycle your waste then come along to a drop-in session.",
            "Want to reduce, reuse and recycle more? Come to a drop-in session at the library. We'll help.",
        ),
        (
            "capitals",
            "IMPORTANT: BIN COLLECTIONS ARE DELAYED TODAY.",
            "Important: bin collections are delayed today.",
        ),
        ("capitals", "FREE PARKING this weekend!", "The NHS and the DVLA have updated their guidance."),
        ("capitals", "Roadworks are now FINISHED.", "Our CCTV team works with the police."),
        (
            "link_text",
            "Find out about our opening hours. Click here: cannockchasedc.gov.uk/hours",
            "See our opening hours at cannockchasedc.gov.uk/hours",
        ),
    ],
)
def test_accessibility_advice(code, flagged, fine):
    assert code in codes(flagged)
    assert code not in codes(fine)


def test_an_image_needs_alt_text():
    text = "Our new play area is open. See cannockchasedc.gov.uk/play"
    assert "image_without_alt_text" in codes(text, has_image=True)
    assert "image_without_alt_text" not in codes(
        text, has_image=True, alt_text="Children on a climbing frame"
    )
    assert "image_without_alt_text" not in codes(text)


def test_a_video_needs_captions():
    text = "Watch our bin crews at work: cannockchasedc.gov.uk/bins"
    assert "video_without_captions" in codes(text, has_video=True)
    assert "video_without_captions" not in codes(text, has_video=True, has_captions=True)


def test_each_accessibility_finding_names_its_guidance():
    text = "🎉 FREE PARKING this weekend! 𝗙𝗥𝗘𝗘! Click here: cannockchasedc.gov.uk/parking #freeparking"
    findings = check_post(Draft(text=text, has_image=True, has_video=True), RULES, OUTSIDE_PURDAH)
    advice = [f for f in findings if f.code not in ("no_call_to_action", "jargon")]
    assert len(advice) >= 6
    assert all(f.policy.startswith(("GCS", "GDS")) for f in advice)


def test_every_finding_names_a_policy_or_guidance():
    text = (
        "🎉 FFS, vote Labour and sign the Save Our Chase petition! Call Dave on 07700 900123. "
        "Cllr Olivia Lyons launches our new campaign. Click here: cannockchasedc.gov.uk #savethechase"
    )
    context = Context(purdah=True, emergency=True, posts_today=2, posting_guideline=(1, 1))
    findings = check_post(Draft(text=text, has_image=True), RULES, context)
    assert {f.code for f in findings} >= {
        "emergency",
        "swearing",
        "personal_data",
        "party_political",
        "names_councillor",
        "campaign_or_petition",
        "purdah_new_campaign",
        "posting_today",
        "image_without_alt_text",
    }
    assert all(f.policy for f in findings)
