"""FAQ answers from the association's guides: knowledge files, Arabic-aware search, confidence."""

from faq.kb import DEFAULT_FOLDER, KnowledgeBase, looks_like_question
from faq.model import FaqEntry, FaqMatch, FaqResult, KnowledgeError
from faq.normalize import normalize, normalize_arabic

__all__ = [
    "DEFAULT_FOLDER",
    "FaqEntry",
    "FaqMatch",
    "FaqResult",
    "KnowledgeBase",
    "KnowledgeError",
    "looks_like_question",
    "normalize",
    "normalize_arabic",
]
