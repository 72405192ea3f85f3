"""Write the self-test's sample documents (one per format) into desktop_search/resources/sample.

Run once when the sample changes (`python packaging/make_sample.py [FILE ...]`, from the repo root with the dev extras);
the files are committed as package data. Each file holds words that no other sample contains, so that
`--self-test` can check that a query for them finds that file, and the PDF's second page holds its own.
The PDF is written by Qt's PDF writer (embedded font subsets, as real PDFs have); the Office files by
python-docx, python-pptx and openpyxl; ODT and EPUB by the tests' spec-conforming writers. Two files have no
text layer, for OCR: a scanned page as an image-only PDF and a picture (PNG), drawn as the OCR tests draw theirs.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import docx
import openpyxl
import pptx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.core.extract.ocr_samples import page_picture, png_bytes, scanned_pdf  # noqa: E402
from tests.core.extract.samples import make_epub, make_odf  # noqa: E402

SAMPLE = ROOT / "desktop_search" / "resources" / "sample"


def pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of paragraphs, drawn by QPdfWriter."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter

    app = QGuiApplication.instance() or QGuiApplication([])
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15))
    )
    writer.setResolution(72)
    writer.setTitle("Coastal field survey")
    painter = QPainter(writer)
    painter.setFont(QFont("DejaVu Sans", 11))
    for number, paragraphs in enumerate(pages):
        if number:
            writer.newPage()
        area = QRectF(painter.viewport())
        painter.drawText(area, Qt.TextFlag.TextWordWrap, "\n\n".join(paragraphs))
    painter.end()
    buffer.close()
    del app
    return bytes(data.data())


def word_document(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    document.add_heading(paragraphs[0], 1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def slides(pages: list[tuple[str, str]]) -> bytes:
    deck = pptx.Presentation()
    for title, body in pages:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def sheet(rows: list[list[str | int]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt(paragraphs: list[str]) -> bytes:
    body = f"<text:h>{paragraphs[0]}</text:h>" + "".join(f"<text:p>{p}</text:p>" for p in paragraphs[1:])
    return make_odf("application/vnd.oasis.opendocument.text", f"<office:text>{body}</office:text>")


def html(paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{paragraphs[0]}</title></head>\n'
        f"<body><h1>{paragraphs[0]}</h1>{body}</body></html>\n"
    ).encode()


def rtf(paragraphs: list[str]) -> bytes:
    body = r"\par ".join(paragraphs)
    return (r"{\rtf1\ansi\ansicpg1252{\fonttbl\f0\froman Times New Roman;}\f0\fs24 " + body + r"\par}" + "\n").encode()


def main(only: list[str]) -> None:
    """Write every sample file, or only those named (the others' bytes change on every run: zip timestamps)."""
    # The words that desktop_search/selftest.py queries are in these texts and in no other sample file.
    files = {
        "field-survey.pdf": pdf(
            [
                [
                    "Coastal field survey, spring",
                    "Volunteers walked the northern dunes at low water and mapped where marram grass "
                    "holds the sand. Wind erosion is worst beside the old car park.",
                ],
                [
                    "Tide pool census",
                    "At the lighthouse rocks we counted barnacles, fourteen hermit crabs and a single "
                    "octopus hiding under a ledge. Next year the census moves to the estuary.",
                ],
            ]
        ),
        "quarterly-report.docx": word_document(
            [
                "Quarterly report",
                "Sales of marzipan figurines rose by eighteen percent after the spring market.",
                "The bakery will hire two apprentices before the winter season.",
            ]
        ),
        "product-roadmap.pptx": slides(
            [
                ("Product roadmap", "Three releases this year"),
                ("Summer release", "Launch the glacier telescope app for mountain guides"),
            ]
        ),
        "warehouse-inventory.xlsx": sheet(
            [["item", "crates", "shelf"], ["saffron threads", 40, "B4"], ["vanilla pods", 12, "C1"]]
        ),
        "choir-minutes.odt": odt(
            [
                "Choir meeting minutes",
                "The choir agreed to rehearse the harpsichord concerto on Thursday evenings.",
                "Robes will be cleaned before the cathedral concert.",
            ]
        ),
        "lighthouse-keeper.epub": make_epub(
            [
                ("The keeper", "Every dusk the keeper polished the brass lantern and wound the clockwork."),
                ("The storm", "A schooner ran aground on the reef, and the keeper rowed out with a lamp."),
            ]
        ),
        "trail-guide.html": html(
            [
                "Trail guide",
                "The zigzag path climbs to Falcon Ridge through juniper scrub.",
                "Allow three hours and carry water: the spring near the summit dries up in August.",
            ]
        ),
        "plum-jam.rtf": rtf(
            [
                "Plum jam",
                "Simmer damsons with cinnamon and a little lemon peel until the stones float.",
                "Pour into warm jars and seal at once.",
            ]
        ),
        # For OCR, words in capitals and digits: the recognizer sometimes drops the spaces between lower-case words.
        "scanned-invoice.pdf": scanned_pdf(
            [page_picture(("Invoice INV-2024-0317 from Harbour Joinery Ltd.", "Oak staircase repair, new handrail."))]
        ),
        "parcel-label.png": png_bytes(
            page_picture(("Parcel PX-5581 for Marigold Cottage", "Signed by Ottoline Fairweather"), size=(700, 180))
        ),
    }
    for name, data in files.items():
        if only and name not in only:
            continue
        (SAMPLE / name).write_bytes(data)
        print(f"{len(data):>7,} bytes  {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
