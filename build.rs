//! Build script: compiles the shipped IPADIC source and the finance user
//! dictionary into `OUT_DIR`, where `lindera_dictionary::embedded_dictionary!`
//! and `include_bytes!` pick them up. Nothing is downloaded.

use std::collections::BTreeMap;
use std::env;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::builder::user_dictionary::build_user_dictionary;
use lindera_dictionary::dictionary::metadata::Metadata;
use lindera_dictionary::dictionary::schema::Schema;

const IPADIC_ARCHIVE: &str = "dictionaries/ipadic/ipadic.tar.xz";
const USER_DIR: &str = "dictionaries/user";
const COMPANIES: &str = "dictionaries/gazetteer/companies.tsv";
const MODELS: &str = "dictionaries/gazetteer/models.tsv";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={IPADIC_ARCHIVE}");
    println!("cargo::rerun-if-changed={USER_DIR}");
    println!("cargo::rerun-if-changed={COMPANIES}");
    println!("cargo::rerun-if-changed={MODELS}");

    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    println!("cargo::rustc-env=LINDERA_WORKDIR={}", out_dir.display());

    if env::var_os("CARGO_FEATURE_EMBEDDED_IPADIC").is_none() {
        return Ok(());
    }
    let source_dir = out_dir.join("ipadic-src");
    let dict_dir = out_dir.join("ipadic");
    let builder = DictionaryBuilder::new(ipadic_metadata());
    build_system_dictionary(&builder, &source_dir, &dict_dir)?;
    build_finance_user_dictionary(&builder, &source_dir, &out_dir)?;
    Ok(())
}

/// IPADIC's layout: 4 connection fields, then 9 features.
fn ipadic_metadata() -> Metadata {
    let fields = [
        "surface",
        "left_context_id",
        "right_context_id",
        "cost",
        "part_of_speech",
        "part_of_speech_subcategory_1",
        "part_of_speech_subcategory_2",
        "part_of_speech_subcategory_3",
        "conjugation_form",
        "conjugation_type",
        "base_form",
        "reading",
        "pronunciation",
    ];
    Metadata::new(
        "ipadic".to_string(),
        "UTF-8".to_string(),
        -10000,
        0,
        0,
        "*".to_string(),
        true,
        false,
        true,
        Schema::new(fields.iter().map(|f| f.to_string()).collect()),
        Schema::new(vec![
            "surface".to_string(),
            "part_of_speech".to_string(),
            "reading".to_string(),
        ]),
    )
}

/// Decompresses the archive (pure Rust: lzma-rs + tar) and builds the
/// dictionary, skipping both when the archive has not changed since the last
/// build of this `OUT_DIR`.
fn build_system_dictionary(
    builder: &DictionaryBuilder,
    source_dir: &Path,
    dict_dir: &Path,
) -> Result<(), Box<dyn Error>> {
    let archive = fs::read(IPADIC_ARCHIVE)?;
    let stamp = format!("{}:{}", archive.len(), checksum(&archive));
    let stamp_path = dict_dir.join("source.stamp");
    if fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
        && source_dir.join("left-id.def").exists()
    {
        return Ok(());
    }
    let mut tar_bytes = Vec::with_capacity(64 << 20);
    lzma_rs::xz_decompress(&mut archive.as_slice(), &mut tar_bytes)
        .map_err(|e| format!("decompressing {IPADIC_ARCHIVE}: {e:?}"))?;
    if source_dir.exists() {
        fs::remove_dir_all(source_dir)?;
    }
    fs::create_dir_all(source_dir)?;
    tar::Archive::new(tar_bytes.as_slice()).unpack(source_dir)?;
    builder
        .build_dictionary(source_dir, dict_dir)
        .map_err(|e| format!("building IPADIC: {e}"))?;
    fs::write(stamp_path, stamp)?;
    Ok(())
}

/// A cheap content checksum (FNV-1a) so a changed archive of equal size is
/// still noticed.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Word classes of `dictionaries/user/*.tsv` and the IPADIC part of speech
/// each one becomes.
fn class_features(class: &str) -> Option<&'static str> {
    match class {
        "noun" => Some("名詞,一般,*,*,*,*"),
        "sahen" => Some("名詞,サ変接続,*,*,*,*"),
        "org" => Some("名詞,固有名詞,組織,*,*,*"),
        _ => None,
    }
}

