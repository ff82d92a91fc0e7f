"""The peers simdact is measured against, as callables `fn(x, out)` (two-operand functions:
`fn(a, b, out)`) on NumPy arrays, shared by `python -m simdact bench` and
`python -m simdact accuracy`.

Every peer is optional (the `bench` extra installs them); `available()` says which are
importable and `make(peer, name, dtype, threads, shape)` returns a callable, None when the peer
has no such function, or raises PeerMissing when the peer is not installed. Each callable writes
into a preallocated `out` (PyTorch: aten `.out` overloads on tensors sharing the arrays' memory;
ONNX Runtime: a model with io_binding to preallocated buffers), so the timing is the kernel and
the call, not an allocation. Functions are computed at simdact's default parameters.

NumPy is the formula a user would write (several ufunc calls, as it comes); numexpr evaluates
one expression in one pass. Where PyTorch or ONNX Runtime have no single op (swiglu is silu(a)
then a multiply), the callable composes ops and says so: its `ops` attribute is the number of
ops (graph nodes) it runs, and `label(peer, fn)` names it "torch (2 ops)".
"""
import math

import numpy as np

SQRT1_2 = 1.0 / math.sqrt(2.0)
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

PEERS = ("numpy", "numexpr", "torch", "onnxruntime")
# two-operand gated units f(a, b) = act(a) * b: no peer has them as one op
GATED = {"swiglu": "silu", "geglu": "gelu", "geglu_tanh": "gelu_tanh", "reglu": "relu"}
# equal at simdact's default parameters (swish beta = 1, celu alpha = 1)
ALIASES = {"swish": "silu", "celu": "elu"}


class PeerMissing(Exception):
    pass


def label(peer, fn):
    """The implementation's name in reports: the peer, and its op count when it composes."""
    n = getattr(fn, "ops", 1)
    return f"{peer} ({n} ops)" if n > 1 else peer


def available():
    out = {"numpy": np.__version__}
    for mod in ("numexpr", "torch", "onnxruntime"):
        try:
            out[mod] = __import__(mod).__version__
        except ImportError:
            out[mod] = None
    return out


# ------------------------------------------------------------------ NumPy / SciPy formulas
def _numpy(name, dtype, axis=-1):
    try:
        from scipy import special as sps
    except ImportError:
        sps = None
    t = np.dtype(dtype).type

    def gelu(x, out):
        np.multiply(x, -SQRT1_2, out=out)
        sps.erfc(out, out=out)
        np.multiply(out, x, out=out)
        np.multiply(out, t(0.5), out=out)

    def gelu_tanh(x, out):
        np.multiply(x, x, out=out)
        np.multiply(out, t(0.044715), out=out)
        np.add(out, t(1.0), out=out)
        np.multiply(out, x, out=out)
        np.multiply(out, t(SQRT_2_OVER_PI), out=out)
        np.tanh(out, out=out)
        np.add(out, t(1.0), out=out)
        np.multiply(out, x, out=out)
        np.multiply(out, t(0.5), out=out)

    def softmax(x, out):
        m = x.max(axis=axis, keepdims=True)
        np.subtract(x, m, out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=axis, keepdims=True)

    def log_softmax(x, out):
        m = x.max(axis=axis, keepdims=True)
        np.subtract(x, m, out=out)
        s = np.log(np.exp(out).sum(axis=axis, keepdims=True))
        out -= s

    def silu(x, out):
        sps.expit(x, out=out)
        np.multiply(out, x, out=out)

    def elu(x, out):
        np.minimum(x, t(0), out=out)
        np.expm1(out, out=out)
        np.copyto(out, x, where=x > 0)

    def mish(x, out):
        np.logaddexp(x, t(0), out=out)
        np.tanh(out, out=out)
        np.multiply(out, x, out=out)

    def prelu(x, b, out):
        np.multiply(x, b, out=out)
        np.copyto(out, x, where=x > 0)

    table = {
        "relu": lambda x, out: np.maximum(x, t(0), out=out),
        "elu": elu, "mish": mish, "prelu": prelu,
        "softplus": lambda x, out: np.logaddexp(x, t(0), out=out),
        "leaky_relu": lambda x, out: np.maximum(x, np.multiply(x, t(0.01), out=out), out=out),
        "tanh": lambda x, out: np.tanh(x, out=out),
        "softmax": softmax,
        "log_softmax": log_softmax,
        "relu6": lambda x, out: np.clip(x, t(0), t(6), out=out),
        "hardtanh": lambda x, out: np.clip(x, t(-1), t(1), out=out),
        "softsign": lambda x, out: np.divide(x, np.abs(x) + t(1), out=out),
    }
    if sps is not None:
        table.update({
            "sigmoid": lambda x, out: sps.expit(x, out=out),
            "erf": lambda x, out: sps.erf(x, out=out),
            "gelu": gelu, "gelu_tanh": gelu_tanh, "silu": silu,
            "log_sigmoid": lambda x, out: sps.log_expit(x, out=out),
        })
    gate = table.get(GATED.get(name))
    if gate is not None:                  # the gated units: the activation, then times b
        def gated(a, b, out):
            gate(a, out)
            np.multiply(out, b, out=out)
        return gated
    return table.get(name)


