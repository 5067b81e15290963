//! `jitlens testgen FILE::FUNCTION`: write the pytest module that checks a function's rewrite
//! against the original.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use jitlens_analyzer::testgen;

/// What to generate and where.
#[derive(Debug)]
pub(crate) struct TestgenRequest<'a> {
    /// `path/to/file.py::function`.
    pub(crate) target: &'a str,
    pub(crate) framework: &'a str,
    pub(crate) setup: Option<&'a str>,
    pub(crate) output: Option<&'a Path>,
}

/// Generates the module; prints it, or writes it to the output path.
pub(crate) fn run(request: &TestgenRequest<'_>) -> anyhow::Result<bool> {
    let Some((file, function)) = request.target.rsplit_once("::") else {
        bail!("give the function as FILE::FUNCTION, e.g. model.py::forward")
    };
    let file = PathBuf::from(file);
    let source = std::fs::read_to_string(&file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let module = testgen::module_for(&source, function, Some(request.framework), request.setup)
        .with_context(|| format!("could not generate a test for {}", request.target))?;
    match request.output {
        Some(path) => {
            std::fs::write(path, module)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "wrote {}: run it with `python -m pytest {}`",
                path.display(),
                path.display()
            );
        }
        None => print!("{module}"),
    }
    Ok(true)
}
