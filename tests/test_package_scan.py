"""The package guard's fast path for usual sheets finds the same cells as its general pattern: whenever a
chunk of sheet XML passes the "usual" test (package._NOT_USUAL, package._MAYBE_PREFIXED), the literal
pattern _CELL_USUAL and the general _CELL_PLAIN list the same cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cpxl.workbook import package as P

# usual tags (as Excel, openpyxl, WPS and LibreOffice write them) and unusual ones
FRAGMENTS = [
    b'<row r="1">', b'<row r="12" spans="1:3">', b"</row>", b"<row>",
    b'<c r="A1"/>', b'<c r="B2" s="1"/>', b'<c r="C3" t="s"><v>1</v></c>', b'<c r="AA10" s="2" t="n"><v>5</v></c>',
    b'<c r="XFD1048576"><v>1</v></c>', b'<c r="G7" t="str"><f>A1&amp;"/"</f><v>x</v></c>', b'<c r="H8" x="a/b">',
    b'<c r="I9" s="3" >', b'<c r="J10"\n>', b"</c>", b"<v>2</v>",
    b'<c s="1" r="D4"><v>1</v></c>', b"<c>", b"<c/>", b'<x:c r="A1">', b'<c r="a1">', b'<c  r="E5">',
    b"<c r='F6'>", b'<c r="K11" t="inlineStr"><is><t>a/b</t></is></c>', b'<c\tr="L12">',
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_usual_chunks_give_the_general_patterns_cells(parts):
    chunk = b"".join(parts)
    usual = P._MAYBE_PREFIXED.search(chunk) is None and P._NOT_USUAL.search(chunk) is None
    if usual:
        assert P._CELL_USUAL.findall(chunk) == P._CELL_PLAIN.findall(chunk)


def test_the_usual_test_refuses_each_unusual_tag():
    for tag in (b'<c s="1" r="D4">', b"<c>", b"<c/>", b'<x:c r="A1">', b'<c  r="E5">', b"<c r='F6'>", b"<row>",
                b'<c\tr="L12">'):
        assert P._MAYBE_PREFIXED.search(tag) is not None or P._NOT_USUAL.search(tag) is not None, tag
