"""What every JSON API of the site shares: paging with a maximum, a JSON parser with a depth limit,
and the one rule for the dates and times an integration may send.

Bad input is a clear 400 with a message on the field, never a 500 (issue 11 items 20 and 23). The
REST_FRAMEWORK setting names the paginator and parser, so every endpoint gets them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser

# --- Paging ------------------------------------------------------------------------------------------
MAX_PAGE_SIZE = 500


class CouncilPagination(LimitOffsetPagination):
    """Limit and offset paging with a maximum page size.

    A limit over the maximum gives the maximum; a missing, zero, negative or non-numeric limit gives
    the default page; an offset past the end gives an empty page. None of them is an error, and none
    reaches the database as a number it cannot hold.
    """

    max_limit = MAX_PAGE_SIZE  # the default page is REST_FRAMEWORK["PAGE_SIZE"]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
                parameter["description"] = (
                    f"How many results to return: at most {self.max_limit} (a larger number gives "
                    f"{self.max_limit}); {self.default_limit} when not given or not a positive whole number."
                )
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 0}
                parameter["description"] = (
                    "How many results to skip; past the end gives an empty page. 0 when not given."
                )
        return parameters


# --- JSON ---------------------------------------------------------------------------------------------
MAX_JSON_DEPTH = 32  # the deepest request the API takes is a list of objects: 2 levels


def json_depth(data) -> int:
    """How deeply lists and objects nest in parsed JSON, counted without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing JSON nested more than ``MAX_JSON_DEPTH`` levels with a 400.

    Python's decoder raises RecursionError (not ValueError) on very deep nesting, which DRF's parser
    lets through as a 500; here it is a parse error like any other.
    """

    max_depth = MAX_JSON_DEPTH
    message = "The JSON is nested too deeply: send at most {max_depth} levels of lists and objects."

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self.message.format(max_depth=self.max_depth)) from None
        if json_depth(data) > self.max_depth:
            raise ParseError(self.message.format(max_depth=self.max_depth))
        return data


# --- Dates and times -----------------------------------------------------------------------------------
# The earliest time an integration may send: no enquiry, post or response of the council's social media
# accounts is older than this, and anything earlier is a mistake (issue 11 items 20 and 25).
EARLIEST_API_TIME = datetime(2000, 1, 1, tzinfo=UTC)
# The UTC offsets in use somewhere on Earth (Baker Island to Kiribati); PostgreSQL refuses beyond ±15:59.
SMALLEST_UTC_OFFSET = timedelta(hours=-12)
LARGEST_UTC_OFFSET = timedelta(hours=14)
# ISO 8601 in ASCII digits only, as Django's parse_datetime reads it, and nothing before or after.
ISO_DATETIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,12})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?",
    re.ASCII,
)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time with its UTC offset, in the year 2000 or later and not in the future.

    Each way it can be wrong has its own sentence: not ISO 8601; no such date or time (30 February,
    a 60th second); no offset; an offset no place uses; too early; in the future.
    """

    default_error_messages = {
        "invalid": "Enter a date and time in ISO 8601 format, for example 2025-01-14T10:30:00+00:00.",
        "impossible": "There is no such date or time: {value}.",
        "naive": "Give the time with its UTC offset, for example 2025-01-14T10:30:00+00:00.",
        "offset": "Give a UTC offset between -12:00 and +14:00.",
        "too_early": "The time must be in the year 2000 or later.",
        "future": "The time cannot be in the future.",
    }

    def to_internal_value(self, value):
        if not isinstance(value, str) or not ISO_DATETIME.fullmatch(value.strip()):
            self.fail("invalid")
        value = value.strip()
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed, but no such day, hour or offset
            self.fail("impossible", value=value)
        if parsed is None:
            self.fail("invalid")
        if timezone.is_naive(parsed):
            self.fail("naive")
        if not SMALLEST_UTC_OFFSET <= parsed.utcoffset() <= LARGEST_UTC_OFFSET:
            self.fail("offset")
        if parsed < EARLIEST_API_TIME:
            self.fail("too_early")
        if parsed > timezone.now() + timedelta(minutes=5):
            self.fail("future")
        return parsed
