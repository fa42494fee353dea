"""iCalendar (RFC 5545) for one event, written by hand: the format is small
and a dependency would be larger than this module."""

from datetime import UTC, datetime

from django.utils import timezone

PRODID = "-//Lyceum//Events//EN"
FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)


def escape_text(value: str) -> str:
    """Escape a TEXT value (§3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character;
    continuation lines start with a space."""
    encoded = line.encode()
    if len(encoded) <= FOLD_AT:
        return line
    pieces, current, limit = [], b"", FOLD_AT
    for char in line:
        octets = char.encode()
        if len(current) + len(octets) > limit:
            pieces.append(current.decode())
            current, limit = b"", FOLD_AT - 1  # the leading space counts
        current += octets
    pieces.append(current.decode())
    return "\r\n ".join(pieces)


def event_calendar(
    *,
    uid: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    location: str = "",
    url: str = "",
    stamp: datetime | None = None,
) -> str:
    """A VCALENDAR with one VEVENT, times in UTC, lines CRLF-terminated."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{utc_stamp(stamp or timezone.now())}",
        f"DTSTART:{utc_stamp(starts_at)}",
        f"DTEND:{utc_stamp(ends_at)}",
        f"SUMMARY:{escape_text(title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
