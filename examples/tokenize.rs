//! Prints MeCab-compatible output (`surface\tfeatures`, `EOS` after each
//! line) so the tokenizer can be diffed against MeCab with IPADIC.
//!
//! ```text
//! echo 'アリババの株価が8%上昇' | cargo run --release --example tokenize
//! ```

use std::io::{BufRead, BufWriter, Write};

fn main() {
    let tokenizer = match ja_finnews::Tokenizer::new() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let stdin = std::io::stdin();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: reading stdin: {e}");
                std::process::exit(1);
            }
        };
        let mut result = Ok(());
        for token in tokenizer.tokenize(&line) {
            result = result.and(writeln!(
                out,
                "{}\t{}",
                token.text,
                token.features.to_mecab()
            ));
        }
        if result.and(writeln!(out, "EOS")).is_err() {
            // stdout closed (for example piped into `head`): stop quietly.
            return;
        }
    }
}
