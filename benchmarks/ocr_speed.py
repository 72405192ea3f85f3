"""OCR speed: A4 pages at 150 dpi (24 lines of text each, drawn here) read by RapidOCR in one process; JSON.

python benchmarks/ocr_speed.py [--pages N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_search.core.extract import ExtractLimits, extract_bytes  # noqa: E402
from tests.core.extract.ocr_samples import SCANNED_LINES, page_picture, scanned_pdf  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=3)
    args = parser.parse_args()
    page = page_picture(list(SCANNED_LINES) * 8, size=(1240, 1754))
    data = scanned_pdf([page] * args.pages)
    extract_bytes(scanned_pdf([page_picture()]), Path("warm.pdf"), ExtractLimits(ocr=True))  # loads the models
    wall, cpu = time.perf_counter(), time.process_time()
    extracted = extract_bytes(data, Path("scan.pdf"), ExtractLimits(ocr=True))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        json.dumps(
            {
                "pages": extracted.ocr_pages,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "pages_per_s": round(extracted.ocr_pages / wall, 3),
                "cpu_s_per_page": round(cpu / extracted.ocr_pages, 2),
                "load_average": os.getloadavg()[0],
                "cores": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
