//! The Python harness, embedded in the binary and written into each job's folder.

use std::path::Path;

use anyhow::Context;

/// The harness's entry point, relative to the job folder.
pub(crate) const ENTRY: &str = "jl_harness.py";

/// The environment probe (`GET /api/env`), relative to the job folder.
pub(crate) const PROBE: &str = "jl_probe.py";

/// The tracer of `jitlens trace`, run in the user's interpreter around the user's program.
pub(crate) const TRACER: &str = include_str!("../python/jl_trace.py");

const FILES: [(&str, &str); 7] = [
    (ENTRY, include_str!("../python/jl_harness.py")),
    (PROBE, include_str!("../python/jl_probe.py")),
    (
        "jl_frameworks.py",
        include_str!("../python/jl_frameworks.py"),
    ),
    ("jl_inputs.py", include_str!("../python/jl_inputs.py")),
    ("jl_compare.py", include_str!("../python/jl_compare.py")),
    ("jl_timing.py", include_str!("../python/jl_timing.py")),
    ("jl_profile.py", include_str!("../python/jl_profile.py")),
];

/// Writes every harness file into `dir`.
pub(crate) fn write_into(dir: &Path) -> anyhow::Result<()> {
    for (name, text) in FILES {
        let path = dir.join(name);
        std::fs::write(&path, text)
            .with_context(|| format!("could not write {}", path.display()))?;
    }
    Ok(())
}
