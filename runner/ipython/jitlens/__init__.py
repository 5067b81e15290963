"""jitlens inside IPython and Jupyter: ``%load_ext jitlens``.

``%%jitlens`` at the top of a cell runs the cell, then shows what ``jitlens check`` finds in it:
the diagnostics (rule, line in the cell, message) and each function's verdicts per JIT.

``%jitlens_bench f(x, y)`` benchmarks the best rewrite of ``f`` against ``f`` itself on the
values ``x`` and ``y`` have in the notebook now: they are pickled into a samples file, ``f``'s
source (and the imports, helper functions and constants it uses) goes into a module, and
``jitlens bench --samples`` checks the rewrite against the original on them and times both in this
kernel's Python. Options before the call go to ``jitlens bench``: ``--framework numba``,
``--rounds N``, ``--timeout SECONDS``, ``--threads N``.

The binary is ``$JITLENS_BIN``, else ``jitlens`` on ``PATH`` or beside this Python. Nothing is sent
anywhere: the extension writes temporary files and runs that local binary, which runs the job in
this same Python.
"""

__all__ = ["load_ipython_extension"]


def load_ipython_extension(ipython):
    """Registers ``%%jitlens`` and ``%jitlens_bench`` (``%load_ext jitlens``). IPython is imported
    only here, so ``import jitlens`` works in an environment without it."""
    from jitlens.magics import JitlensMagics

    ipython.register_magics(JitlensMagics)
