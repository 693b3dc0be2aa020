"""Fictional demo data: practices, names and weekly session templates (no real people or places)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from booking_backend.directory.models import PractitionerRole, ServiceCode
from booking_backend.scheduling.models import DeliveryChannel

# (ODS-style code, name, address, postcode, latitude, longitude); the codes start ZZ to be obviously fake.
PRACTICES = [
    ("ZZ1001", "Riverside Medical Practice", "1 Mill Lane, Leeds", "LS1 4AP", 53.7960, -1.5470),
    ("ZZ1002", "Hillview Surgery", "22 Moor Road, Leeds", "LS6 2AB", 53.8190, -1.5780),
    ("ZZ1003", "Canal Street Health Centre", "5 Canal Street, Leeds", "LS12 1DU", 53.7920, -1.5790),
    ("ZZ1004", "Parkside Family Doctors", "80 Park Avenue, Leeds", "LS8 2JH", 53.8250, -1.5160),
    ("ZZ2001", "Northgate Community Hub", "3 Northgate, Leeds", "LS7 3QL", 53.8170, -1.5380),
    ("ZZ3001", "Bridge Dental Care", "14 Bridge End, Leeds", "LS1 6DD", 53.7940, -1.5430),
]
BRANCHES = [  # (practice code, name, address, postcode, latitude, longitude)
    ("ZZ1001", "Riverside Branch Surgery", "9 Wharf Street, Leeds", "LS2 7EE", 53.7980, -1.5380),
    ("ZZ1004", "Parkside at Roundhay", "2 Lakeside Close, Leeds", "LS8 1AA", 53.8380, -1.4990),
]

FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Daniel", "Ella", "Farid", "Grace", "Harry", "Isla", "Jack", "Kiran", "Leah",
    "Mohammed", "Nia", "Oliver", "Priya", "Quinn", "Ruth", "Sam", "Tom", "Uma", "Victor", "Wen", "Yusuf",
    "Zara", "Aisha", "Callum", "Deepa", "Euan", "Fatima",
]
SURNAMES = [
    "Adeyemi", "Brennan", "Chowdhury", "Davies", "Evans", "Fraser", "Gallagher", "Hughes", "Iqbal", "Jones",
    "Kowalski", "Lewis", "MacLeod", "Nowak", "O'Brien", "Patel", "Quigley", "Roberts", "Singh", "Thomas",
    "Underwood", "Vaughan", "Williams", "Xu", "Young", "Zielinski", "Okafor", "Murphy", "Shah", "Begum",
]
EXTRA_LANGUAGES = ["pl", "ur", "pa", "bn", "ar", "so", "ro", "cy", "gu", "zh"]


@dataclass(frozen=True)
class SessionTemplate:
    service: ServiceCode
    weekdays: str
    start: time
    end: time
    slot_minutes: int
    channel: DeliveryChannel


@dataclass(frozen=True)
class RoleTemplate:
    role: PractitionerRole
    count: int
    practices: tuple[str, ...]
    title: str
    bio: str
    sessions: tuple[SessionTemplate, ...]


IN_PERSON, PHONE, VIDEO = DeliveryChannel.IN_PERSON, DeliveryChannel.PHONE, DeliveryChannel.VIDEO
GP_PRACTICES = ("ZZ1001", "ZZ1002", "ZZ1003", "ZZ1004")

ROLES = [
    RoleTemplate(PractitionerRole.GP, 30, GP_PRACTICES, "Dr ",
                 "A GP with a special interest in {interest}. Sees adults and children.", (
                     SessionTemplate(ServiceCode.GP_ROUTINE, "mon,wed,fri", time(9), time(12), 15, IN_PERSON),
                     SessionTemplate(ServiceCode.GP_URGENT_SAME_DAY, "tue,thu", time(8, 30), time(11, 30), 10, PHONE),
                     SessionTemplate(ServiceCode.GP_ROUTINE, "tue,thu", time(14), time(17), 15, VIDEO),
                 )),
    RoleTemplate(PractitionerRole.NURSE, 16, GP_PRACTICES, "",
                 "A practice nurse: {interest}, dressings, injections and smear tests.", (
                     SessionTemplate(ServiceCode.PRACTICE_NURSE, "mon,tue,thu", time(8, 30), time(12, 30), 20,
                                     IN_PERSON),
                     SessionTemplate(ServiceCode.PRACTICE_NURSE, "wed", time(17, 30), time(19, 30), 20, IN_PERSON),
                 )),
    RoleTemplate(PractitionerRole.PHARMACIST, 10, ("ZZ2001", "ZZ1001", "ZZ1003"), "",
                 "A clinical pharmacist: common conditions, medicines reviews and {interest}.", (
                     SessionTemplate(ServiceCode.PHARMACIST, "mon,tue,wed,thu,fri", time(9), time(13), 10, PHONE),
                     SessionTemplate(ServiceCode.PHARMACIST, "sat", time(9), time(12), 10, IN_PERSON),
                 )),
    RoleTemplate(PractitionerRole.PHYSIOTHERAPIST, 10, ("ZZ2001", "ZZ1002"), "",
                 "A first-contact physiotherapist for back, neck and joint pain, with an interest in {interest}.", (
                     SessionTemplate(ServiceCode.PHYSIOTHERAPIST, "mon,wed,thu", time(9), time(16), 30, IN_PERSON),
                     SessionTemplate(ServiceCode.PHYSIOTHERAPIST, "fri", time(9), time(12), 30, VIDEO),
                 )),
    RoleTemplate(PractitionerRole.MENTAL_HEALTH_PRACTITIONER, 12, ("ZZ2001", "ZZ1004"), "",
                 "A mental health practitioner supporting people with {interest}, anxiety and low mood.", (
                     SessionTemplate(ServiceCode.MENTAL_HEALTH, "tue,wed,fri", time(10), time(16), 45, VIDEO),
                     SessionTemplate(ServiceCode.MENTAL_HEALTH, "thu", time(16), time(20), 45, PHONE),
                 )),
    RoleTemplate(PractitionerRole.DENTIST, 12, ("ZZ3001",), "Dr ",
                 "A general dental practitioner with an interest in {interest}.", (
                     SessionTemplate(ServiceCode.DENTAL, "mon,tue,wed,thu,fri", time(9), time(17), 20, IN_PERSON),
                 )),
]

INTERESTS = [
    "diabetes", "asthma", "women's health", "children's health", "older people's care", "minor surgery",
    "sports injuries", "sleep problems", "long-term pain", "heart health", "skin conditions", "family planning",
]
