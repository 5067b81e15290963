"""Ground truth for the TF rules under the installed TensorFlow (CPU)."""
import pytest
import tensorflow as tf
from tensorflow.python.framework.errors_impl import InaccessibleTensorError

X = tf.linspace(-1.0, 1.0, 8)


def test_TF001():
    @tf.function
    def total(x):
        return float(x.numpy().sum())

    with pytest.raises(AttributeError, match="numpy"):
        total(X)


def test_TF002():
    @tf.function
    def squares(n):
        out = []
        for i in tf.range(n):
            out.append(i * i)
        return tf.stack(out)

    with pytest.raises(InaccessibleTensorError, match="out of scope"):
        squares(tf.constant(3))

    @tf.function
    def squares_array(n):
        out = tf.TensorArray(tf.int32, size=0, dynamic_size=True)
        for i in tf.range(n):
            out = out.write(i, i * i)
        return out.stack()

    assert squares_array(tf.constant(3)).numpy().tolist() == [0, 1, 4]


def test_TF003():
    @tf.function(jit_compile=True)
    def describe(x):
        return tf.strings.as_string(tf.reduce_sum(x))

    with pytest.raises(tf.errors.InvalidArgumentError, match="unsupported operations"):
        describe(X)

    @tf.function(jit_compile=False)
    def describe_graph(x):
        return tf.strings.as_string(tf.reduce_sum(x))

    assert describe_graph(X).dtype == tf.string


def test_TF004():
    @tf.function
    def accumulate(x):
        t = tf.Variable(0.0)
        t.assign_add(tf.reduce_sum(x))
        return t.read_value()

    with pytest.raises(ValueError, match="singleton tf.Variables"):
        accumulate(X)
        accumulate(X * 2)


def test_TF101():
    calls = []

    @tf.function
    def step(x):
        calls.append(1)
        return x * 2

    for _ in range(3):
        step(X)
    assert len(calls) == 1


def test_TF301():
    @tf.function
    def power(x, n):
        return x ** n

    for n in range(6):
        power(X, n)
    assert power.experimental_get_tracing_count() == 6

    @tf.function
    def power_tensor(x, n):
        return x ** tf.cast(n, tf.float32)

    for n in range(6):
        power_tensor(X, tf.constant(n))
    assert power_tensor.experimental_get_tracing_count() == 1
