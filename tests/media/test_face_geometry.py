"""The canonical face read from the model bundle (media.face_geometry)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from rom_tracker.kinematics.canonical_face import CANONICAL_XYZ, FIT_LANDMARKS
from rom_tracker.media.face_geometry import METADATA, canonical_face_mesh


@pytest.mark.real
def test_the_fit_table_is_the_bundles_canonical_face(shared_dir: Path) -> None:
    mesh = canonical_face_mesh(shared_dir / "models" / "face_landmarker.task")
    assert mesh.shape == (468, 3)
    np.testing.assert_allclose(mesh[list(FIT_LANDMARKS)], CANONICAL_XYZ, atol=1e-6)


def test_a_bundle_without_a_mesh_is_an_error(tmp_path: Path) -> None:
    task = tmp_path / "empty.task"
    with zipfile.ZipFile(task, "w") as z:
        z.writestr(METADATA, b"\x18\x01")  # field 3 (input source) only
    with pytest.raises(ValueError, match="no canonical mesh"):
        canonical_face_mesh(task)
