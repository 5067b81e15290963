"""Ground truth for the JX rules under the installed JAX (CPU)."""
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest

X = jnp.linspace(-1.0, 1.0, 8)


def test_JX001():
    @jax.jit
    def relu_if(x, flag):
        if flag > 0:
            return jnp.maximum(x, 0)
        return x

    with pytest.raises(jax.errors.TracerBoolConversionError):
        relu_if(X, 1)

    @jax.jit
    def branchless(x, flag):
        return jnp.where(flag > 0, jnp.maximum(x, 0), x)

    assert float(branchless(X, 1).min()) == 0.0


def test_JX001_shapes_of_pytree_elements():
    """Iterating a list of traced arrays and comparing their shapes is static under jit;
    comparing their values is not."""
    import numpy as np

    @jax.jit
    def add_blocks(blocks, others):
        assert all(np.shape(a) == np.shape(b) for a, b in zip(blocks, others))
        return [a + b for a, b in zip(blocks, others)]

    assert float(add_blocks([X], [X])[0].sum()) == float(2 * X.sum())

    @jax.jit
    def positive(blocks):
        assert all(b.sum() > 0 for b in blocks)
        return blocks

    with pytest.raises(jax.errors.TracerBoolConversionError):
        positive([X])


def test_JX002():
    @jax.jit
    def reset_first(x):
        x[0] = 0.0
        return x

    with pytest.raises(TypeError, match="immutable"):
        reset_first(X)

    @jax.jit
    def functional(x):
        return x.at[0].set(0.0)

    assert float(functional(X)[0]) == 0.0


def test_JX003():
    @jax.jit
    def scale(x):
        return x * float(x.max())

    with pytest.raises(jax.errors.ConcretizationTypeError):
        scale(X)

    @jax.jit
    def item(x):
        return x.sum().item()

    with pytest.raises(jax.errors.ConcretizationTypeError):
        item(X)


def test_JX004():
    @jax.jit
    def positive_sum(x):
        return x[x > 0].sum()

    with pytest.raises(jax.errors.NonConcreteBooleanIndexError):
        positive_sum(X)

    @jax.jit
    def nonzero_count(x):
        return jnp.nonzero(x)[0].shape[0]

    with pytest.raises(jax.errors.ConcretizationTypeError):
        nonzero_count(X)


def test_JX005():
    @jax.jit
    def ramp(x, n):
        return x + jnp.arange(n)

    with pytest.raises(jax.errors.ConcretizationTypeError):
        ramp(X, 8)

    @partial(jax.jit, static_argnames=("n",))
    def ramp_static(x, n):
        return x + jnp.arange(n)

    assert ramp_static(X, 8).shape == (8,)

    @jax.jit
    def zeros(x, n):
        return x.sum() + jnp.zeros(n)

    with pytest.raises(TypeError, match="Shapes must be 1D sequences of concrete values"):
        zeros(X, 3)


def test_JX101():
    @jax.jit
    def noisy(x):
        return x + np.random.rand()

    first = noisy(X)
    second = noisy(X)
    assert bool(jnp.all(first == second)), "NumPy random numbers changed between calls"


def test_JX102(capsys):
    @jax.jit
    def chatty(x):
        print("tracing")
        return x * 2

    for _ in range(3):
        chatty(X)
    assert capsys.readouterr().out.count("tracing") == 1


history = []


def test_JX103():
    history.clear()

    @jax.jit
    def remember(x):
        y = x * 2
        history.append(y)
        return y

    for _ in range(3):
        remember(X)
    assert len(history) == 1
    assert isinstance(history[0], jax.core.Tracer)


def compile_count(fn, calls):
    """How many backend compilations `calls()` triggers."""
    events = []

    def listener(event, duration, **kwargs):
        if event == "/jax/core/compile/backend_compile_duration":
            events.append(event)

    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        calls(fn)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    return len(events)


def test_JX301():
    x = jnp.ones(4)

    def scaled(x, scale):
        return x * scale

    static = jax.jit(scaled, static_argnames=("scale",))
    traced = jax.jit(scaled)
    values = (1.0, 2.0, 3.0, 3.0)
    assert compile_count(static, lambda f: [f(x, v) for v in values]) == 3
    assert compile_count(traced, lambda f: [f(x, v) for v in values]) == 1
