fn main() {
    for line in std::io::stdin().lines() {
        let line = line.unwrap();
        println!(
            "{:?} <- {line}",
            review_lint::blame::detect(&line).map(|f| (f.kind, f.phrase))
        );
    }
}
