fn main() {
    let path = std::env::args().nth(1).unwrap();
    let source = std::fs::read_to_string(path).unwrap();
    let report = jitlens_analyzer::analyze(&source);
    for f in &report.functions {
        println!("== {}", f.name);
        for s in &f.strategies {
            println!("-- {} [{}] {}\n   notes: {:?}", s.id, s.applicability, s.title, s.notes);
            let diff: Vec<&str> = s.source.lines().filter(|l| !source.contains(l)).collect();
            println!("{}", diff.join("\n"));
        }
    }
}
