"""The named retrieval configurations `rag eval` compares, apart from the code that runs them, so the CLI can
offer their names without importing the evaluation's libraries (an optional extra)."""

from rag.retrieval.fusion import DEFAULT, Settings

# name -> settings of our own retriever; "baseline" is the tutorial recipe, built on the side.
SETTINGS: dict[str, Settings] = {
    "default": DEFAULT,
    "dense": Settings(lexical=False, sentences="off", references=False, document_prior=0.0),
    "lexical": Settings(dense=False, references=False, document_prior=0.0),
    "hybrid": Settings(fusion="rrf", rrf_k=60, sentences="off", references=False, document_prior=0.0),
}
MAIN = ["default", "dense", "lexical", "hybrid", "baseline"]
ABLATIONS: dict[str, Settings] = {
    "no sentence scores": Settings(sentences="off"),
    "sentence max, not ranked": Settings(sentences="max"),
    "no references": Settings(references=False),
    "no document prior": Settings(document_prior=0.0),
    "no phrases": Settings(phrases=False),
    "no same-language dedup": Settings(same_language=False),
    "RRF k=10 instead of score fusion": Settings(fusion="rrf"),
    "RRF k=60 instead of score fusion": Settings(fusion="rrf", rrf_k=60),
}
BUILD_ABLATIONS = {"no OCR repair": {"repair_ocr": False}, "no stemming": {"stem": False}}  # own index each
CONFIGS = [*MAIN, *ABLATIONS, *BUILD_ABLATIONS]
