"""Out schemas of the public, read-only organisations API (units and locations)."""

from __future__ import annotations

import datetime

from ninja import Schema


class InstansiOut(Schema):
    slug: str
    name: str
    kind: str


class UnitOut(Schema):
    slug: str
    name: str
    short_name: str
    instansi: InstansiOut
    timezone: str
    address: str
    phone: str
    whatsapp: str
    email: str
    website: str


class UnitLocationOut(Schema):
    """Where a unit serves: one of its gerai and the location that holds it."""

    location_slug: str
    location_name: str
    location_kind: str
    gerai_name: str
    floor: str

    @staticmethod
    def resolve_location_slug(obj) -> str:
        return obj.location.slug

    @staticmethod
    def resolve_location_name(obj) -> str:
        return obj.location.name

    @staticmethod
    def resolve_location_kind(obj) -> str:
        return obj.location.kind

    @staticmethod
    def resolve_gerai_name(obj) -> str:
        return obj.name


class UnitDetailOut(UnitOut):
    description: str
    cuti_bersama_closed: bool
    locations: list[UnitLocationOut]

    @staticmethod
    def resolve_locations(obj) -> list:
        return obj.public_gerai


class LocationOut(Schema):
    slug: str
    name: str
    kind: str
    address: str
    timezone: str
    manager_unit_slug: str

    @staticmethod
    def resolve_manager_unit_slug(obj) -> str:
        return obj.manager_unit.slug


class BreakOut(Schema):
    label: str
    starts: datetime.time
    ends: datetime.time


class OpeningHoursOut(Schema):
    weekday: int  # 0 = Monday … 6 = Sunday
    weekday_name: str
    opens: datetime.time
    closes: datetime.time
    last_ticket: datetime.time
    breaks: list[BreakOut]

    @staticmethod
    def resolve_weekday_name(obj) -> str:
        return str(obj.get_weekday_display())

    @staticmethod
    def resolve_breaks(obj) -> list:
        return list(obj.breaks.all())


class SpecialPeriodOut(Schema):
    name: str
    kind: str  # "hours" or "closed"
    starts_on: datetime.date
    ends_on: datetime.date
    opening_hours: list[OpeningHoursOut]

    @staticmethod
    def resolve_opening_hours(obj) -> list:
        return list(obj.opening_hours.all())


class CounterOut(Schema):
    code: str
    name: str
    is_disability: bool
    is_priority: bool


class GeraiOut(Schema):
    name: str
    floor: str
    unit_slug: str
    unit_name: str
    counters: list[CounterOut]

    @staticmethod
    def resolve_unit_slug(obj) -> str:
        return obj.unit.slug

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_counters(obj) -> list:
        return list(obj.counters.all())


class LocationDetailOut(LocationOut):
    description: str
    opening_hours: list[OpeningHoursOut]
    special_periods: list[SpecialPeriodOut]
    gerai: list[GeraiOut]

    @staticmethod
    def resolve_opening_hours(obj) -> list:
        return obj.regular_hours

    @staticmethod
    def resolve_special_periods(obj) -> list:
        return obj.upcoming_periods

    @staticmethod
    def resolve_gerai(obj) -> list:
        return obj.public_gerai
