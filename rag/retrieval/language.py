"""Which language a question is in, when it is not English: the documents and the model read English, so
such a question is answered with a notice saying so rather than a claim that the documents are silent."""

import functools
import re
from pathlib import Path

WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 4  # fewer words are too few to tell a language by ("net neutrality")
CONFIDENT = 0.9  # a typo-ridden English question reads as Afrikaans at 0.86
ENGLISH_SHARE = 0.6  # a question with this share of words the documents or an English lexicon know is English
LANGUAGES = {
    "fr": "French", "es": "Spanish", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
    "ru": "Russian", "ar": "Arabic", "zh-cn": "Chinese", "zh-tw": "Chinese", "ja": "Japanese", "ko": "Korean",
    "tr": "Turkish", "pl": "Polish", "sv": "Swedish", "uk": "Ukrainian", "fa": "Persian", "hi": "Hindi",
}  # fmt: skip
# The profiles langdetect loads: the languages above and the other Latin-script ones it knows, which an English
# question must be told from. Chinese, Japanese and Korean are told by their scripts instead (below): their
# profiles alone hold 15 MB in a server for good, and their words are not spaced, so they never count 4 words.
PROFILES = [
    *(code for code in LANGUAGES if not code.startswith(("zh", "ja", "ko"))), "en",
    "af", "ca", "cs", "cy", "da", "et", "fi", "hr", "hu", "id", "lt", "lv", "no", "ro", "sk", "sl", "so", "sq",
    "sw", "tl", "vi",
]  # fmt: skip
SCRIPTS = [  # (characters, language), the first found wins: kana before the Han characters Japanese also uses
    (re.compile(r"[\u3040-\u30ff]"), "Japanese"),
    (re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), "Korean"),
    (re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"), "Chinese"),
]


def foreign_language(query: str, vocabulary: dict[str, int]) -> str:
    """The name of the language the query seems to be in ("French"), or "" when it is English (or too
    short to tell). A language detector decides, but only for questions whose words are mostly unknown to
    the documents (which are English), so an English question with a few typos stays English."""
    if script := _script(query):
        return script
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
    from langdetect import LangDetectException

    detector = _factory().create()
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except LangDetectException:
        return ""
    return best.lang if best.prob >= CONFIDENT else ""


def _script(query: str) -> str:
    """Chinese, Japanese or Korean when most of the question's letters are in that script, else ""."""
    letters = sum(len(w) for w in WORD.findall(query))
    for characters, language in SCRIPTS:
        if (found := len(characters.findall(query))) and found * 2 > letters - found:
            return language
    return ""


def preload() -> None:
    """Load the language profiles now rather than on the first question that needs them."""
    _factory()


@functools.cache
def _factory():
    """langdetect with the PROFILES only (all 55 would hold 48 MB for the life of a server; these hold 20)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    folder = Path(PROFILES_DIRECTORY)
    factory.load_json_profile([(folder / code).read_text(encoding="utf-8") for code in PROFILES])
    factory.set_seed(0)  # the same answer for the same question
    return factory
