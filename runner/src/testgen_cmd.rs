//! `jitlens testgen FILE::FUNCTION`: write the pytest module that checks a function's rewrite
//! against the original.

use std::path::PathBuf;

use clap::Args;

use anyhow::{bail, Context};
use jitlens_analyzer::testgen;

/// The arguments of `jitlens testgen`.
#[derive(Debug, Args)]
pub struct TestgenArgs {
    /// The function, as FILE::FUNCTION.
    target: String,
    /// Whose rewrite: numba, torch, jax, tensorflow, or auto.
    #[arg(long, value_parser = ["numba", "torch", "jax", "tensorflow", "auto"], default_value = "auto")]
    framework: String,
    /// Python that defines inputs by parameter name, e.g. `x = torch.randn(1000, 1000)`.
    #[arg(long)]
    setup: Option<String>,
    /// Where to write the module (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Generates the module; prints it, or writes it to the output path.
pub(crate) fn run(request: &TestgenArgs) -> anyhow::Result<bool> {
    let Some((file, function)) = request.target.rsplit_once("::") else {
        bail!("give the function as FILE::FUNCTION, e.g. model.py::forward")
    };
    let file = PathBuf::from(file);
    let source = std::fs::read_to_string(&file)
        .with_context(|| format!("could not read {}", file.display()))?;
    let module = testgen::module_for(
        &source,
        function,
        Some(&request.framework),
        request.setup.as_deref(),
    )
    .with_context(|| format!("could not generate a test for {}", request.target))?;
    match &request.output {
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
