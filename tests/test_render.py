"""The chat's HTML: document markup shown as intended, everything else inert."""

from rag.passage import Answer, Passage, SameAs
from rag.retrieval.notices import counted
from ui.render import answer_html, highlighted, inline, question_html


def passage(**fields) -> Passage:
    base = dict(
        doc_id="d", doc_title="Doc", label="5", section="A > B", text="5. Text.", spans=((0, 8),), score=0.5,
        citation="Doc, para. 5", url="/source/d#p-5", doc_short_name="Doc", place="para. 5",
        full_citation="Title of Doc, 2015, para. 5",
    )  # fmt: skip
    return Passage(**{**base, **fields})


def test_document_markup_is_rendered_as_intended():
    assert inline("3. *Notes* the **strong** point") == "3. <em>Notes</em> the <strong>strong</strong> point"
    assert inline("the 27<sup>th</sup> session") == "the 27<sup>th</sup> session"
    assert inline("[A/60/687](#)") == "A/60/687"
    assert inline("<https://unctad.org/a>") == (
        '<a href="https://unctad.org/a" target="_blank" rel="noopener noreferrer nofollow">https://unctad.org/a</a>'
    )
    assert inline("a78d62\\\\_en.pdf") == "a78d62\\_en.pdf"


def test_hostile_markup_is_escaped():
    assert inline('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert inline("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert inline("[click](javascript:alert(1))") == "click"
    assert question_html("<img src=x onerror=alert(1)>") == (
        '<div class="wsis-question">&lt;img src=x onerror=alert(1)&gt;</div>'
    )


def test_highlights_become_marks():
    assert highlighted("One. Two *three*. Four.", ((5, 17),)) == "One. <mark>Two <em>three</em>.</mark> Four."


def test_footnote_marks_are_raised_in_the_quote_and_copy_holds_no_markup():
    recalling = passage(text="6. *Recalls* the meeting of 2015,5 in which", marks=((33, 34),), highlights=((17, 43),))
    html = answer_html(Answer("q", (recalling,), False))
    assert (
        '<blockquote class="wsis-quote">6. <em>Recalls</em> the <mark>meeting of 2015,<sup>5</sup> in which</mark>'
        "</blockquote>"
    ) in html
    assert '<span class="wsis-copy-text">6. Recalls the meeting of 2015,⁵ in which\n(Doc, para. 5)</span>' in html
    assert highlighted("in 2015,5 in", ((0, 2),), ((8, 9),)) == "<mark>in</mark> 2015,<sup>5</sup> in"


def test_answer_has_count_quote_citation_link_and_copy_text():
    html = answer_html(
        Answer("q", (passage(), passage(doc_id="e", label="¶2", place="¶2", url="/source/e#p-%C2%B62")), False)
    )
    assert html.startswith('<div class="wsis-answer"><p class="wsis-count">2 passages from 2 documents</p>')
    assert '<blockquote class="wsis-quote">5. Text.</blockquote>' in html
    assert '<a class="wsis-source" href="/source/d#p-5" target="_blank" rel="noopener">Doc, para. 5</a>' in html
    assert '<span class="wsis-copy-text">5. Text.\n(Doc, para. 5)</span>' in html
    assert '<span class="wsis-copy-full-text">5. Text.\n(Title of Doc, 2015, para. 5)</span>' in html
    assert '<span class="wsis-context" title="A &gt; B">A &gt; B</span>' in html  # beside the citation, not in it
    assert "\n\n" not in html  # no blank line, so the chat's markdown never touches the HTML


def test_tables_render_as_tables_and_copy_as_tab_separated_rows():
    rows = (("April 2024", "Discussion at the 27 <sup>th</sup>"), ("", "*More*"))
    table = passage(kind="table", rows=rows, text="April 2024 Discussion at the 27 <sup>th</sup> *More*")
    html = answer_html(Answer("q", (table,), False))
    assert (
        '<table class="wsis-table"><tr><td>April 2024</td><td>Discussion at the 27 <sup>th</sup></td></tr>'
        "<tr><td></td><td><em>More</em></td>"
    ) in html
    assert table.quote_with_citation() == "April 2024\tDiscussion at the 27th\n\tMore\n(Doc, para. 5)"


def test_count_label_singular_and_plural():
    assert counted([passage()]) == "1 passage from 1 document"


def test_abstention_shows_the_fixed_notice_and_folds_the_weak_matches():
    html = answer_html(Answer("q", (passage(weak=True),), True))
    assert html.startswith(
        '<div class="wsis-answer"><p class="wsis-notice">No passage in these documents answers this question.</p>'
        '<details class="wsis-weak"><summary>Nearest passages (weak matches)</summary><figure'
    )
    assert "wsis-count" not in html


def test_a_missing_phrase_or_a_reason_replaces_the_fixed_notice():
    html = answer_html(Answer("q", (passage(weak=True),), True, ("digital <b>apartheid</b>",)))
    assert html.startswith(
        '<div class="wsis-answer"><p class="wsis-notice">No passage contains “digital &lt;b&gt;apartheid&lt;/b&gt;”.'
        '</p><details class="wsis-weak"><summary>'
    )
    html = answer_html(Answer("q", (passage(weak=True),), True, notices=("Doc has no para. 99; its paragraphs ...",)))
    assert "No passage in these documents" not in html and '<details class="wsis-weak" open>' in html


def test_same_language_links():
    twin = SameAs("e", "¶17", "Other, ¶17", "/source/e#p-%C2%B617", 0.8)
    html = answer_html(Answer("q", (passage(same_as=(twin,)),), False))
    assert (
        '<p class="wsis-same">Same language in: <a href="/source/e#p-%C2%B617" target="_blank" rel="noopener">' in html
    )
    assert "Other, ¶17</a></p></figure>" in html
