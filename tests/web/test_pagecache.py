"""The byte budget of the rendered-page cache: least recently used pages go first, the budget holds."""

from kgbuild.web.render.pagecache import Rendered, RenderedPages


def page(size: int, tag: str = "t") -> Rendered:
    return Rendered(b"x" * size, "text/turtle", tag, "en", "")


def test_the_least_recently_used_pages_go_once_the_budget_is_spent():
    pages = RenderedPages(budget=1000)
    pages.put(("a",), page(400))
    pages.put(("b",), page(400))
    assert pages.get(("a",)) is not None  # a is now the most recently used
    pages.put(("c",), page(400))
    assert pages.get(("b",)) is None
    assert pages.get(("a",)) is not None and pages.get(("c",)) is not None
    assert pages.size == 800 <= 1000


def test_a_page_larger_than_the_budget_is_not_kept_and_replacing_a_page_counts_once():
    pages = RenderedPages(budget=1000)
    pages.put(("huge",), page(1001))
    assert pages.get(("huge",)) is None and pages.size == 0
    pages.put(("a",), page(300, "old"))
    pages.put(("a",), page(500, "new"))
    assert pages.get(("a",)).tag == "new" and pages.size == 500 and len(pages) == 1
