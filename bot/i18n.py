"""The text catalogue: Fluent (.ftl) files per language under locales/."""

from __future__ import annotations

import logging
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

log = logging.getLogger(__name__)
LANGUAGES = ("ar", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
# fluent.runtime refuses a placeable longer than 2,500 characters (it formats "{???}"); a
# staff reply or a beneficiary's message can be 4,096: such arguments are put in afterwards.
_LONG = 1000


class Catalog:
    """Formats a message by id in a language; falls back to the other language, never crashes."""

    def __init__(self, folder: Path = LOCALES_DIR) -> None:
        self._bundles: dict[str, FluentBundle] = {}
        for lang in LANGUAGES:
            # Bidi isolation marks keep Latin/digit placeables (references, numbers) in order
            # inside right-to-left Arabic text.
            bundle = FluentBundle([lang], use_isolating=(lang == "ar"))
            seen: dict[str, Path] = {}
            for path in sorted(folder.glob(f"{lang}/*.ftl")):
                resource = FluentResource(path.read_text(encoding="utf-8"))
                # A second definition would silently replace the first: refuse it instead.
                for entry in resource.body:
                    name = getattr(getattr(entry, "id", None), "name", None)
                    if name is not None and name in seen:
                        raise ValueError(f"{path}: message {name} is already defined in "
                                         f"{seen[name]}")
                    if name is not None:
                        seen[name] = path
                errors = bundle.add_resource(resource)
                if errors:
                    raise ValueError(f"{path}: {errors}")
            self._bundles[lang] = bundle

    def has(self, lang: str, key: str) -> bool:
        """True if the language defines the message."""
        return self._bundles[lang].has_message(key)

    def t(self, lang: str, key: str, **args: object) -> str:
        """The text of message `key` in `lang`, with arguments filled in."""
        lang = lang if lang in self._bundles else LANGUAGES[0]
        for candidate in (lang, *[x for x in LANGUAGES if x != lang]):
            bundle = self._bundles[candidate]
            if bundle.has_message(key):
                message = bundle.get_message(key)
                if message.value is None:
                    break
                values, long = _markers(args)
                text, errors = bundle.format_pattern(message.value, values)
                if errors:
                    log.warning("locale %s message %s: %s", candidate, key, errors)
                for marker, value in long.items():
                    text = text.replace(marker, value)
                return text
        log.error("missing text %s in every language", key)
        return key

    def message_ids(self, lang: str) -> set[str]:
        """Every message id defined for a language (for consistency tests)."""
        return set(self._bundles[lang]._messages)


def _markers(args: dict[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    """The arguments with each long text replaced by a marker, and the texts by marker."""
    values: dict[str, object] = {}
    long: dict[str, str] = {}
    for i, (name, value) in enumerate(args.items()):
        if isinstance(value, str) and len(value) > _LONG:
            marker = f"\ufff0{i}\ufff1"  # unassigned (Specials block): never in a message
            long[marker], value = value, marker
        values[name] = value
    return values, long
