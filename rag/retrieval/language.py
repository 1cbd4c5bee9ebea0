"""Which language a question is in, when it is not English: the documents and the model read English, so
such a question is answered with a notice saying so rather than a claim that the documents are silent."""

import functools
import re

WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 4  # fewer words are too few to tell a language by ("net neutrality")
CONFIDENT = 0.9  # a typo-ridden English question reads as Afrikaans at 0.86
ENGLISH_SHARE = 0.6  # a question with this share of words the documents or an English lexicon know is English
LANGUAGES = {
    "fr": "French", "es": "Spanish", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
    "ru": "Russian", "ar": "Arabic", "zh-cn": "Chinese", "zh-tw": "Chinese", "ja": "Japanese", "ko": "Korean",
    "tr": "Turkish", "pl": "Polish", "sv": "Swedish", "uk": "Ukrainian", "fa": "Persian", "hi": "Hindi",
}  # fmt: skip


def foreign_language(query: str, vocabulary: dict[str, int]) -> str:
    """The name of the language the query seems to be in ("French"), or "" when it is English (or too
    short to tell). A language detector decides, but only for questions whose words are mostly unknown to
    the documents (which are English), so an English question with a few typos stays English."""
    words = [w.lower() for w in WORD.findall(query)]
    if len(words) < MIN_WORDS:
        return ""
    known = sum(1 for w in words if w in vocabulary)
    if known / len(words) >= ENGLISH_SHARE:
        return ""
    code = _detect(query)
    return "" if code in ("", "en") else LANGUAGES.get(code, "a language other than English")


@functools.lru_cache(maxsize=256)
def _detect(text: str) -> str:
    """The language langdetect is sure of (probability at least CONFIDENT), else ""."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # the same answer for the same question
    try:
        best = detect_langs(text)[0]
    except LangDetectException:
        return ""
    return best.lang if best.prob >= CONFIDENT else ""
