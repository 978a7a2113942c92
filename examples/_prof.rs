fn main() {
    let text: String = std::fs::read_to_string("/tmp/prof/corpus.txt").unwrap();
    let a = ja_finnews::Analyzer::new().unwrap();
    let mut n = 0;
    for _ in 0..200 {
        n += a.analyze(&text).entities.len();
    }
    println!("{n}");
}
