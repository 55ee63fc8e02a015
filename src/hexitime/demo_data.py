"""The demo network that `manage.py seed_demo` loads: fictional communities and members."""

DEMO_PASSWORD = "hexitime-demo"  # noqa: S105 - published on purpose for the demo site
DEMO_DOMAIN = "demo.hexitime.test"

NATION = ("england", "England", "The national Hexitime community: every member across England can exchange here.")

# slug, name, description
REGIONS = [
    ("north-east-yorkshire", "North East and Yorkshire", "Improvers across the North East and Yorkshire."),
    ("north-west", "North West", "Improvers across Cheshire, Merseyside, Greater Manchester, Lancashire and Cumbria."),
    ("midlands", "Midlands", "Improvers across the East and West Midlands."),
    ("london", "London", "Improvers across the capital's trusts, boroughs and voluntary groups."),
    ("south-west", "South West", "Improvers from Gloucestershire to Cornwall."),
]

# slug, name, region slug, join policy, description
ORGANISATIONS = [
    ("riverside-teaching-hospitals", "Riverside Teaching Hospitals", "north-east-yorkshire", "approval",
     "An acute teaching trust with a busy QI faculty."),
    ("moorland-primary-care-network", "Moorland Primary Care Network", "north-east-yorkshire", "open",
     "Eleven practices improving access and long-term condition care together."),
    ("kingsmere-mental-health", "Kingsmere Mental Health Partnership", "north-west", "approval",
     "Community and inpatient mental health services."),
    ("harbourside-ambulance", "Harbourside Ambulance Service", "north-west", "approval",
     "Emergency and urgent care across the coast."),
    ("eastbrook-university-hospitals", "Eastbrook University Hospitals", "midlands", "approval",
     "Three hospitals, one improvement team."),
    ("cityview-patient-voice", "Cityview Patient Voice", "london", "open",
     "Patients, carers and service users who want to shape services."),
    ("westvale-integrated-care", "Westvale Integrated Care Board", "london", "approval",
     "Commissioners and partners improving care across the system."),
    ("southdown-hospice", "Southdown Hospice", "south-west", "open",
     "Hospice and end-of-life care, at home and on the ward."),
]

