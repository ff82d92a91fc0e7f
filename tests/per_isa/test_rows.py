"""softmax / log_softmax under one forced ISA, through the public gufuncs: special rows, the
overflow flag, float16, layout and thread independence. (float32 budgets per ISA on random
rows: tests/test_accuracy.py.)"""
import numpy as np
import pytest

import simdact as sa
import reference as ref
try:
    import ml_dtypes
except ImportError:  # bfloat16 rows are then tested where it is installed
    ml_dtypes = None
from budgets import F16_CEILING

ROWS = [f for f in sa.functions() if f.kind == "row"]
IDS = [f.name for f in ROWS]
REF = {"softmax": ref.softmax, "log_softmax": ref.log_softmax}


def test_softmax_special_rows():
    inf, nan = np.inf, np.nan
    f32 = np.float32
    for fn in (sa.softmax, sa.log_softmax):
        with np.errstate(all="raise"):
            assert np.isnan(fn(np.array([1, nan, 2], f32))).all()
            assert np.isnan(fn(np.array([1, inf, 2], f32))).all()
            assert np.isnan(fn(np.array([-inf, -inf], f32))).all()
            assert fn(np.zeros((3, 0), f32)).shape == (3, 0)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(sa.softmax(np.array([5.0], f32)), [1.0])
        np.testing.assert_array_equal(sa.log_softmax(np.array([5.0], f32)), [0.0])
        y = sa.softmax(np.array([0.0, -inf, 0.0], f32))
        np.testing.assert_array_equal(y, [0.5, 0.0, 0.5])
        z = sa.log_softmax(np.array([0.0, -inf, 0.0], f32))
        np.testing.assert_array_equal(z, [-np.log(f32(2)), -inf, -np.log(f32(2))])


def test_log_softmax_overflow_is_the_only_flag():
    x = np.array([-3e38, 3e38], np.float32)
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError, match="overflow"):
            sa.log_softmax(x)
    with np.errstate(over="ignore"):
        y = sa.log_softmax(x)
    assert y[0] == -np.inf and y[1] == 0.0


@pytest.mark.parametrize("f", ROWS, ids=IDS)
def test_float16_rows(f):
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 16, 100, 1000):
        h = (rng.standard_normal((20, n)) * 4).astype(np.float16)
        y = f.ufunc(h)
        assert y.dtype == np.float16
        r = REF[f.name](h.astype(np.float64), axis=-1)
        assert np.all(ref.ulp_err16(y, r) <= F16_CEILING)


@pytest.mark.parametrize("f", ROWS, ids=IDS)
def test_bfloat16_rows(f):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    from refcall import ulp_err_bf16
    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 16, 100, 1000):
        b = (rng.standard_normal((20, n)) * 4).astype(ml_dtypes.bfloat16)
        y = f.ufunc(b)
        assert y.dtype == ml_dtypes.bfloat16
        r = REF[f.name](b.astype(np.float64), axis=-1)
        assert np.all(ulp_err_bf16(y.astype(np.float32), r) <= 1.0)
    x = (rng.standard_normal((8, 33)) * 4).astype(ml_dtypes.bfloat16)
    np.testing.assert_array_equal(f.ufunc(x.T, axis=0).T.view(np.uint16),
                                  f.ufunc(x).view(np.uint16))


@pytest.mark.parametrize("f", ROWS, ids=IDS)
def test_rows_layout_and_threads(f):
    rng = np.random.default_rng(4)
    x = (rng.standard_normal((64, 333)) * 5).astype(np.float32)
    want = f.ufunc(x)
    bits = want.view(np.uint32)
    np.testing.assert_array_equal(f.ufunc(x.T.copy().T).view(np.uint32), bits)   # strided rows
    np.testing.assert_array_equal(f.ufunc(x.T, axis=0).T.view(np.uint32), bits)  # axis=
    np.testing.assert_array_equal(f.ufunc(x[:, ::-1])[:, ::-1].view(np.uint32), bits)
    a = x.copy()
    f.ufunc(a, out=a)
    np.testing.assert_array_equal(a.view(np.uint32), bits)
    raw = np.zeros(x.size * 4 + 128, np.uint8)
    start = (-raw.ctypes.data) % 64
    for off in (4, 20, 60):
        v = raw[start + off:start + off + x.size * 4].view(np.float32).reshape(x.shape)
        v[:] = x
        np.testing.assert_array_equal(f.ufunc(v).view(np.uint32), bits)
    old = sa._core._set_parallel_threshold(100)
    try:
        for t in (1, 2, 3):
            with sa.set_num_threads(t):
                sa._core._max_team_seen(True)
                np.testing.assert_array_equal(f.ufunc(x).view(np.uint32), bits)
                np.testing.assert_array_equal(f.ufunc(x.T, axis=0).T.view(np.uint32), bits)
                if t > 1 and sa._core.has_openmp():
                    assert sa._core._max_team_seen() == t
    finally:
        sa._core._set_parallel_threshold(old)


