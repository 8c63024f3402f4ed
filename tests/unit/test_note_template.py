"""The SOAP template kept as one plain note text: composing, reading back, and never changing
a note that does not split cleanly."""

from __future__ import annotations

import pytest

from outpost.core.note_template import ENGLISH, SoapHeadings, SoapNote, compose, parse

SPANISH = SoapHeadings("Subjetivo", "Objetivo", "Evaluación", "Plan")
FULL = SoapNote(
    free_text="Phone visit.",
    subjective="Cough for 3 days\n",
    objective="T 37.9",
    assessment="Viral infection",
    plan="Fluids\n\nReview in 1 week",
)


def test_sections_become_headed_parts_of_one_text() -> None:
    assert compose(FULL) == (
        "Phone visit.\n\nSubjective:\nCough for 3 days\n\n\nObjective:\nT 37.9\n\n"
        "Assessment:\nViral infection\n\nPlan:\nFluids\n\nReview in 1 week"
    )
    assert compose(SoapNote(plan="Rest")) == "Plan:\nRest"
    assert compose(SoapNote(free_text="Just text.")) == "Just text."  # plain notes stay plain
    assert compose(SoapNote(subjective="   ")) == ""  # blank sections are left out


@pytest.mark.parametrize(
    "note",
    [
        FULL,
        SoapNote(plan="Rest"),
        SoapNote(free_text="a\n\nb", assessment="x"),
        SoapNote(free_text="ends with a newline\n", subjective="s"),
    ],
)
def test_a_composed_note_reads_back_into_its_parts(note: SoapNote) -> None:
    assert parse(compose(note)) == (note, ENGLISH)


@pytest.mark.parametrize(
    "text",
    [
        "A note typed elsewhere, no headings.",
        "Plan:\nfirst\n\nPlan:\nsecond",  # a heading twice
        "Plan:\n",  # a heading with nothing under it
        "notes\nPlan:\nno blank line before the heading",
        "",
    ],
)
def test_anything_that_does_not_split_exactly_stays_whole(text: str) -> None:
    parts, _ = parse(text)
    assert parts == SoapNote(free_text=text)
    assert compose(parts) == text


def test_the_headings_of_the_note_are_kept_whatever_the_screen_language() -> None:
    spanish = compose(SoapNote(subjective="Mareo"), SPANISH)
    assert spanish == "Subjetivo:\nMareo"
    assert parse(spanish, [SPANISH, ENGLISH]) == (SoapNote(subjective="Mareo"), SPANISH)
    english = compose(SoapNote(subjective="Dizzy"))
    assert parse(english, [SPANISH, ENGLISH]) == (SoapNote(subjective="Dizzy"), ENGLISH)
