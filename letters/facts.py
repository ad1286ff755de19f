"""The letters app's facts for categorisation (categorisation.facts): an issued significant
concerns letter (either tier) or warning notice is evidence for the high-support statement "The
school has been issued with a Warning Notice or Significant Concerns letter", shown to the adviser
as a suggested tick with its source, never as a decision.

Look-back (selectors.FACT_LOOKBACK_MONTHS): a letter counts for a year after its date of issue; a
warning notice also counts for as long as it is open (compliance period running, or not complied
with and no decision on the powers yet)."""

from datetime import date

from categorisation.facts import Fact, FactKey

from .selectors import concern_letters_for_facts, fact_source


def warning_notice_or_concerns_letter_facts(school_ids: list[int], on: date) -> dict[int, list[Fact]]:
    """{school id: [Fact]} for the schools with such a letter on `on`; one query for all schools."""
    return {
        school_id: [
            Fact(
                key=FactKey.WARNING_NOTICE_OR_CONCERNS_LETTER,
                source=fact_source(letter.letter_type.code, letter.issued_on),
                detail=letter.reference,
            )
            for letter in letters
        ]
        for school_id, letters in concern_letters_for_facts(school_ids, on).items()
    }
