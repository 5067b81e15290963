"""Ground truth for the GEN (profitability) rules: what can be asserted without timing."""
import jax
import jax.numpy as jnp
import numpy as np
import torch
import torch._dynamo
from numba import njit
from torch._dynamo.testing import CompileCounter
from torch._inductor.utils import run_and_get_code


def test_GEN401():
    torch._dynamo.reset()

    def project(x, w):
        return x @ w

    x, w = torch.randn(16, 16), torch.randn(16, 16)
    result, code = run_and_get_code(torch.compile(project), x, w)
    torch.testing.assert_close(result, project(x, w))
    # Inductor calls the same library GEMM (an extern kernel), it does not generate one.
    assert any("extern_kernels.mm" in source for source in code)


def test_GEN402():
    def activation(x):
        y = jnp.sin(x)
        y = y * jnp.cos(y)
        return jnp.tanh(y) + jnp.exp(-y)

    x = jnp.linspace(-1.0, 1.0, 64)
    eager_ops = len(jax.make_jaxpr(activation)(x).jaxpr.eqns)
    hlo = jax.jit(activation).lower(x).compile().as_text()
    # Eagerly every operation is its own kernel; compiled, XLA emits one loop fusion for all.
    assert eager_ops >= 6
    assert hlo.count(" fusion(") == 1
    assert jnp.allclose(jax.jit(activation)(x), activation(x))


def test_GEN403():
    torch._dynamo.reset()

    def add_one(x):
        return x + 1

    counter = CompileCounter()
    torch.compile(add_one, backend=counter)(torch.ones(4))
    # One operation: there is nothing for the compiler to fuse, only guards to check per call.
    assert counter.op_count == 1

    @njit
    def add(a, b):
        return a + b

    assert add(1.0, 2.0) == add.py_func(1.0, 2.0)
