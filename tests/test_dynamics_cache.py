"""The dynamics engine's prepared-scenario cache: keyed by the file's content (an edit with an
unchanged modification time is read again) and bounded (many distinct files do not pile up)."""

from __future__ import annotations

import os
from pathlib import Path

from chipwar.dynamics import api

BASELINE = Path(__file__).parents[1] / "scenarios" / "dynamics-baseline.yaml"


def test_an_edit_with_the_same_mtime_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = BASELINE.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    assert api.prepare(path).scenario.end_year == 2030
    path.write_text(text.replace("end_year: 2030", "end_year: 2029"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime as the first read
    assert path.stat().st_mtime_ns == st.st_mtime_ns
    assert api.prepare(path).scenario.end_year == 2029


def test_distinct_files_are_bounded(tmp_path: Path) -> None:
    text = BASELINE.read_text(encoding="utf-8")
    api._prepare_path.cache_clear()
    for i in range(api.CACHED_FILES + 4):
        path = tmp_path / f"s{i}.yaml"
        path.write_text(text.replace("name: baseline", f"name: copy-{i}"), encoding="utf-8")
        assert api.prepare(path).scenario.name == f"copy-{i}"
    info = api._prepare_path.cache_info()
    assert info.currsize == api.CACHED_FILES
    assert info.misses == api.CACHED_FILES + 4