# ------------------------------------------------------------------ numexpr
_NUMEXPR = {
    "relu": "where(x > 0, x, 0)",
    "sigmoid": "1 / (1 + exp(-x))",
    "tanh": "tanh(x)",
    "silu": "x / (1 + exp(-x))",
    "gelu_tanh": f"0.5 * x * (1 + tanh({SQRT_2_OVER_PI!r} * (x + 0.044715 * x * x * x)))",
    "softsign": "x / (1 + abs(x))",
    "elu": "where(x > 0, x, expm1(x))",
    "softplus": "where(x > 20, x, log1p(exp(x)))",
    "hardsigmoid": "where(x <= -3, 0, where(x >= 3, 1, x / 6 + 0.5))",
    "relu6": "where(x < 0, 0, where(x > 6, 6, x))",
    "hardtanh": "where(x < -1, -1, where(x > 1, 1, x))",
    "leaky_relu": "where(x > 0, x, 0.01 * x)",
    "mish": "x * tanh(where(x > 20, x, log1p(exp(x))))",
    "prelu": "where(x > 0, x, b * x)",
}
_NUMEXPR.update({k: f"({_NUMEXPR[v]}) * b" for k, v in GATED.items() if v in _NUMEXPR})


def _numexpr(name, dtype, threads):
    try:
        import numexpr as ne
    except ImportError:
        raise PeerMissing("numexpr")
    expr = _NUMEXPR.get(name)
    if expr is None:
        return None
    ne.set_num_threads(threads)

    def run(*arrays):
        *ins, out = arrays
        ne.evaluate(expr, local_dict=dict(zip("xb", ins)), out=out, casting="unsafe")
    return run


# ------------------------------------------------------------------ PyTorch (aten .out)
def _torch(name, dtype, threads, axis=-1):
    try:
        import torch
    except ImportError:
        raise PeerMissing("torch")
    torch.set_num_threads(threads)
    aten = torch.ops.aten
    ops = {
        "relu": lambda t, o: aten.clamp_min.out(t, 0.0, out=o),
        "sigmoid": lambda t, o: aten.sigmoid.out(t, out=o),
        "tanh": lambda t, o: aten.tanh.out(t, out=o),
        "silu": lambda t, o: aten.silu.out(t, out=o),
        "erf": lambda t, o: aten.erf.out(t, out=o),
        "gelu": lambda t, o: aten.gelu.out(t, out=o),
        "gelu_tanh": lambda t, o: aten.gelu.out(t, approximate="tanh", out=o),
        "softmax": lambda t, o: aten._softmax.out(t, axis, False, out=o),
        "log_softmax": lambda t, o: aten._log_softmax.out(t, axis, False, out=o),
        "elu": lambda t, o: aten.elu.out(t, out=o),
        "selu": lambda t, o: aten.elu.out(t, SELU_ALPHA, SELU_SCALE, 1.0, out=o),
        "celu": lambda t, o: aten.elu.out(t, 1.0, 1.0, 1.0, out=o),
        "softplus": lambda t, o: aten.softplus.out(t, out=o),
        "mish": lambda t, o: aten.mish.out(t, out=o),
        "log_sigmoid": lambda t, o: aten.log_sigmoid.out(t, out=o),
        "hardsigmoid": lambda t, o: aten.hardsigmoid.out(t, out=o),
        "hardswish": lambda t, o: aten.hardswish.out(t, out=o),
        "hardtanh": lambda t, o: aten.hardtanh.out(t, out=o),
        "relu6": lambda t, o: aten.hardtanh.out(t, 0.0, 6.0, out=o),
        "leaky_relu": lambda t, o: aten.leaky_relu.out(t, 0.01, out=o),
    }
    op, nops = ops.get(name), 1
    if name in GATED:
        gate = ops[GATED[name]]

        def gated(a, b, o):
            gate(a, o)
            aten.mul.out(o, b, out=o)
        op, nops = gated, 2
    elif name == "prelu":                 # aten.prelu's weight is per channel, and has no .out
        def prelu(a, b, o):
            aten.mul.out(a, b, out=o)
            aten.where.self_out(a > 0, a, o, out=o)
        op, nops = prelu, 3
    if op is None:
        return None
    cache = {}

    def run(*arrays):
        k = tuple((a.__array_interface__["data"][0], a.shape) for a in arrays)
        if k not in cache:
            cache.clear()
            cache[k] = tuple(torch.from_numpy(a) for a in arrays)
        op(*cache[k])
    run.ops = nops
    return run


