"""Value types of the FAQ knowledge base: entries, matches and results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LANGS: tuple[str, ...] = ("ar", "en")

# Guides an entry may cite, by key: (Arabic name, English name).
GUIDES: dict[str, tuple[str, str]] = {
    "policy": (
        "سياسة تنظيم العلاقة مع المستفيدين",
        "Policy for organising the relationship with beneficiaries",
    ),
    "bylaws": ("اللائحة الأساسية للجمعية", "The association's basic bylaws"),
    "research-guide": ("دليل خدمات البحث الاجتماعي", "Social-research services guide"),
    "support-guide": ("دليل سياسة الدعم للمستفيدين", "Beneficiary support-policy guide"),
    "request-form": ("طلب دعم مستفيد", "Beneficiary support-request form"),
    "service-info": (
        "معلومات الخدمة في الجمعية (إعدادات البوت)",
        "Association service information (bot settings)",
    ),
}


class KnowledgeError(ValueError):
    """Invalid knowledge content; the message names the file, the entry id and the problem."""


@dataclass(frozen=True)
class FaqEntry:
    """One topic: question, answer and source in Arabic and English, paraphrases, links."""

    id: str
    question: dict[str, str]
    answer: dict[str, str]
    source: dict[str, str]
    paraphrases: dict[str, list[str]] = field(default_factory=dict)
    related: tuple[str, ...] = ()

    def text(self, lang: str = "ar") -> str:
        """The answer in the language (Arabic if missing) followed by its source line."""
        lang = lang if lang in self.answer else "ar"
        label = "المصدر" if lang == "ar" else "Source"
        return f"{self.answer[lang].strip()}\n\n{label}: {self.source[lang]}"


@dataclass(frozen=True)
class FaqMatch:
    """A candidate entry with a confidence between 0 and 1."""

    entry: FaqEntry
    score: float


@dataclass(frozen=True)
class FaqResult:
    """What the bot would do with a question: answer, suggest up to three, or admit not knowing."""

    kind: Literal["answer", "suggest", "unknown"]
    matches: tuple[FaqMatch, ...]
    query: str
    lang: str = "ar"  # the question's own language: show the entries in it

    @property
    def best(self) -> FaqMatch | None:
        """The highest-ranked match, if any."""
        return self.matches[0] if self.matches else None
