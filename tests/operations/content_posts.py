"""Real-style council posts, good and bad, with the findings each should (and should only) raise.

Each entry: (text, platform, purdah, expected finding codes). The ordinary news among them carries
dates, prices, times, planning and licence references, council service numbers and generic mailboxes,
so the personal-data patterns are tested against what councils actually post.
"""

POSTS = [
    # --- Ordinary council news: no findings ---------------------------------------------------
    (
        "Bin collections change over Christmas. Your collection on Thursday 25 December will be on "
        "Saturday 27 December instead. Check your new day: https://www.cannockchasedc.gov.uk/bins",
        "x",
        False,
        set(),
    ),
    (
        "Hednesford Park's Splash Pad opens on Saturday 24 May from 10am to 6pm. Entry is free. "
        "Find out more at cannockchasedc.gov.uk/parks",
        "facebook",
        False,
        set(),
    ),
    (
        "Our Chase Leisure Centre swim lessons are £7.50 a session, or £28 for a block of four. "
        "Book online: www.cannockchasedc.gov.uk/swim",
        "instagram",
        False,
        set(),
    ),
    (
        "Planning application CH/25/0123 for 14 new homes at the former depot is open for comments until "
        "12/06/2026. Have your say on the planning portal.",
        "facebook",
        False,
        set(),
    ),
    (
        "Council tax bills for 2026/27 are on their way. Band D is £1,984.21 this year. Pay by direct debit "
        "at www.cannockchasedc.gov.uk/counciltax",
        "x",
        False,
        set(),
    ),
    (
        "Roadworks on Beecroft Road from 3 to 14 March, 9.30am to 3.30pm. Allow extra time for your "
        "journey. Details: https://www.staffordshire.gov.uk/roadworks",
        "x",
        False,
        set(),
    ),
    (
        "Need help with your energy bills? Call our advice line on 0300 123 4567, Monday to Friday "
        "9am to 5pm.",
        "facebook",
        False,
        set(),
    ),
    (
        "Questions about your rent account? Email housing@cannockchasedc.gov.uk and we'll reply within "
        "two working days.",
        "facebook",
        False,
        set(),
    ),
    (
        "The Civic Centre, Beecroft Road, Cannock WS11 1BG is closed on Monday 26 August for the bank "
        "holiday. Report a missed bin online at cannockchasedc.gov.uk/report",
        "x",
        False,
        set(),
    ),
    (
        "Thank you to the 250 volunteers who joined our litter pick on Cannock Chase last Sunday, "
        "collecting 1.2 tonnes of rubbish. Join the next one: cannockchasedc.gov.uk/litterpick",
        "instagram",
        False,
        set(),
    ),
    (
        "Premises licence LN/2026/00451 has been granted. See the licensing register for conditions.",
        "x",
        False,
        set(),
    ),
    (
        "Garden waste subscriptions for 2026 cost £45 and run from 1 April 2026 to 31 March 2027. "
        "Sign up before 28 February.",
        "facebook",
        False,
        set(),
    ),
    (
        "Fireworks on the Chase: gates open 5.30pm on 5 November, display at 7pm. Tickets £6 adults, "
        "£3 children. Book at www.cannockchasedc.gov.uk/fireworks",
        "x",
        False,
        set(),
    ),
    (
        "The new play area at Ravenhill Park is open. It cost £120,000, funded by section 106 "
        "agreement 22/00917. Come along and try it out!",
        "facebook",
        False,
        set(),
    ),
    (
        "We're recruiting: Customer Services Adviser, grade 4, £24,404 to £25,584. Closing date "
        "10 January. Apply at cannockchasedc.gov.uk/jobs",
        "linkedin",
        False,
        set(),
    ),
    (
        "Our offices close at 2pm on 24 December and reopen at 8.45am on 2 January. Out of hours "
        "emergencies: call 01543 462621.",
        "x",
        False,
        set(),
    ),
    (
        "Flood warning in place for the Ridings Brook area. Sandbags are available from the depot on "
        "Avon Road. Latest updates: https://check-for-flooding.service.gov.uk",
        "x",
        False,
        set(),
    ),
    (
        "Well done to Chadsmoor Community Garden, winner of the Cannock in Bloom award 2026! Watch the "
        "ceremony on our YouTube channel.",
        "facebook",
        False,
        set(),
    ),
    (
        "Thanks for getting in touch. We've passed this to our environmental health team. Could you "
        "send us a direct message with the location?",
        "x",
        False,
        set(),
    ),
    (
        "During the election period, polling stations are open from 7am to 10pm on Thursday 7 May. "
        "Find your polling station at cannockchasedc.gov.uk/vote",
        "x",
        True,
        set(),
    ),
    (
        "The Labour Market Bulletin for Staffordshire is out... just kidding, see our jobs fair on "
        "12 March at the Civic Centre, 10am to 2pm.",
        "facebook",
        False,
        set(),
    ),
    (
        "Cannock Chase Council Housing Services, 0800 022 4400 freephone, for repairs 24 hours a day. "
        "Report a repair online too.",
        "facebook",
        False,
        set(),
    ),
    # --- Too long -----------------------------------------------------------------------------
    (
        "We are delighted to let residents know that our brand new recycling centre on Lichfield Road "
        "will be opening to the public next month, with longer opening hours, more space for cars, "
        "separate areas for garden waste and electricals, and friendly staff on hand to help you "
        "sort everything. Find out more at cannockchasedc.gov.uk/recycling",
        "x",
        False,
        {"too_long", "long_sentence"},
    ),
    (
        "Bluesky friends: our summer events programme is here. "
        + "There is something for everyone. " * 9
        + "See cannockchasedc.gov.uk/events",
        "bluesky",
        False,
        {"too_long"},
    ),
    # --- Swearing -----------------------------------------------------------------------------
    (
        "Fly-tippers who dumped this rubbish in Heath Hayes are absolute bastards. Report fly-tipping at "
        "cannockchasedc.gov.uk/report",
        "x",
        False,
        {"swearing"},
    ),
    (
        "What a shit day for the bin crews in this weather – thanks for bearing with us. Check for "
        "delays at cannockchasedc.gov.uk/bins",
        "facebook",
        False,
        {"swearing"},
    ),
    (
        "Bloody hell, 40 tonnes of litter collected at the festival! Thanks to everyone who came along.",
        "instagram",
        False,
        {"swearing", "no_call_to_action"},
    ),
    # --- Personal data ------------------------------------------------------------------------
    (
        "For the allotment waiting list, ring Dave on 07700 900123 after 6pm.",
        "facebook",
        False,
        {"personal_data"},
    ),
    (
        "Lost dog found on Church Street. Contact the owner at sarah.jones77@gmail.com",
        "facebook",
        False,
        {"personal_data"},
    ),
    (
        "Any questions about the event? Email our organiser directly: john.smith@cannockchasedc.gov.uk",
        "x",
        False,
        {"personal_data"},
    ),
    (
        "Resident reported a blocked drain outside 27 Mill Street, Cannock WS11 0DL – our team is on the "
        "way. Report yours at cannockchasedc.gov.uk/report",
        "x",
        False,
        {"personal_data"},
    ),
    (
        "Please reply to the claimant, NI number JT 12 34 56 C, about their housing benefit. "
        "Contact them today.",
        "facebook",
        False,
        {"personal_data"},
    ),
    (
        "Our tenancy officer can be reached on +44 7700 900456. Call any weekday.",
        "x",
        False,
        {"personal_data"},
    ),
    # --- Purdah -------------------------------------------------------------------------------
    (
        "Cllr Adamson opened the new skate park today. See the photos on our website.",
        "facebook",
        True,
        {"names_councillor"},
    ),
    (
        "Great to see Councillor Olivia Lyons at the opening of the Hednesford Road community hub. "
        "Find out more at cannockchasedc.gov.uk/hubs",
        "facebook",
        True,
        {"names_councillor"},
    ),
    (
        "The Labour group's plan for free parking is now council policy. Read more at "
        "cannockchasedc.gov.uk/parking",
        "x",
        True,
        {"party_political"},
    ),
    (
        "Thanks to Tony Johnson, the Leader of the Council, for launching our climate plan. Read it at "
        "cannockchasedc.gov.uk/climate",
        "x",
        True,
        {"names_councillor"},
    ),
    (
        "Cllr Adamson opened the new skate park today. See the photos on our website.",
        "facebook",
        False,
        set(),
    ),
    # --- No call to action --------------------------------------------------------------------
    (
        "Our parks team planted 3,000 trees across the district this winter.",
        "x",
        False,
        {"no_call_to_action"},
    ),
    (
        "The Council's annual accounts for 2025/26 have been approved by the Audit Committee.",
        "linkedin",
        False,
        {"no_call_to_action"},
    ),
    # --- Jargon -------------------------------------------------------------------------------
    (
        "Going forward, we will leverage our partnerships with key stakeholders to deliver holistic "
        "services. Read our plan at cannockchasedc.gov.uk/plan",
        "linkedin",
        False,
        {"jargon"},
    ),
    (
        "Service users can now access the portal to facilitate their benefit claims. Visit "
        "cannockchasedc.gov.uk/benefits",
        "facebook",
        False,
        {"jargon"},
    ),
    # --- Several at once ----------------------------------------------------------------------
    (
        "Damn, going forward Cllr Adamson says call his mobile 07700 900789 with complaints",
        "x",
        True,
        {"swearing", "jargon", "names_councillor", "personal_data"},
    ),
]

