"""OCR repair for search: general confusion rules, repairs only into words the corpus uses."""

import pytest

from rag.ingest.paragraphs import BODY_KINDS
from rag.store.ocr import OcrRepairer


@pytest.fixture(scope="module")
def repairer(seed_index):
    return OcrRepairer([u.text for u in seed_index._stored.units if u.kind in BODY_KINDS])


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("leT", "ICT"),
        ("lCTs", "ICTs"),
        ("20I5", "2015"),
        ("201S", "2015"),
        ("impOltant", "important"),
        ("impoliant", "important"),
        ("suppOlied", "supported"),
        ("AfHcan", "African"),
        ("FUithennore", "Furthermore"),
        ("mtificial", "artificial"),
        ("tbat", "that"),
        ("fi'om", "from"),
        ("ofthe", "of the"),
        ("ofWSIS", "of WSIS"),
    ],
)
def test_damage_from_the_president_summary_is_repaired(repairer, damaged, repaired):
    assert repairer.repair(damaged) == repaired


@pytest.mark.parametrize(
    "word", ["older", "bringing", "shaping", "academia", "without", "Guadalajara", "COVID", "ICTs"]
)
def test_real_words_are_left_alone(repairer, word):
    assert repairer.repair(word) is None


def test_no_clean_document_word_is_repaired(repairer, seed_index):
    clean = [u.text for u in seed_index._stored.units if u.kind in BODY_KINDS and not u.doc_id.startswith("000")]
    touched = {w for text in clean for w in text.split() if repairer.repaired(w, keep_original=False) != w}
    assert touched == set()


def test_a_question_about_ict_finds_the_let_paragraphs_quoted_as_printed(seed_index):
    hits = seed_index.search("harnessing ICT for development", k=3, documents=["000_4ff08e0d6091ebfe"])
    assert hits[0].label == "¶18"
    assert "make leT a crosscutting tool" in hits[0].text  # the quote keeps the print
    assert hits[0].section == "Harnessing leT for development"
