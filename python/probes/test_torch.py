"""Ground truth for the PT rules under the installed torch: graph breaks are read from
`torch._dynamo.utils.counters["graph_break"]` (the eager backend, so nothing is code-generated),
recompiles from `torch._dynamo.testing.CompileCounter`."""
import logging
import time

import pytest
import torch
import torch._dynamo
from torch._dynamo.testing import CompileCounter
from torch._dynamo.utils import counters

torch._dynamo.config.suppress_errors = False
logger = logging.getLogger("jitlens.probe")


@pytest.fixture(autouse=True)
def fresh_dynamo():
    torch._dynamo.reset()
    counters.clear()
    yield
    torch._dynamo.reset()


def graph_breaks(fn, *args):
    """Graph-break reasons: Dynamo files some under "graph_break", others under "unimplemented"."""
    torch.compile(fn, backend="eager")(*args)
    return {**counters["graph_break"], **counters["unimplemented"]}


def reasons(fn, *args):
    return " | ".join(graph_breaks(fn, *args))


X = torch.linspace(-1.0, 1.0, 8)


def test_PT001():
    def normalize(x):
        return x / x.abs().max().item()

    assert "Tensor.item()" in reasons(normalize, X)


def test_PT002():
    def top(x):
        values = torch.softmax(x, 0).tolist()
        return max(values)

    assert "tolist()" in reasons(top, X)


def test_PT003():
    def plain(x):
        return torch.from_numpy(x.numpy() * 2)

    assert graph_breaks(plain, X) == {}
    counters.clear()
    torch._dynamo.reset()

    def checksum(x):
        return len((x * 2).numpy().tobytes())

    assert "ndarray method" in reasons(checksum, X)


def test_PT004():
    def step(x):
        y = torch.relu(x)
        print("step done")
        return y * 2

    assert "builtin operator" in reasons(step, X)


def test_PT005():
    def logged(x):
        y = x * 2
        logger.info("step")
        return y + 1

    assert "logging" in reasons(logged, X).lower()


def test_PT006():
    def clip(x):
        if x.max() > 0.5:
            return x / x.max()
        return x

    assert "Data-dependent branching" in reasons(clip, X)
    torch._dynamo.reset()
    with pytest.raises(torch._dynamo.exc.Unsupported, match="Data-dependent branching"):
        torch.compile(clip, backend="eager", fullgraph=True)(X)


def test_PT007():
    def positive_sum(x):
        return x[x > 0].sum()

    assert "Dynamic shape operator" in reasons(positive_sum, X)
    counters.clear()
    torch._dynamo.reset()

    def nonzero(x):
        return torch.nonzero(x).sum()

    assert "Dynamic shape operator" in reasons(nonzero, X)


def test_PT008():
    def timed(x):
        start = time.perf_counter()
        y = x.sin()
        return y, time.perf_counter() - start

    assert "time function" in reasons(timed, X)


def test_PT009():
    def newton_step(x):
        loss = (x**3).sum()
        (g,) = torch.autograd.grad(loss, x, create_graph=True)
        return x - g / (g.abs() + 1)

    assert "torch.autograd.grad" in reasons(newton_step, X.clone().requires_grad_())


def test_PT301():
    def adaptive(x, threshold=0.5):
        mask = x > threshold
        num_large = mask.sum().item()
        if num_large > x.numel() * 0.3:
            result = torch.matmul(x, x.T).mean(dim=0)
        else:
            result = x.mean(dim=1)
        return result

    counter = CompileCounter()
    compiled = torch.compile(adaptive, backend=counter)
    base = torch.linspace(-1.0, 1.0, 16).reshape(4, 4)
    for i in range(6):
        compiled(base + (i % 2) * 2.0 + 0.01 * i)
    # One graph up to .item(), then the resumed frame per branch side and per new count.
    assert counter.frame_count >= 3, counter.frame_count

    def branchless(x, threshold=0.5):
        weight = ((x > threshold).float().mean() > 0.3).float()
        expensive = torch.matmul(x, x.T).mean(dim=0)
        cheap = x.mean(dim=1)
        return weight * expensive + (1 - weight) * cheap

    torch._dynamo.reset()
    counter = CompileCounter()
    compiled = torch.compile(branchless, backend=counter)
    for i in range(6):
        compiled(base + (i % 2) * 2.0 + 0.01 * i)
    assert counter.frame_count == 1


def test_PT302():
    def scale(x, factor):
        return x * factor

    counter = CompileCounter()
    compiled = torch.compile(scale, backend=counter)
    for i in range(5):
        compiled(X, 0.5 + i)
    assert counter.frame_count == 2

    torch._dynamo.reset()
    counter = CompileCounter()
    compiled = torch.compile(scale, backend=counter)
    for i in range(5):
        compiled(X, torch.tensor(0.5 + i))
    assert counter.frame_count == 1


def test_PT303():
    def by_size(x):
        if x.shape[0] > 4:
            return x.sin()
        return x.cos()

    counter = CompileCounter()
    compiled = torch.compile(by_size, backend=counter)
    for n in range(3, 9):
        compiled(torch.ones(n))
    assert counter.frame_count >= 2


def test_PT304():
    def fixed(x):
        return x.sin() + 1

    counter = CompileCounter()
    compiled = torch.compile(fixed, backend=counter, dynamic=False)
    for n in range(2, 12):
        compiled(torch.ones(n))
    assert counter.frame_count == torch._dynamo.config.recompile_limit

    torch._dynamo.reset()
    counter = CompileCounter()
    compiled = torch.compile(fixed, backend=counter, dynamic=True)
    for n in range(2, 12):
        compiled(torch.ones(n))
    assert counter.frame_count == 1
