"""Chunks fit the model's window, checked with the model's own tokenizer, and keep their paragraph."""

from rag.ingest.folder import Document
from rag.ingest.paragraphs import parse
from rag.store.chunking import chunk_units, lexical_text, sentence_chunks, split_to_window
from rag.store.model import WINDOW


def model_word_pieces(reference, text: str) -> int:
    """Word pieces as the loaded SentenceTransformer's own tokenizer counts them, untruncated."""
    return len(reference.model.tokenizer(text, truncation=False)["input_ids"])


def test_every_seed_chunk_fits_the_window(seed_index, reference_embedder):
    chunks = seed_index._stored.chunks
    assert len(chunks) >= 299
    assert max(model_word_pieces(reference_embedder, c.text) for c in chunks) <= WINDOW


def test_one_chunk_per_paragraph_unless_too_long(seed_index):
    units = seed_index._stored.units
    split = {units[c.unit].label for c in seed_index._stored.chunks if (c.start, c.end) != (0, len(units[c.unit].text))}
    assert split == {"u36"}  # only the Annex 1 table of the CSTD note exceeds 256 word pieces
    assert all(units[c.unit].kind in {"paragraph", "item", "table", "footnote"} for c in seed_index._stored.chunks)


LONG = " ".join(
    f"Sentence number {n} says that the information society must remain people-centred and inclusive."
    for n in range(60)
)


def test_long_paragraph_splits_at_sentences_with_overlap(reference_embedder):
    pieces = split_to_window(LONG)
    assert len(pieces) >= 4
    assert pieces[0][0] == 0 and pieces[-1][1] == len(LONG)  # nothing left out
    for (_, end), (start, _) in zip(pieces, pieces[1:], strict=False):
        assert start < end  # neighbours overlap
    for start, end in pieces:
        assert LONG[start:end].endswith(".")  # cut at sentence ends
        assert model_word_pieces(reference_embedder, LONG[start:end]) <= WINDOW


def test_text_with_many_word_pieces_per_token_still_fits(reference_embedder):
    url_soup = " ".join(f"https://x{n}.example.org/a{n}b/c_d{n}e_f.pdf?id=Zq{n}Xw" for n in range(80))
    pieces = split_to_window(url_soup)
    assert len(pieces) > 1
    assert max(model_word_pieces(reference_embedder, url_soup[s:e]) for s, e in pieces) <= WINDOW


def test_chunks_keep_their_unit_and_the_lexical_index_sees_their_context():
    units = parse("doc", "# Title\n\n## Section A\n\n1. First paragraph.\n\n2. " + LONG + "\n")
    documents = {"doc": Document(id="doc", file="doc.md", title="Title", short_name="Short")}
    chunks = chunk_units(units)
    labels = [units[c.unit].label for c in chunks]
    assert labels[0] == "1" and set(labels[1:]) == {"2"}
    assert chunks[0].text == "1. First paragraph."  # embedded as is
    assert lexical_text(chunks[0], units, documents) == "Short — Section A: 1. First paragraph."


def test_every_paragraph_is_also_split_into_sentences(seed_index):
    units = seed_index._stored.units
    sentences = [
        (units[s.unit].label, s.text) for s in sentence_chunks(units) if units[s.unit].doc_id.startswith("004")
    ]
    assert [text for label, text in sentences if label == "32"] == [
        "32. We emphasize our concern that only 41% of women have internet access and draw attention to the gender "
        "digital divide, which persists in access to and use of ICTs, and also in ICT education, employment and other "
        "economic and social development factors.",
        "We recognize that ending the gender digital divide and achievement of SDG 5 on gender are mutually "
        "reinforcing efforts, and we commit to mainstream gender in the WSIS process, including through a new "
        "emphasis on gender in the implementation and monitoring of WSIS Action Lines, with the support of relevant "
        "United Nations entities, including UN Women.",
        "We call for immediate measures to achieve gender equality in internet users by 2020, especially by "
        "significantly enhancing women's and girls' education and participation in ICTs, as users, content creators "
        "employees, entrepreneurs, innovators, and leaders.",
        "We reaffirm our commitment to ensure women's full participation in decision-making processes related to ICTs.",
    ]
    assert len(seed_index._stored.sentences) == seed_index._stored.sentence_vectors.ntotal
