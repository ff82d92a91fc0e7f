"""PyTorch's own autograd for every simdact forward function (float64), for
test_gradients.test_against_torch_autograd_float64. torch is optional (the `torch` extra)."""
import numpy as np


def _forward(torch, name):
    F = torch.nn.functional
    return {
        "relu": F.relu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "silu": F.silu,
        "erf": torch.erf,
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "softmax": lambda x: torch.softmax(x, -1),
        "log_softmax": lambda x: torch.log_softmax(x, -1),
        "hardsigmoid": F.hardsigmoid,
        "hardswish": F.hardswish,
        "relu6": F.relu6,
        "softsign": F.softsign,
        "selu": F.selu,
        "mish": F.mish,
        "log_sigmoid": F.logsigmoid,
        "leaky_relu": lambda x, s: F.leaky_relu(x, float(s)),
        "hardtanh": lambda x, lo, hi: F.hardtanh(x, float(lo), float(hi)),
        "elu": lambda x, a: F.elu(x, float(a)),
        "celu": lambda x, a: F.celu(x, float(a)),
        "softplus": lambda x, b, t: F.softplus(x, float(b), float(t)),
        "swish": lambda x, b: x * torch.sigmoid(float(b) * x),
        "reglu": lambda a, b: F.relu(a) * b,
        "swiglu": lambda a, b: F.silu(a) * b,
        "geglu": lambda a, b: F.gelu(a) * b,
        "geglu_tanh": lambda a, b: F.gelu(a, approximate="tanh") * b,
    }.get(name)


# Where PyTorch's own float64 backward formula is the inaccurate side (checked against mpmath in
# test_gradients.test_float64_against_mpmath), the comparison is restricted:
#   gelu, gelu_tanh and the gated forms: torch evaluates 0.5 (1 + erf(x/sqrt2)) and
#     0.5 x (1 + tanh u), which cancel for x < 0 (at x = -12 torch's gelu' is 0.7% off, at
#     x = -4 gelu_tanh's is 1e-12 off): compared from x = -3 on;
#   celu: torch forms 1/alpha in float32 even for float64 data (|x/alpha| 2^-24 relative);
#   hardsigmoid: torch multiplies by float32(1/6) even for float64 data (2^-24 relative).
TORCH_X_MIN = {"gelu": -3.0, "gelu_tanh": -3.0, "geglu": -3.0, "geglu_tanh": -3.0}
TORCH_RTOL = {"celu": lambda x, ops: 2.0 ** -22 * (1.0 + np.abs(x / ops[0])),
              "hardsigmoid": lambda x, ops: 2.0 ** -22}


def torch_grad(torch, base, x, dy, ops):
    """Gradients torch computes for forward `base` at x with operands ops and upstream dy, as
    float64 arrays: [dx] or, for two-operand functions, [dx, dp] (prelu: dp is the weight's
    gradient, a sum, as torch gives it)."""
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tdy = torch.tensor(dy, dtype=torch.float64)
    if base == "prelu":
        w = torch.tensor([float(ops[0])], dtype=torch.float64, requires_grad=True)
        torch.nn.functional.prelu(tx, w).backward(tdy)
        return [tx.grad.numpy(), w.grad.numpy()[0]]
    fn = _forward(torch, base)
    if fn is None:
        raise KeyError(base)
    if base in ("reglu", "swiglu", "geglu", "geglu_tanh"):
        tb = torch.full_like(tx, float(ops[0]), requires_grad=True)
        fn(tx, tb).backward(tdy)
        return [tx.grad.numpy(), tb.grad.numpy()]
    fn(tx, *ops).backward(tdy)
    return [tx.grad.numpy()]