# ------------------------------------------------------------------ ONNX Runtime
def _ort_nodes(name, helper, axis=-1):
    """(nodes, opset) computing Y from X (and B for two-operand functions)."""
    n = helper.make_node
    if name in GATED:
        nodes, opset = _ort_nodes(GATED[name], helper, axis)
        if nodes is None:
            return None, None
        for node in nodes:
            node.output[:] = ["G" if o == "Y" else o for o in node.output]
        return nodes + [n("Mul", ["G", "B"], ["Y"])], opset
    if name == "prelu":
        return [n("PRelu", ["X", "B"], ["Y"])], 18
    if name in ("hardtanh", "relu6"):
        lo, hi = (-1.0, 1.0) if name == "hardtanh" else (0.0, 6.0)
        return [n("Constant", [], ["lo"], value_float=lo),
                n("Constant", [], ["hi"], value_float=hi),
                n("Clip", ["X", "lo", "hi"], ["Y"])], 18
    one = {
        "relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "erf": "Erf", "selu": "Selu",
        "softplus": "Softplus", "softsign": "Softsign", "mish": "Mish", "hardswish": "HardSwish",
    }
    if name in one:
        return [n(one[name], ["X"], ["Y"])], 18
    if name == "elu":
        return [n("Elu", ["X"], ["Y"], alpha=1.0)], 18
    if name == "celu":
        return [n("Celu", ["X"], ["Y"], alpha=1.0)], 18
    if name == "leaky_relu":
        return [n("LeakyRelu", ["X"], ["Y"], alpha=0.01)], 18
    if name == "hardsigmoid":
        return [n("HardSigmoid", ["X"], ["Y"], alpha=1.0 / 6.0, beta=0.5)], 18
    if name == "softmax":
        return [n("Softmax", ["X"], ["Y"], axis=axis)], 18
    if name == "log_softmax":
        return [n("LogSoftmax", ["X"], ["Y"], axis=axis)], 18
    if name == "gelu":
        return [n("Gelu", ["X"], ["Y"])], 20
    if name == "gelu_tanh":
        return [n("Gelu", ["X"], ["Y"], approximate="tanh")], 20
    if name == "silu":
        return [n("Sigmoid", ["X"], ["S"]), n("Mul", ["X", "S"], ["Y"])], 18
    return None, None


def _onnxruntime(name, dtype, threads, shape, axis=-1):
    try:
        import onnx
        import onnxruntime as ort
        from onnx import TensorProto, helper
    except ImportError:
        raise PeerMissing("onnxruntime")
    nodes, opset = _ort_nodes(name, helper, axis)
    if nodes is None:
        return None
    et = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.float16): TensorProto.FLOAT16,
          np.dtype(np.float64): TensorProto.DOUBLE}[np.dtype(dtype)]
    inputs = ["X"] + (["B"] if any("B" in node.input for node in nodes) else [])
    graph = helper.make_graph(nodes, name,
                              [helper.make_tensor_value_info(i, et, list(shape)) for i in inputs],
                              [helper.make_tensor_value_info("Y", et, list(shape))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = min(model.ir_version, 9)
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.log_severity_level = 3
    try:
        sess = ort.InferenceSession(model.SerializeToString(), so,
                                    providers=["CPUExecutionProvider"])
    except Exception:       # the op or the dtype is not implemented for the CPU provider
        return None
    binding = sess.io_binding()
    bound = {}

    def run(*arrays):
        *ins, out = arrays
        k = tuple(a.__array_interface__["data"][0] for a in arrays)
        if bound.get("k") != k:
            binding.clear_binding_inputs()
            binding.clear_binding_outputs()
            for i, a in zip(inputs, ins):
                binding.bind_cpu_input(i, a)
            binding.bind_output("Y", "cpu", 0, np.dtype(dtype), list(out.shape),
                                out.__array_interface__["data"][0])
            bound["k"] = k
        sess.run_with_iobinding(binding)
    run.ops = sum(node.op_type != "Constant" for node in nodes)
    return run


def make(peer, name, dtype=np.float32, threads=1, shape=(1,), axis=-1):
    """A callable fn(x, out) (two-operand functions: fn(a, b, out)) computing simdact's `name`
    (default parameters; rows along `axis`) with `peer`."""
    fn = _make(peer, name, dtype, threads, shape, axis)
    if fn is None and name in ALIASES:
        fn = _make(peer, ALIASES[name], dtype, threads, shape, axis)
    return fn


def _make(peer, name, dtype, threads, shape, axis):
    if peer == "numpy":
        return _numpy(name, dtype, axis)
    if peer == "numexpr":
        return _numexpr(name, dtype, threads) if axis == -1 else None
    if peer == "torch":
        return _torch(name, dtype, threads, axis)
    if peer == "onnxruntime":
        return _onnxruntime(name, dtype, threads, shape, axis)
    raise ValueError(peer)
