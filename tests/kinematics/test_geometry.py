"""Vector helpers: the landmark copy and the fast paths give the plain numpy answers."""

from __future__ import annotations

import numpy as np
import pytest

from rom_tracker.kinematics import geometry
from rom_tracker.kinematics.geometry import (
    angle_between,
    angle_to_axis,
    atan2_deg,
    cross,
    midpoint,
    on_frames,
    planar_angle,
    points,
    seen_in_all,
    wrap_deg,
)


def reference_points(
    values: np.ndarray, idx: list[int], dims: int, unseen: np.ndarray | None
) -> list[np.ndarray]:
    out = values[:, idx, :dims].astype(np.float64)
    out[np.isinf(out)] = np.nan
    if unseen is not None:
        out[unseen[:, idx]] = np.nan
    return [out[:, k] for k in range(len(idx))]


@pytest.mark.parametrize(
    "idx",
    [[11, 12, 23, 24, 25], [0, 7, 8, 11, 12, 23, 25, 27, 24, 26, 28], [32, 31, 30, 5, 5], [4]],
    ids=["runs", "mixed", "backwards-and-twice", "one"],
)
@pytest.mark.parametrize("dims", [1, 2, 3])
def test_points_match_fancy_indexing(idx: list[int], dims: int) -> None:
    rng = np.random.default_rng(3)
    n = 2 * geometry._BLOCK + 5  # several blocks, the last one short
    values = rng.normal(size=(n, 33, 3)).astype(np.float32)
    values[rng.random(values.shape) < 0.01] = np.inf
    values[rng.random(values.shape) < 0.01] = -np.inf
    values[rng.random(values.shape) < 0.01] = np.nan
    unseen = rng.random((n, 33)) < 0.3
    before = values.copy()
    for hidden in (None, unseen):
        got = points(values, idx, dims, hidden)
        want = reference_points(values, idx, dims, hidden)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert g.shape == (n, dims) and g.dtype == np.float64
            np.testing.assert_array_equal(g, w)
    np.testing.assert_array_equal(values, before)  # the input is not modified


def test_points_unseen_shape_is_checked() -> None:
    with pytest.raises(ValueError, match=r"unseen: expected shape \(4, 33\), got \(4, 32\)"):
        points(np.zeros((4, 33, 3)), [1], unseen=np.zeros((4, 32), dtype=bool))


@pytest.mark.parametrize("share_defined", [0.0, 0.1, 0.5, 0.79, 0.81, 1.0])
def test_arctan2_on_defined_frames_only_is_plain_arctan2(share_defined: float) -> None:
    """Both paths of the helper (gathered frames, masked arctan2) give np.arctan2's bits."""
    rng = np.random.default_rng(7)
    y, x = rng.normal(size=(2, 2, 1000)) * 10.0 ** rng.integers(-3, 4, size=(2, 2, 1000))
    ok = rng.random((2, 1000)) < share_defined
    y[~ok & (rng.random((2, 1000)) < 0.5)] = np.nan
    got = geometry._atan2_deg_where(y, x, ok)
    want = np.where(ok, np.degrees(np.arctan2(y, x)), np.nan)
    np.testing.assert_array_equal(got, want)
    assert got.shape == (2, 1000)


def test_atan2_deg_is_np_degrees_of_arctan2() -> None:
    rng = np.random.default_rng(1)
    y, x = rng.normal(size=(2, 10_000))
    np.testing.assert_array_equal(atan2_deg(y, x), np.degrees(np.arctan2(y, x)))
    assert atan2_deg(-0.0, -1.0) == -180.0
    assert planar_angle(np.array([-1.0]), np.array([-0.0]), np.array([1.0]))[0] == 180.0


@pytest.mark.parametrize("dims", [2, 3])
def test_angle_to_axis_is_angle_between_the_unit_vector(dims: int) -> None:
    rng = np.random.default_rng(2)
    u = rng.normal(size=(500, dims))
    u[::7] = 0.0
    u[::11, 0] = np.nan
    for axis in range(dims):
        for sign in (1.0, -1.0):
            e = np.zeros(dims)
            e[axis] = sign
            np.testing.assert_allclose(
                angle_to_axis(u, axis, sign), angle_between(u, e), atol=1e-12, rtol=0
            )
    assert np.isnan(angle_to_axis(u, 0)[::7]).all()


def test_cross_broadcasts_like_np_cross() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(2, 50, 3))
    np.testing.assert_array_equal(cross(a, b), np.cross(a, b))
    np.testing.assert_array_equal(cross(a, b[0]), np.cross(a, b[0]))
    assert cross(a[0], b[0]).shape == (3,)


@pytest.mark.parametrize(
    ("angle", "want"),
    [
        (0.0, 0.0),
        (180.0, 180.0),
        (-180.0, 180.0),
        (190.0, -170.0),
        (-540.0, 180.0),
        (720.5, 0.5),
        (np.nan, np.nan),
        (np.inf, np.nan),
        (-np.inf, np.nan),
    ],
)
def test_wrap_deg(angle: float, want: float) -> None:
    got = wrap_deg(np.array([angle, 10.0]))
    np.testing.assert_array_equal(got, [want, 10.0])


@pytest.mark.parametrize("share_seen", [0.0, 0.3, 0.79, 0.81, 1.0])
def test_on_frames_gives_what_the_function_gives_on_all_frames(share_seen: float) -> None:
    rng = np.random.default_rng(5)
    u, v = rng.normal(size=(2, 400, 3))
    u[rng.random(400) >= share_seen, 1] = np.nan  # frames not seen: NaN, as after points()
    seen = seen_in_all(u, v)
    assert (seen == ~np.isnan(u).any(axis=1)).all()

    def fn(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {"angle": angle_between(p["u"], p["v"]), "x": p["u"][:, 0] * 2.0}

    got = on_frames(seen, fn, {"u": u, "v": v})
    want = fn({"u": u, "v": v})
    for name in want:
        np.testing.assert_array_equal(got[name][seen], want[name][seen])
        assert np.isnan(got[name][~seen]).all()


def test_midpoint_known_answer() -> None:
    a = np.array([[0.0, 0.0, 0.0], [1.0, -2.0, np.nan]])
    b = np.array([[2.0, 4.0, 6.0], [3.0, 2.0, 0.0]])
    np.testing.assert_array_equal(midpoint(a, b), [[1.0, 2.0, 3.0], [2.0, 0.0, np.nan]])


@pytest.mark.parametrize(
    "idx", [[5, 1], [3, 6], [0, 10, 1], [0, 1, 10, 12], [5, 1, 2, 3, 11, 12, 0]], ids=str
)
def test_points_in_any_order_of_indices(idx: list[int]) -> None:
    """Landmarks asked for out of order, and runs of consecutive ones, come back as asked
    (the copy groups consecutive indices into runs: only those)."""
    values = np.arange(2 * 30 * 3, dtype=np.float32).reshape(2, 30, 3)
    for k, got in zip(idx, points(values, idx), strict=True):
        np.testing.assert_array_equal(got, values[:, k, :])
