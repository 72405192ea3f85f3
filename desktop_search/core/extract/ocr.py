"""Reading text in pictures (OCR) with RapidOCR: PaddleOCR's detection and recognition models on ONNX Runtime,
shipped inside the `rapidocr-onnxruntime` wheel (Apache-2.0), so it works offline and in the installers.

Runs only in the extraction workers, under their time and memory caps, and only when the library's `ocr`
setting is on. The engine is loaded once per worker process, on the first picture.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache
from typing import Any

from desktop_search.core.extract import Extracted, ExtractionFailed, ExtractLimits

MAX_SIDE = 2480  # pixels: an A4 page at 300 dpi; larger pictures are scaled down first (time and memory)
PDF_DPI = 150  # a scanned PDF page is rendered at this resolution for OCR
OCR_OFF = "image (turn on OCR for this library to read text in pictures)"
NO_TEXT = "no text found in the picture"


# opencv-python (RapidOCR's dependency) points Qt at its own Qt 5 plugins when imported; a process that then
# opens a PySide6 (Qt 6) window aborts. The worker processes never open one, but tests and tools may.
_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR")


@cache
def _engine() -> Any:
    saved = {name: os.environ.get(name) for name in _QT_VARIABLES}
    try:
        from rapidocr_onnxruntime import RapidOCR
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    # One thread: the worker pool already runs one file per core, and every ONNX Runtime thread adds to the
    # worker's address space, which the memory cap counts (four threads took it past 1.8 GB).
    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
GLUED_WORD = 12  # characters: a "word" this long read by OCR is usually several that lost their spaces


def unglue(line: str) -> str:
    """Spaces back where the recognizer dropped them. Its model (PP-OCRv4, trained mostly on Chinese) now and
    then reads Latin words without the spaces between them ("InvoiceINV-2024-0317fromHarbourJoinery"); a long
    run is cut where a lower-case letter meets a capital and where letters meet digits, so most of its words
    can be searched again. Short words ("iPhone", "PowerPoint") are left as they are."""
    return " ".join(_GLUED.sub(" ", w) if len(w) >= GLUED_WORD else w for w in line.split(" "))


def _lines(results: list[Any]) -> str:
    """Boxes of text as lines in reading order: a box joins a line when its middle lies within that line's
    height; lines top to bottom, boxes left to right."""
    boxes = []
    for points, text, _score in results:
        ys = [p[1] for p in points]
        boxes.append((min(ys), max(ys), min(p[0] for p in points), str(text)))
    boxes.sort()
    lines: list[list[tuple[float, float, float, str]]] = []
    for box in boxes:
        middle = (box[0] + box[1]) / 2
        if lines and lines[-1][0][0] <= middle <= lines[-1][0][1]:
            lines[-1].append(box)
        else:
            lines.append([box])
    return "\n".join(unglue(" ".join(b[3] for b in sorted(line, key=lambda b: b[2]))) for line in lines)


def read_picture(image: Any) -> str:
    """The text of a PIL image, lines in reading order ('' when none is found)."""
    image = image.convert("RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    import numpy as np

    pixels = np.asarray(image)[:, :, ::-1]  # RGB to the BGR order OpenCV expects
    results, _ = _engine()(pixels)
    return _lines(results or [])


def extract_image(data: bytes, limits: ExtractLimits) -> Extracted:
    """PNG, JPEG or TIFF: the text OCR finds, one page per frame of a multi-page TIFF."""
    if not limits.ocr:
        raise ExtractionFailed("skipped", OCR_OFF, "image")
    from PIL import Image, UnidentifiedImageError

    try:
        picture = Image.open(io.BytesIO(data))
        frames = getattr(picture, "n_frames", 1)
        texts = []
        for index in range(min(frames, limits.max_pages)):
            picture.seek(index)
            texts.append(read_picture(picture).strip())
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ExtractionFailed("failed", f"damaged image ({exc})"[:300], "image") from exc
    if not any(texts):
        raise ExtractionFailed("skipped", NO_TEXT, "image")
    if len(texts) == 1:
        return Extracted(texts[0], "image", ocr_pages=1)
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    note = f"only the first {limits.max_pages} of {frames} pages indexed" if frames > limits.max_pages else ""
    return Extracted("\n\n".join(texts), "image", tuple(starts), note, ocr_pages=len(texts))
