"""Text a person reads, made once in the domain in both languages, chosen at the edge.

The command line prints "ไทย (English)", the app shows the half in its language, a letter prints Thai.
A `Text` travels inside errors (`InputError(Text(...))`) and in import reports, so no screen ever has to
take a sentence apart again to find its Thai or its English.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    th: str
    en: str

    def __str__(self) -> str:
        return f"{self.th} ({self.en})" if self.en and self.en != self.th else self.th

    def in_language(self, lang: str) -> str:
        """The sentence in `lang` ("th" or "en"); English begins with a capital."""
        if lang == "en" and self.en:
            return self.en[:1].upper() + self.en[1:]
        return self.th
