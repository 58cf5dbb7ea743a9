"""A file is published whole or not at all."""

from __future__ import annotations

import pytest

from geo.formats.replacing import replacing


def test_a_complete_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.geojson"
    target.write_text("old")
    with replacing(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".out.geojson.") and tmp.name.endswith(".part")
        tmp.write_text("new")
        assert target.read_text() == "old"  # readers still see the old file until the end
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.geojson"]


@pytest.mark.parametrize("existing", [True, False])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_or_side_files(tmp_path, existing):
    target = tmp_path / "places.sqlite"
    if existing:
        target.write_text("old")
    with pytest.raises(RuntimeError), replacing(target, suffix=".tmp") as tmp:
        tmp.write_text("half")
        (tmp.parent / f"{tmp.name}-journal").write_text("side")
        raise RuntimeError("interrupted")
    assert sorted(p.name for p in tmp_path.iterdir()) == (["places.sqlite"] if existing else [])
    if existing:
        assert target.read_text() == "old"


def test_an_unwritable_folder_fails_before_the_block(tmp_path):
    with pytest.raises(OSError), replacing(tmp_path / "missing" / "out.csv"):
        pytest.fail("the block must not run")