# key, display name, pronouns, role, organisation slug, skills, availability, mode
MEMBERS = [
    ("amara", "Amara Okafor", "she/her", "qi_lead", "riverside-teaching-hospitals",
     ["Model for Improvement", "Coaching", "Run charts"], "Tuesday afternoons", "either"),
    ("ben", "Ben Hughes", "he/him", "analyst", "riverside-teaching-hospitals",
     ["Statistical process control", "Data visualisation", "Spreadsheet and BI tools"], "An hour a week", "remote"),
    ("chloe", "Chloe Martin", "she/her", "nurse_midwife", "riverside-teaching-hospitals",
     ["Patient safety", "Human factors"], "Between shifts, remotely", "remote"),
    ("dev", "Dev Sharma", "he/him", "clinician", "eastbrook-university-hospitals",
     ["Clinical audit", "Root cause analysis"], "Fridays", "either"),
    ("eleanor", "Eleanor Price", "she/her", "manager", "eastbrook-university-hospitals",
     ["Demand and capacity", "Project management", "Leadership for change"], "Mornings", "in_person"),
    ("femi", "Femi Adeyemi", "he/him", "patient", "cityview-patient-voice",
     ["Patient and public involvement", "Storytelling"], "Evenings", "remote"),
    ("grace", "Grace Liu", "she/her", "carer", "cityview-patient-voice",
     ["Carer and service-user perspective", "Co-production"], "School hours", "either"),
    ("harry", "Harry Evans", "he/him", "ahp", "southdown-hospice",
     ["Process mapping", "Facilitation"], "Wednesdays", "in_person"),
    ("isla", "Isla Campbell", "she/her", "qi_lead", "kingsmere-mental-health",
     ["Experience-based co-design", "Facilitation", "Driver diagrams"], "Flexible", "either"),
    ("jamal", "Jamal Reid", "he/him", "analyst", "westvale-integrated-care",
     ["Health economics", "Evaluation design", "Statistics"], "Thursdays", "remote"),
    ("kate", "Kate O'Brien", "she/her", "manager", "harbourside-ambulance",
     ["Lean", "Value stream mapping"], "Monday mornings", "either"),
    ("leo", "Leo Novak", "they/them", "other", "moorland-primary-care-network",
     ["Digital and IT", "Survey design"], "Lunchtimes", "remote"),
    ("maya", "Maya Patel", "she/her", "clinician", "moorland-primary-care-network",
     ["PDSA cycles", "Measurement for improvement"], "After clinics", "either"),
    ("noah", "Noah Williams", "he/him", "patient", "cityview-patient-voice",
     ["Social media", "Presentation skills"], "Weekends", "remote"),
    ("olivia", "Olivia Brown", "she/her", "nurse_midwife", "kingsmere-mental-health",
     ["Coaching", "Mentoring"], "Alternate Thursdays", "in_person"),
    ("priya", "Priya Nair", "she/her", "qi_lead", "westvale-integrated-care",
     ["Large-scale change", "Spread and scale", "Systems thinking"], "Flexible", "either"),
    ("quinn", "Quinn Taylor", "they/them", "analyst", "eastbrook-university-hospitals",
     ["Run charts", "Statistical process control"], "Afternoons", "remote"),
    ("rosa", "Rosa Garcia", "she/her", "ahp", "riverside-teaching-hospitals",
     ["Failure modes and effects analysis", "Process mapping"], "Tuesdays", "in_person"),
    ("sam", "Sam Osei", "he/him", "manager", "southdown-hospice",
     ["Stakeholder engagement", "Bid and funding applications"], "Mornings", "either"),
    ("tom", "Tom Fletcher", "he/him", "clinician", "harbourside-ambulance",
     ["Human factors", "Patient safety", "Theory of constraints"], "Rest days", "either"),
    ("uma", "Uma Reddy", "she/her", "carer", "kingsmere-mental-health",
     ["Carer and service-user perspective", "Equality and inclusion"], "Evenings", "remote"),
    ("victor", "Victor Mensah", "he/him", "qi_lead", "harbourside-ambulance",
     ["Six Sigma", "Lean", "Coaching"], "Flexible", "either"),
    ("wren", "Wren Ellis", "she/her", "other", "southdown-hospice",
     ["Writing and publishing", "Literature review"], "Fridays", "remote"),
    ("xavier", "Xavier Dubois", "he/him", "analyst", "westvale-integrated-care",
     ["Qualitative methods", "Evaluation design"], "Wednesdays", "remote"),
    ("yasmin", "Yasmin Ali", "she/her", "nurse_midwife", "eastbrook-university-hospitals",
     ["Sustainability", "Green and sustainable healthcare"], "Night-shift weeks off", "either"),
    ("zoe", "Zoe Clarke", "she/her", "patient", "moorland-primary-care-network",
     ["Patient and public involvement", "Appreciative inquiry"], "Mornings", "in_person"),
    ("aidan", "Aidan Murphy", "he/him", "ahp", "kingsmere-mental-health",
     ["Ethics and governance approvals", "Clinical audit"], "Thursdays", "either"),
    ("bea", "Bea Thompson", "she/her", "manager", "moorland-primary-care-network",
     ["Demand and capacity", "Facilitation"], "Afternoons", "in_person"),
    ("cal", "Cal Ahmed", "he/him", "clinician", "westvale-integrated-care",
     ["Driver diagrams", "Model for Improvement"], "Mondays", "remote"),
    ("dina", "Dina Kowalski", "she/her", "qi_lead", "cityview-patient-voice",
     ["Co-production", "Facilitation", "Storytelling"], "Flexible", "either"),
]

# Who coordinates what: member key -> community slugs.
COORDINATORS = {
    "amara": ["england", "riverside-teaching-hospitals"],
    "isla": ["north-west", "kingsmere-mental-health"],
    "dina": ["cityview-patient-voice", "london"],
    "eleanor": ["eastbrook-university-hospitals", "midlands"],
    "victor": ["harbourside-ambulance"],
    "maya": ["moorland-primary-care-network", "north-east-yorkshire"],
    "priya": ["westvale-integrated-care"],
    "sam": ["southdown-hospice", "south-west"],
}

# A few applications left pending so coordinators have something to approve.
PENDING = {"ben": "eastbrook-university-hospitals", "femi": "kingsmere-mental-health"}


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"