ROW_UFUNCS = [f.ufunc for f in ROWS] + [f.ufunc for f in sa.fast.functions() if f.kind == "row"]


GRAD_ROWS = [g.ufunc for g in sa.gradients() if g.kind == "grad_row"]


@pytest.mark.parametrize("uf", ROW_UFUNCS + GRAD_ROWS,
                         ids=[u.__name__ for u in ROW_UFUNCS + GRAD_ROWS])
def test_row_tails_write_the_row_and_nothing_else(uf):
    """Every row length 1..48 (all tail widths of every ISA) and a few longer ones: the row's
    result lands in its out= window, bit for bit the result of the same row inside a batch, in
    place too, and the 16 elements on each side of the window keep their values (the tails
    are masked vector loads and stores)."""
    rng = np.random.default_rng(11)
    for n in list(range(1, 49)) + [100, 1000, 1001]:
        ins = [(rng.standard_normal(n) * 4).astype(np.float32) for _ in range(uf.nin)]
        batch = [np.stack([a[::-1], a, a * 0.5]) for a in ins]
        want = uf(*batch)[1].view(np.uint32)
        for in_place in (False, True):
            buf = np.full(n + 32, 7.0, np.float32)
            win = buf[16:16 + n]
            if in_place:  # the last operand is the output
                win[:] = ins[-1]
            uf(*ins[:-1], win if in_place else ins[-1], out=win)
            np.testing.assert_array_equal(win.view(np.uint32), want)
            assert (buf[:16] == 7).all() and (buf[16 + n:] == 7).all(), (n, in_place)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_row_pairs_give_the_single_row_bits(uf, dtype):
    """Contiguous rows up to 1024 long (SA_ROWS2_N, kernels/loops.c) go to row-group kernels,
    which interleave two rows, or four up to 512 long (the fast tier; 16-bit rows too, widened
    into a float32 buffer): every row must come out with the bits it gets alone (a call with one
    row), whatever its neighbours: special rows beside finite ones in a group of four and in a
    pair, a NaN row in a group whose maxima are all finite, a row count that leaves a pair and
    a single row, rows further apart than their length, an output with its own row stride, in
    place, and lengths on both sides of 512 and 1024."""
    if dtype == "bfloat16" and ml_dtypes is None:
        pytest.skip("ml_dtypes (bfloat16) is not installed")
    dt = np.dtype(ml_dtypes.bfloat16) if dtype == "bfloat16" else np.dtype(dtype)
    rng = np.random.default_rng(12)
    inf, nan = np.inf, np.nan
    for n in (1, 5, 16, 17, 128, 256, 333, 512, 513, 1024, 1025, 2048):
        x = (rng.standard_normal((15, n)) * rng.choice([1.0, 30.0])).astype(dt)
        x[1, n // 2] = nan    # a NaN row beside finite ones
        x[2, 0] = inf         # a +inf row beside finite ones
        x[5] = -inf           # an all -inf row beside finite ones
        x[6, ::2] = -inf      # -inf entries
        x[9, n // 3] = nan    # NaN rows in groups of finite rows (rows 8..11, 12..13; 14 alone)
        x[13, n - 1] = nan
        with np.errstate(all="ignore"):
            want = _bits(np.stack([uf(r) for r in x]))
            np.testing.assert_array_equal(_bits(uf(x)), want)
            np.testing.assert_array_equal(_bits(uf(x[::2])), want[::2])
            wide = np.full((len(x), n + 3), 5.0, dt)
            uf(x, out=wide[:, 1:n + 1])
            np.testing.assert_array_equal(_bits(wide[:, 1:n + 1]), want)
            assert (wide[:, 0] == 5).all() and (wide[:, n + 1:] == 5).all()
            a = x.copy()
            uf(a, out=a)
            np.testing.assert_array_equal(_bits(a), want)


def _bits(a):
    return a.view(np.dtype(f"u{a.dtype.itemsize}"))


def _in_place_and_2_threads(uf, x, a, want):
    """Over axis 0: uf(a, out=a) on a (a copy of x) in place, and uf(x) with 2 threads (the
    parallel threshold lowered so small arrays split), both with want's bits."""
    uf(a, axis=0, out=a)
    np.testing.assert_array_equal(_bits(a), _bits(want))
    old = sa._core._set_parallel_threshold(16)
    try:
        with sa.set_num_threads(2):
            np.testing.assert_array_equal(_bits(uf(x, axis=0)), _bits(want))
    finally:
        sa._core._set_parallel_threshold(old)


HALF_TYPES = [np.float16] + ([ml_dtypes.bfloat16] if ml_dtypes else [])


@pytest.mark.parametrize("dtype", HALF_TYPES, ids=[np.dtype(t).name for t in HALF_TYPES])
@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_16bit_columns_give_the_row_bits(uf, dtype):
    """float16 / bfloat16 rows next to each other (axis 0) are widened a block of columns at a
    time and go to the float32 column kernels: each column must carry its contiguous row's bits
    (one column, remainders for the per-row path, columns longer than the wide-block limit,
    special columns, an output offset from the input, in place, 2 threads)."""
    rng = np.random.default_rng(11)
    for n, cols in ((1, 16), (5, 17), (40, 100), (300, 70), (2100, 33)):
        x = (rng.standard_normal((n, cols)) * 4).astype(dtype)
        if n >= 4:
            x[1, 0] = np.nan
            x[2, 1] = np.inf
            x[:, 2] = -np.inf
            x[:, 3] = 0.0
        with np.errstate(all="ignore"):
            want = uf(np.ascontiguousarray(x.T)).T
            assert want.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(_bits(uf(x, axis=0)), _bits(want))
            big = np.full((n, cols + 3), 7.0, dtype)
            uf(x, axis=0, out=big[:, 3:])
            np.testing.assert_array_equal(_bits(big[:, 3:]), _bits(want))
            assert (big[:, :3] == 7).all()
            _in_place_and_2_threads(uf, x, x.copy(), want)


@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_column_kernels_give_the_row_bits(uf):
    """Rows that sit next to each other in memory (axis 0 of a C-ordered array) go 16 at a time
    to column kernels; every column must come out with the bits of the same data as a
    contiguous row: columns of 1..700 elements (kept / recomputed exp, copied / in place), a
    remainder of columns for the tile path, special columns, in place, and threads."""
    rng = np.random.default_rng(7)
    inf, nan = np.inf, np.nan
    for n, cols in ((1, 16), (2, 37), (17, 50), (256, 32), (257, 33), (700, 20)):
        x = (rng.standard_normal((n, cols)) * rng.choice([1.0, 40.0])).astype(np.float32)
        if n >= 4:
            x[1, 0] = nan                 # a NaN column
            x[2, 1] = inf                 # a +inf column
            x[:, 2] = -inf                # an all -inf column
            x[0, 3] = -inf                # a -inf entry
            x[:, 4] = 0.0                 # zeros of both signs as the max
            x[::2, 4] = -0.0
            x[:, 5] = -3e38               # a column at the bottom of the range
            x[3, 5] = 3e38
            x[:, 6] = np.round(x[:, 6] / 8)  # the max repeated among other values
        with np.errstate(all="ignore"):
            want = uf(np.ascontiguousarray(x.T)).T
            np.testing.assert_array_equal(uf(x, axis=0).view(np.uint32), want.view(np.uint32))
            _in_place_and_2_threads(uf, x, x.copy(), want)


@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_column_steps_at_any_offset(uf):
    """The loops start the column steps where the output's cache line starts when there are at
    least 256 columns (the ones before take the tile path), and copy a step of columns into a
    buffer: up to 256 columns for columns up to 2048 long, run in place in the buffer and
    copied out (its width set by the column length: 256 for 3 and 130, 144 for 1000, 64 for
    2000), 16 beyond, written to the output by the kernel: every start offset of input and
    output (in elements, and a byte-misaligned output), with and without that peel, every step
    width, in place and with 2 threads give each column its row's bits."""
    rng = np.random.default_rng(9)
    for n, cols in ((3, 300), (130, 150), (130, 300), (1000, 200), (2000, 150), (2100, 270)):
        big = (rng.standard_normal((n, cols + 16)) * 8).astype(np.float32)
        for xo, yo in ((0, 0), (3, 3), (5, 11), (15, 1), (12, 0)):
            x = big[:, xo:xo + cols]
            want = uf(np.ascontiguousarray(x.T)).T
            ybig = np.full((n, cols + 16), 7.0, np.float32)
            y = ybig[:, yo:yo + cols]
            uf(x, axis=0, out=y)
            np.testing.assert_array_equal(y.view(np.uint32), want.view(np.uint32))
            assert (ybig[:, :yo] == 7).all() and (ybig[:, yo + cols:] == 7).all()
            _in_place_and_2_threads(uf, x, big.copy()[:, xo:xo + cols], want)
        raw = np.zeros(n * cols * 4 + 1, np.uint8)   # an output one byte off its element grid
        y = np.frombuffer(raw.data, np.float32, n * cols, offset=1).reshape(n, cols)
        assert y.ctypes.data % 4 != 0
        uf(big[:, :cols], axis=0, out=y)
        want = uf(np.ascontiguousarray(big[:, :cols].T)).T
        np.testing.assert_array_equal(y.view(np.uint32), want.view(np.uint32))


@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_long_columns_are_read_in_place(uf):
    """Columns longer than the loops' copy limit (16384) are read by the column kernels in
    place, with pass 2's exp kept up to 32768 (SA_COLS_KEEP) and computed again beyond: same
    bits as the rows either way."""
    for n in (16400, 32800):
        x = (np.random.default_rng(8).standard_normal((n, 17)) * 30).astype(np.float32)
        want = uf(np.ascontiguousarray(x.T)).T
        np.testing.assert_array_equal(uf(x, axis=0).view(np.uint32), want.view(np.uint32))
        y = np.empty_like(x)   # C-ordered: the column path (NumPy's own output has the axis last)
        uf(x, axis=0, out=y)
        np.testing.assert_array_equal(y.view(np.uint32), want.view(np.uint32))


@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_long_columns_count_every_max(uf):
    """The log_softmax column kernels count each column's maxima (or the elements below it) in
    float and move the count to float64 every so often (every 4096 elements, or every block):
    columns of 8200 whose maxima are all, half or one of their elements, or sit only past the
    first 4096, give the row's bits, and a column of n equal elements gives log(1/n) and 1/n
    against float64."""
    n = 8200
    rng = np.random.default_rng(12)
    x = (rng.standard_normal((n, 40)) * 3).astype(np.float32)
    x[:, 0] = 1.5                                 # every element at the max
    x[::2, 1] = 2.0                               # half of them
    x[1::2, 1] = -1.0
    x[:, 2] = -5.0
    x[4096:, 2] = 4.0                             # the maxima only past the first flush
    x[:, 3] = np.where(rng.random(n) < 0.9, 0.25, -7.0).astype(np.float32)
    x[:4095, 4] = -2.0                            # maxima from the end of the first block
    x[4095:, 4] = 1.0
    x[:, 20:25] = x[:, 0:5]                       # the same in the second thread's 16 columns
    want = uf(np.ascontiguousarray(x.T)).T
    got = np.empty_like(x)               # C-ordered like x: the loops' column path (NumPy
    uf(x, axis=0, out=got)               # allocates an output with the axis last)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))
    exact = -np.log(n) if "log" in uf.__name__ else 1.0 / n
    np.testing.assert_allclose(got[:, [0, 20]].astype(np.float64), exact, rtol=2 ** -14)


@pytest.mark.parametrize("uf", ROW_UFUNCS, ids=[u.__name__ for u in ROW_UFUNCS])
def test_column_kernels_raise_only_genuine_flags(uf):
    """Special columns are computed beside good ones in the same vectors: they must raise no
    flag; log_softmax's genuine overflow (a result below -FLT_MAX) is still reported."""
    for col in ([3e38, np.inf, 1.0], [3e38, np.nan, -3e38], [-3e38, np.inf, 3e38],
                [-np.inf, -np.inf, -np.inf]):
        x = np.tile(np.array(col, np.float32)[:, None], (1, 20))
        x[:, 7] = [1.0, 2.0, 3.0]
        with np.errstate(all="raise"):
            y = uf(x, axis=0)
            z = np.empty_like(x)           # a C-ordered out= (NumPy's own has the axis last)
            uf(x, axis=0, out=z)
        assert np.isnan(np.delete(y, 7, axis=1)).all()
        np.testing.assert_array_equal(z.view(np.uint32), y.view(np.uint32))
    x = np.tile(np.array([-3e38, 3e38], np.float32)[:, None], (1, 16))
    if uf in (sa.log_softmax, sa.fast.log_softmax):
        with np.errstate(all="raise"):
            with pytest.raises(FloatingPointError, match="overflow"):
                uf(x, axis=0)
    else:
        with np.errstate(all="raise"):
            y = uf(x, axis=0)
        assert (y[0] == 0).all() and (y[1] == 1).all()
