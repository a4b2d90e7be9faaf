"""Are the charts drawn to real, non-trivial files (a picture a person would look at)?"""

from __future__ import annotations

import struct
import zlib

import pytest

from tests.conftest import REPO
from tests.outcomes.cohort_maker import make_cohort
from widgets.outcomes import charts, cohort
from widgets.outcomes.course_data import load_content
from widgets.outcomes.growth import build_report


@pytest.fixture(scope="module")
def content():
    return load_content(REPO)


def _png_size_and_colours(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct colours of an 8-bit RGBA PNG (matplotlib's output)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert (depth, colour) == (8, 6)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    # Sample rows without undoing PNG filters: distinct byte patterns still show the picture is not blank.
    rows = {raw[y * stride + 1:(y + 1) * stride] for y in range(0, height, max(1, height // 60))}
    return width, height, len(rows)


def test_charts_growth_chart_renders_to_a_non_trivial_png_and_pdf(content, tmp_path):
    doc, _ = make_cohort(content, 1, seed=3)[0]
    report = build_report(doc, content)
    png = tmp_path / "growth.png"
    png.write_bytes(charts.png_bytes(charts.growth_figure(report)))
    width, height, distinct_rows = _png_size_and_colours(png.read_bytes())
    assert width >= 1000 and height >= 500
    assert distinct_rows >= 20
    assert png.stat().st_size > 20_000
    pdf = charts.pdf_bytes(report)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2


def test_charts_growth_chart_with_nothing_done_still_draws(content):
    from widgets import progress

    report = build_report(progress.new_progress("mentor-empty00001"), content)
    width, height, _ = _png_size_and_colours(charts.png_bytes(charts.growth_figure(report)))
    assert width >= 1000 and height >= 500


def test_charts_cohort_chart_renders(content, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    from widgets import progress

    for doc, truth in make_cohort(content, 6):
        (folder / f"{truth.learner}.json").write_text(progress.dumps(doc), encoding="utf-8")
    s = cohort.summarise(cohort.read_folder(folder, content), content)
    out = tmp_path / "cohort.png"
    out.write_bytes(charts.png_bytes(charts.cohort_figure(s)))
    width, height, distinct_rows = _png_size_and_colours(out.read_bytes())
    assert width >= 1200 and height >= 600 and distinct_rows >= 20
    assert out.stat().st_size > 30_000
