//! How much array work a function does, as the verdicts' cost model and the fusion rule read
//! it: elementwise operations, reductions and library kernels, and the longest run of
//! elementwise work that no library kernel splits.

/// One array operation, as the counts tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Arithmetic on arrays, `sin`, `exp`, `relu`, ...
    Elementwise,
    /// `sum`, `mean`, `max`, ...
    Reduction,
    /// A library kernel or a submodule call.
    Kernel,
}

/// Counts that the verdicts' cost model reads.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OpCounts {
    /// Elementwise array operations (arithmetic on arrays, `sin`, `exp`, `relu`, ...).
    pub(crate) elementwise: usize,
    /// Reductions (`sum`, `mean`, `max`, ...).
    pub(crate) reductions: usize,
    /// Library kernels (`matmul`, `@`, `einsum`, `linalg.*`, `fft.*`, `conv*`, `sort`) and
    /// submodule calls (`self.conv1(x)`).
    pub(crate) kernels: usize,
    /// Statements in the body, nested blocks included.
    pub(crate) statements: usize,
    /// Elementwise operations and reductions since the last library kernel, in program order.
    run: usize,
    /// The longest such run: the most operations a JIT can fuse into one kernel, since a
    /// matrix product, a convolution or a layer between two operations ends the fused kernel.
    longest_run: usize,
}

impl OpCounts {
    /// Counts one operation.
    pub(crate) fn count(&mut self, op: Op) {
        match op {
            Op::Elementwise => self.elementwise(),
            Op::Reduction => self.reduction(),
            Op::Kernel => self.kernel(),
        }
    }

    /// Counts one elementwise operation.
    pub(crate) fn elementwise(&mut self) {
        self.elementwise += 1;
        self.extend_run();
    }

    /// Counts one reduction.
    pub(crate) fn reduction(&mut self) {
        self.reductions += 1;
        self.extend_run();
    }

    /// Counts one library kernel, which ends the run of fusible operations before it.
    pub(crate) fn kernel(&mut self) {
        self.kernels += 1;
        self.run = 0;
    }

    /// Elementwise operations and reductions in all.
    pub(crate) fn fusible(&self) -> usize {
        self.elementwise + self.reductions
    }

    /// The longest run of elementwise operations and reductions with no library kernel
    /// between them.
    pub(crate) fn longest_run(&self) -> usize {
        self.longest_run
    }

    fn extend_run(&mut self) {
        self.run += 1;
        self.longest_run = self.longest_run.max(self.run);
    }

    /// The counts on the other side of an early exit: these counts (before the `if`), with
    /// the statements of `ended`, the path that left.
    pub(crate) fn resumed_after(self, ended: &Self) -> Self {
        Self {
            statements: ended.statements,
            ..self
        }
    }

    /// At the end of a function, the counts of the path with more work, `self` or `other` (one
    /// that left early), each count the larger of the two; the statements are `self`'s, which
    /// has seen them all.
    pub(crate) fn or_the_longer(self, other: &Self) -> Self {
        Self {
            elementwise: self.elementwise.max(other.elementwise),
            reductions: self.reductions.max(other.reductions),
            kernels: self.kernels.max(other.kernels),
            statements: self.statements,
            run: self.run,
            longest_run: self.longest_run.max(other.longest_run),
        }
    }

    /// The counts after a branch of which one side runs: the longer side's operations, not
    /// both added up; the statements of both.
    pub(crate) fn either(before: Self, one_side: Self, other_side: Self) -> Self {
        let longer = |one: usize, other: usize, base: usize| base + (one - base).max(other - base);
        Self {
            elementwise: longer(
                one_side.elementwise,
                other_side.elementwise,
                before.elementwise,
            ),
            reductions: longer(
                one_side.reductions,
                other_side.reductions,
                before.reductions,
            ),
            kernels: longer(one_side.kernels, other_side.kernels, before.kernels),
            statements: one_side.statements + other_side.statements - before.statements,
            run: one_side.run.max(other_side.run),
            longest_run: one_side.longest_run.max(other_side.longest_run),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OpCounts;

    #[test]
    fn a_kernel_ends_the_run() {
        let mut ops = OpCounts::default();
        ops.elementwise();
        ops.elementwise();
        ops.kernel();
        ops.elementwise();
        ops.reduction();
        ops.elementwise();
        assert_eq!(ops.fusible(), 5);
        assert_eq!(ops.longest_run(), 3);
    }

    #[test]
    fn one_side_of_a_branch_runs() {
        let mut before = OpCounts::default();
        before.elementwise();
        let mut one = before;
        one.elementwise();
        one.elementwise();
        let mut other = before;
        other.kernel();
        other.elementwise();
        let after = OpCounts::either(before, one, other);
        assert_eq!(after.elementwise, 3);
        assert_eq!(after.kernels, 1);
        assert_eq!(after.longest_run(), 3);
    }
}
