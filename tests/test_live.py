"""An index that catches up with its documents folder while it serves: a file added, changed or removed is
searched once the rebuild is live, the current index answers meanwhile, only new or changed files are read
again, and a failed rebuild leaves the current index as it was."""

import shutil
import threading
from pathlib import Path

from rag import Index
from rag.retrieval.live import LiveIndex

FIXTURES = Path(__file__).parent / "fixtures" / "undocs"
NEW = "The Quokka Accord on lunar broadband commits every crater to affordable connectivity by 2040."


def test_a_document_added_is_searched_once_the_rebuild_is_live(live_seeds):
    live, docs = live_seeds, live_seeds.docs_dir
    before = live.current
    (docs / "quokka.txt").write_text(f"Quokka Accord\n\n1. {NEW}\n", encoding="utf-8")
    answers = []
    live.refresh()
    while live.status.state == "building":  # the current index answers while the new one is built
        answers.append(live.answer("gender digital divide").passages[0].citation)
    status = live.wait()
    assert status.state == "current", status.message
    assert live.current is not before and "quokka" in {d.id for d in live.documents}
    assert live.search("Quokka Accord lunar broadband", k=1)[0].doc_id == "quokka"
    assert set(answers) <= {"WSIS+10 outcome document (draft), para. 32"}
    assert status.report.reused > status.report.embedded > 0  # the seeds' vectors were kept


def test_a_document_removed_is_no_longer_searched(live_seeds):
    live, docs = live_seeds, live_seeds.docs_dir
    (docs / "003_2acf0993792d3d8c.txt").unlink()
    live.refresh()
    assert live.wait().state == "current"
    assert "003_2acf0993792d3d8c" not in {d.id for d in live.documents}


def test_only_new_or_changed_pdfs_are_read_again(tmp_path, embedder):
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    docs.mkdir()
    for name in ("A_RES_78_243.pdf", "A_RES_79_237.pdf"):
        shutil.copy(FIXTURES / name, docs / name)
    live = LiveIndex(Index.open(docs, index_dir, embedder=embedder), docs, index_dir)
    shutil.copy(FIXTURES / "A_RES_79_277.pdf", docs / "A_RES_79_277.pdf")
    live.refresh()
    report = live.wait().report
    assert (report.extracted, report.extracted_before) == (1, 2)
    (docs / "A_RES_78_243.pdf").unlink()
    live.refresh()
    report = live.wait().report
    assert (report.extracted, report.extracted_before, report.documents) == (0, 2, 2)
    assert len(list((index_dir / "extracted").glob("*.json"))) == 2  # the removed file's text is not kept


def test_a_failed_rebuild_keeps_the_current_index(live_seeds):
    live, docs = live_seeds, live_seeds.docs_dir
    before = live.current
    for path in docs.glob("*.txt"):  # nothing readable left: the build refuses
        path.write_bytes(b"")
    live.refresh()
    status = live.wait()
    assert status.state == "failed" and "could be read" in status.message
    assert live.current is before and len(live.documents) == 5
    assert live.answer("gender digital divide").passages


def test_refreshes_asked_for_during_a_build_run_once_more_after_it(live_seeds):
    live, docs = live_seeds, live_seeds.docs_dir
    (docs / "quokka.txt").write_text(f"Quokka Accord\n\n1. {NEW}\n", encoding="utf-8")
    live.refresh()
    (docs / "wombat.txt").write_text("Wombat Compact\n\n1. Burrows shall have fibre.\n", encoding="utf-8")
    threads = [threading.Thread(target=live.refresh) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert live.wait().state == "current"
    assert {"quokka", "wombat"} <= {d.id for d in live.documents}
