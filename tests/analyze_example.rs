//! The `analyze` example as users run it: files, folders, stdin, error records.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn example() -> PathBuf {
    // Integration tests live in target/<profile>/deps; `cargo test` builds
    // examples into target/<profile>/examples.
    let mut p = std::env::current_exe().unwrap();
    p.pop();
    p.pop();
    p.push("examples");
    p.push(format!("analyze{}", std::env::consts::EXE_SUFFIX));
    assert!(p.exists(), "build the example first: {}", p.display());
    p
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ja-finnews-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn folder_with_an_invalid_file_gives_one_error_record_and_exit_1() {
    let dir = temp_dir("folder");
    std::fs::write(dir.join("a.md"), "---\ntitle: A\n---\n株価が上昇した。\n").unwrap();
    std::fs::write(dir.join("b.txt"), "利益が減少した。").unwrap();
    std::fs::write(dir.join("c.md"), b"\xff\xfe\x00bad").unwrap();
    std::fs::write(dir.join("ignored.csv"), "x").unwrap();
    let out = Command::new(example())
        .args(["--format", "jsonl"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["meta"]["title"], "A");
    assert!(records[0]["sentences"].is_array());
    assert!(records[1]["source"].as_str().unwrap().ends_with("b.txt"));
    assert!(records[2]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(records[2]["source"].as_str().unwrap().ends_with("c.md"));
}

#[test]
fn lines_mode_reads_stdin() {
    let mut child = Command::new(example())
        .arg("--lines")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("アリババの株価が上昇\n\n利益が減少\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(lines[1]["line"], 3);
    assert!(lines[0]["sentiment"]["document"]["label"].is_string());
}

#[test]
fn targets_mode_uses_character_offsets() {
    let mut child = Command::new(example())
        .arg("--targets")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            "{\"id\":\"x\",\"text\":\"売上高は増加した\",\"targets\":[[0,3]]}\nnot json\n"
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "x");
    assert_eq!(lines[0]["targets"][0]["start"], 0);
    assert_eq!(lines[0]["targets"][0]["end"], 3);
    assert!(lines[1]["error"].as_str().unwrap().contains("JSON"));
}

#[test]
fn bad_usage_exits_2_and_missing_file_is_an_error_record() {
    let out = Command::new(example()).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(example())
        .args(["--format", "jsonl", "/nonexistent/file.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rec["error"].as_str().unwrap().contains("cannot read"));
}
