"""The preview's document as HTML: every term marked with an anchor to jump to, the hit's passage tinted, and
a line where each page starts."""

from __future__ import annotations

import html

from desktop_search.core.preview import Preview

PAGE_MARK = "— page {} —"


def hit_anchor(index: int) -> str:
    return f"hit-{index}"


def preview_html(preview: Preview, word_color: str, passage_color: str, page_color: str) -> str:
    """The text cut at every boundary (a term's, the passage's, a page's); each piece styled by what it is in."""
    text, (pa, pb) = preview.text, preview.passage
    pages = dict(preview.pages)
    marks = preview.highlights
    cuts = sorted({0, len(text), pa, pb, *pages, *(p for span in marks for p in span)})
    starts = {a: i for i, (a, _) in enumerate(marks)}
    out: list[str] = []
    if preview.offset > 0:
        out.append("… ")
    term = 0  # index of the first highlight not yet ended
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a in pages:
            line = "" if a == 0 or text[a - 1] == "\n" else "\n"
            out.append(f'{line}<span style="color:{page_color}">{PAGE_MARK.format(pages[a])}</span>\n')
        if a == pa:
            out.append('<a name="match"></a>')
        if a in starts:
            out.append(f'<a name="{hit_anchor(starts[a])}"></a>')
        while term < len(marks) and marks[term][1] <= a:
            term += 1
        piece = html.escape(text[a:b])
        if term < len(marks) and marks[term][0] <= a < marks[term][1]:
            out.append(f'<b style="background-color:{word_color}">{piece}</b>')
        elif pa <= a < pb:
            out.append(f'<span style="background-color:{passage_color}">{piece}</span>')
        else:
            out.append(piece)
    if preview.offset >= 0 and preview.offset + len(text) < preview.length:
        out.append(" …")
    return f'<div style="white-space: pre-wrap">{"".join(out)}</div>'