/// Builds the finance user dictionary from the term lists in
/// `dictionaries/user/` plus every non-ASCII company alias and model prefix of
/// the gazetteer, so names such as アリババ come out as one token.
fn build_finance_user_dictionary(
    builder: &DictionaryBuilder,
    source_dir: &Path,
    out_dir: &Path,
) -> Result<(), Box<dyn Error>> {
    let context_ids = read_context_ids(&source_dir.join("left-id.def"))?;
    // surface -> (class, reading); later sources do not override earlier ones.
    let mut entries: BTreeMap<String, (&'static str, String)> = BTreeMap::new();
    let mut user_files: Vec<PathBuf> = fs::read_dir(USER_DIR)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    user_files.sort();
    for path in &user_files {
        for (line_no, cols) in data_lines(path)? {
            let [surface, class, reading] = cols.as_slice() else {
                return Err(format!("{}:{line_no}: expected 3 columns", path.display()).into());
            };
            let class = match *class {
                "noun" => "noun",
                "sahen" => "sahen",
                "org" => "org",
                other => {
                    return Err(
                        format!("{}:{line_no}: unknown class {other:?}", path.display()).into(),
                    );
                }
            };
            entries
                .entry(surface.to_string())
                .or_insert((class, reading.to_string()));
        }
    }
    if Path::new(COMPANIES).exists() {
        for (_, cols) in data_lines(Path::new(COMPANIES))? {
            if let Some(aliases) = cols.get(5) {
                for alias in aliases.split('|') {
                    add_name(&mut entries, alias);
                }
            }
        }
    }
    if Path::new(MODELS).exists() {
        for (_, cols) in data_lines(Path::new(MODELS))? {
            if let Some(prefixes) = cols.get(2) {
                for prefix in prefixes.split('|') {
                    add_name(&mut entries, prefix);
                }
            }
        }
    }

    let mut csv = String::new();
    for (surface, (class, reading)) in &entries {
        let features = class_features(class).ok_or("unknown class")?;
        let pos_key = format!("{features},*");
        let id = context_ids
            .get(pos_key.as_str())
            .ok_or_else(|| format!("IPADIC has no context id for {pos_key}"))?;
        let reading = if reading.is_empty() { "*" } else { reading };
        csv.push_str(&format!(
            "{surface},{id},{id},{},{features},{surface},{reading},{reading}\n",
            word_cost(surface)
        ));
    }
    // The rows are kept too: the crate recompiles them together with a
    // caller's own user dictionary at run time.
    fs::write(out_dir.join("finance-user.csv"), &csv)?;
    let user_dictionary = builder
        .build_user_dict_from_reader(csv.as_bytes())
        .map_err(|e| format!("building the finance user dictionary: {e}"))?;
    build_user_dictionary(user_dictionary, &out_dir.join("finance-user.bin"))
        .map_err(|e| format!("writing the finance user dictionary: {e}"))?;
    Ok(())
}

/// Adds a gazetteer name as an organisation unless it is plain ASCII (IPADIC
/// already keeps Latin words whole) or cannot be written as a CSV field.
fn add_name(entries: &mut BTreeMap<String, (&'static str, String)>, name: &str) {
    let name = name.trim();
    if name.is_ascii() || name.chars().count() < 2 || name.contains([',', '"']) {
        return;
    }
    // A katakana name is its own reading.
    let katakana = name.chars().all(|c| ('\u{30A1}'..='\u{30FC}').contains(&c));
    let reading = if katakana {
        name.to_string()
    } else {
        String::new()
    };
    entries.entry(name.to_string()).or_insert(("org", reading));
}

/// Longer entries get lower (better) costs so that a listed compound beats
/// the sum of its parts, while two-character entries stay close to IPADIC's
/// own nouns and do not swallow neighbouring words.
fn word_cost(surface: &str) -> i32 {
    let chars = surface.chars().count() as i32;
    (4000 - 700 * chars).max(-3000)
}

/// `left-id.def`: `<id> <features>` per line.
fn read_context_ids(path: &Path) -> Result<BTreeMap<String, u16>, Box<dyn Error>> {
    let text = fs::read_to_string(path)?;
    let mut ids = BTreeMap::new();
    for line in text.lines() {
        if let Some((id, features)) = line.split_once(' ') {
            ids.insert(features.to_string(), id.parse()?);
        }
    }
    Ok(ids)
}

/// `(line number, columns)` of one data row.
type Row = (usize, Vec<&'static str>);

/// Non-comment, non-empty lines of a TSV data file, split on tabs.
fn data_lines(path: &Path) -> Result<Vec<Row>, Box<dyn Error>> {
    let text: &'static str = Box::leak(fs::read_to_string(path)?.into_boxed_str());
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(str::trim).collect()))
        .collect())
}