# Entries checked with a picture flagged as showing children: (consent given and valid, expected).
CHILDREN_POSTS = [
    (
        "Our summer reading challenge winners at Cannock Library! Sign up at cannockchasedc.gov.uk/read",
        None,
        {"children_without_consent"},
    ),
    (
        "Our summer reading challenge winners at Cannock Library! Sign up at cannockchasedc.gov.uk/read",
        False,
        {"children_without_consent"},
    ),
    (
        "Our summer reading challenge winners at Cannock Library! Sign up at cannockchasedc.gov.uk/read",
        True,
        set(),
    ),
]

# Comms' lists used with the fixture.
COUNCILLORS = ("Tony Johnson", "Olivia Lyons", "Adamson")
COUNCIL_PHONE_NUMBERS = ("01543 462621",)

# Written after the checker was finished and not used to tune it: the labels are what a Communications
# officer would want flagged. The checker's misses and false alarms here are real and stated in the test.
HELD_OUT_POSTS = [
    (
        "Vote for your favourite photo in our Cannock Chase photo competition! Entries at "
        "cannockchasedc.gov.uk/photos",
        "facebook",
        True,
        set(),  # a competition, not an election: "vote for" is a false alarm during purdah
    ),
    (
        "Pop-up advice session at 25 Market Street, Rugeley WS15 2BL on Tuesday, 10am to 1pm. "
        "No appointment needed.",
        "facebook",
        False,
        {"no_call_to_action"},  # a venue, not someone's home: the address pattern cannot tell
    ),
    (
        "In an emergency call 999. To report non-urgent crime, call 101 or visit staffordshire.police.uk",
        "x",
        False,
        set(),
    ),
    (
        "Scrap metal collections are free for residents over 65. Book a collection online.",
        "facebook",
        False,
        set(),
    ),
    (
        "The damning report into the old depot is published today. Read it at cannockchasedc.gov.uk/depot",
        "x",
        False,
        set(),
    ),
    (
        "Hey John, your neighbour at 4 Oak Close, Heath Hayes WS12 3HX has complained again. DM us.",
        "x",
        False,
        {"personal_data"},
    ),
    (
        "Great news from the Conservative group on the council: parking stays free! See "
        "cannockchasedc.gov.uk/parking",
        "facebook",
        True,
        {"party_political"},  # "Conservative" (singular) is not in the built-in list
    ),
    (
        "Text Sarah on 07911123456 for your free tickets to the Christmas lights switch-on.",
        "instagram",
        False,
        {"personal_data"},
    ),
    (
        "Our Leader, Councillor Tony Johnson, will switch on the Christmas lights at 5pm on Friday. "
        "See you there!",
        "facebook",
        True,
        {"names_councillor"},
    ),
    (
        "This weekend's weather was crap for the carnival but you still came along. Thank you! "
        "Photos at cannockchasedc.gov.uk/carnival",
        "facebook",
        False,
        {"swearing"},
    ),
    (
        "We are working with partners to embed a place-based approach across the district going forward. "
        "Find out more at cannockchasedc.gov.uk/plan",
        "linkedin",
        False,
        {"jargon"},
    ),
    (
        "Bins will be collected as normal over the Easter weekend.",
        "x",
        False,
        {"no_call_to_action"},
    ),
]
