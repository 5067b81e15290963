//! The `jitlens` command: `check`, `serve` and the rest. See `jitlens --help`.

fn main() -> std::process::ExitCode {
    jitlens::cli::main()
}
