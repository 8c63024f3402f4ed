"""The SOAP note template: free text plus Subjective / Objective / Assessment / Plan.

A note stays one plain text (so the store, FHIR and sync are unchanged): the free text
first, then each non-empty section as a heading line (`Plan:`) followed by its body, parts
separated by one blank line. Reading a note back only splits it when composing the parts
gives exactly the same text; anything else is shown whole as free text, so opening a note
never changes it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

SECTIONS = ("subjective", "objective", "assessment", "plan")
_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class SoapHeadings:
    """The heading words, in the language the note was written in."""

    subjective: str = "Subjective"
    objective: str = "Objective"
    assessment: str = "Assessment"
    plan: str = "Plan"

    def of(self, section: str) -> str:
        return str(getattr(self, section))


ENGLISH = SoapHeadings()


@dataclass(frozen=True)
class SoapNote:
    free_text: str = ""
    subjective: str = ""
    objective: str = ""
    assessment: str = ""
    plan: str = ""

    def section(self, name: str) -> str:
        return str(getattr(self, name))

    def with_section(self, name: str, body: str) -> SoapNote:
        return dataclasses.replace(self, **{name: body})


def compose(note: SoapNote, headings: SoapHeadings = ENGLISH) -> str:
    """The note's text: free text, then `Heading:` + body for each non-empty section."""
    parts = [note.free_text] if note.free_text.strip() else []
    for name in SECTIONS:
        body = note.section(name)
        if body.strip():
            parts.append(f"{headings.of(name)}:\n{body}")
    return _SEPARATOR.join(parts)


def parse(text: str, choices: Sequence[SoapHeadings] = (ENGLISH,)) -> tuple[SoapNote, SoapHeadings]:
    """Split `text` into the template's parts with the first heading set that reproduces it
    exactly; otherwise the whole text is free text (with the first set's headings)."""
    for headings in choices:
        found = _split(text, headings)
        if found is not None and compose(found, headings) == text:
            return found, headings
    return SoapNote(free_text=text), choices[0] if choices else ENGLISH


def _split(text: str, headings: SoapHeadings) -> SoapNote | None:
    names = {headings.of(name): name for name in SECTIONS}
    pattern = re.compile(r"(?:^|\n\n)(" + "|".join(re.escape(word) for word in names) + r"):\n")
    marks = list(pattern.finditer(text))
    if not marks:
        return None
    note = SoapNote(free_text=text[: marks[0].start()])
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        name = names[mark.group(1)]
        if note.section(name):
            return None  # a heading twice: not ours
        note = note.with_section(name, text[mark.end() : end])
    return note
