//! Sharing and auditing: pseudonymized exports and reports keep no original identifier and stay
//! joinable across files; the audit report lists every input file with its SHA-256.

use std::collections::{HashMap, HashSet};

use provlens::core::gen::{
    generate, write_format, Anomaly, GenConfig, GenFormat, JobKind, WriteOptions,
};
use provlens::core::ingest::{read_all, DataSet, Ingest};
use provlens::core::pseudo::{identifiers, pseudonymize};
use provlens::core::report_html::{render_report, ReportOptions};
use provlens::core::view::{export_csv, export_json};

/// Values shorter than this are not looked for in the outputs: short values such as `US`,
/// `1`, `Sales` or `Yes` occur in any text (labels, counts, SVG coordinates) without being
/// the identifier, so finding them would prove nothing. Every UPN, display name, object id and
/// GUID is far longer.
const MIN_LEN: usize = 6;

const KEY: &[u8] = b"correct horse battery staple";

fn read(files: &[(String, Vec<u8>)]) -> DataSet {
    read_all(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
}

/// Named files with their bytes.
type Files = Vec<(String, Vec<u8>)>;

fn scenario() -> (Files, Files) {
    let g = generate(&GenConfig {
        seed: 7,
        events: 300,
        days: 3,
        anomalies: Anomaly::NAMES
            .iter()
            .filter_map(|n| Anomaly::named(n))
            .collect(),
        ..GenConfig::default()
    });
    let cloud_sync = g
        .truth
        .jobs
        .iter()
        .find(|j| j.kind == JobKind::CloudSync)
        .map(|j| j.job_id.clone())
        .unwrap_or_default();
    let (a, b): (Vec<_>, Vec<_>) = g.events.into_iter().partition(|e| e.job_id == cloud_sync);
    let options = WriteOptions::default();
    // Two formats, so both readers' fields are covered.
    (
        write_format(GenFormat::PortalJson, &a, &options),
        write_format(GenFormat::LaCsv, &b, &options),
    )
}

/// Removes pseudonym tokens (`user-…`, `name-…`, `id-…`, `val-…` with 16 hex digits), whose
/// hex could by chance contain a short numeric identifier.
fn without_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for prefix in ["user-", "name-", "id-", "val-"] {
            if let Some(after) = rest.strip_prefix(prefix) {
                let hex = after.bytes().take_while(u8::is_ascii_hexdigit).count();
                if hex == 16 {
                    rest = &after[16..];
                    out.push('~');
                    continue 'outer;
                }
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// Finds many strings in a long text at once: candidates by their first `MIN_LEN` bytes, with
/// a bit table in front (a plain `contains` per string takes minutes over megabytes of output
/// in a debug build).
struct Finder<'a> {
    by_prefix: HashMap<&'a [u8], Vec<&'a str>>,
    bits: Vec<u64>,
}

const BITS: usize = 1 << 22;

fn prefix_hash(p: &[u8]) -> usize {
    let h = p.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (h as usize) & (BITS - 1)
}

impl<'a> Finder<'a> {
    fn new(needles: &'a [String]) -> Finder<'a> {
        let mut by_prefix: HashMap<&[u8], Vec<&str>> = HashMap::new();
        let mut bits = vec![0u64; BITS / 64];
        for n in needles {
            let p = &n.as_bytes()[..MIN_LEN];
            let h = prefix_hash(p);
            bits[h / 64] |= 1 << (h % 64);
            by_prefix.entry(p).or_default().push(n);
        }
        Finder { by_prefix, bits }
    }

    fn found_in(&self, text: &str) -> Vec<&'a str> {
        let t = text.as_bytes();
        let mut found = HashSet::new();
        for (start, window) in t.windows(MIN_LEN).enumerate() {
            let h = prefix_hash(window);
            if self.bits[h / 64] & (1 << (h % 64)) == 0 {
                continue;
            }
            for c in self.by_prefix.get(window).into_iter().flatten() {
                if t[start..].starts_with(c.as_bytes()) {
                    found.insert(*c);
                }
            }
        }
        let mut v: Vec<&str> = found.into_iter().collect();
        v.sort_unstable();
        v
    }
}

/// The texts pseudonymization keeps as they are.
fn kept_texts(data: &DataSet) -> Vec<String> {
    let st = &data.store;
    let mut set = HashSet::new();
    for e in &st.events {
        for sym in [
            e.error_code,
            e.error_category,
            e.job_id,
            e.cycle_id,
            e.change_id,
            e.id,
            e.source_system.name,
            e.source_system.id,
            e.target_system.name,
            e.target_system.id,
            e.service_principal.name,
            e.service_principal.id,
            e.source.kind,
            e.target.kind,
        ] {
            set.insert(st.str(sym).to_string());
        }
        for m in st.modified_of(e) {
            set.insert(st.str(m.name).to_string());
        }
        for step in st.steps_of(e) {
            set.insert(st.str(step.name).to_string());
            for &(k, _) in st.details_of(step) {
                set.insert(st.str(k).to_string());
            }
        }
    }
    set.remove("");
    set.into_iter().collect()
}

fn outputs(data: &DataSet) -> Vec<(&'static str, String)> {
    let all: Vec<u32> = (0..data.store.events.len() as u32).collect();
    let mut csv = Vec::new();
    let mut json = Vec::new();
    assert!(export_csv(&data.store, &all, &mut csv).is_ok());
    assert!(export_json(&data.store, &all, &mut json).is_ok());
    let report = render_report(
        data,
        &ReportOptions {
            produced_at: "2026-11-28T00:00:00Z".into(),
            include_events: true,
            pseudonymized: true,
            ..ReportOptions::default()
        },
    );
    vec![
        ("csv", String::from_utf8_lossy(&csv).into_owned()),
        ("json", String::from_utf8_lossy(&json).into_owned()),
        ("report", report),
    ]
}

#[test]
fn no_original_identifier_survives_pseudonymization() {
    let (a, b) = scenario();
    let files: Vec<_> = a.into_iter().chain(b).collect();
    let original = read(&files);
    assert!(original.store.events.len() > 250);
    // Names of things that are kept (error codes, systems, jobs, steps, attributes): a value
    // that also occurs inside one of them (a job title `Director` inside `Active Directory`, a
    // detail value `EndpointUnavailable` that is also the error code) is found in the output
    // through that kept field, not through the identifier.
    let kept = kept_texts(&original);
    let secrets: Vec<String> = identifiers(&original.store)
        .into_iter()
        .filter(|v| v.len() >= MIN_LEN && v.chars().count() >= MIN_LEN)
        .filter(|v| !provlens::core::pseudo::is_neutral(v))
        .filter(|v| !kept.iter().any(|k| k.contains(v.as_str())))
        .collect();
    let finder = Finder::new(&secrets);
    assert!(secrets.len() > 200, "the scenario holds many identifiers");
    assert!(
        secrets.iter().any(|s| s.contains('@')),
        "UPNs are among them"
    );

    // Before: the plain exports hold them (the check below can find them).
    let plain = outputs(&original);
    assert!(!finder.found_in(&plain[0].1).is_empty());

    let shared = pseudonymize(&original, KEY);
    assert_eq!(shared.store.events.len(), original.store.events.len());
    for (name, text) in outputs(&shared) {
        let text = without_tokens(&text);
        let survivors = finder.found_in(&text);
        assert!(
            survivors.is_empty(),
            "{name}: {} original identifiers survive, e.g. {:?}",
            survivors.len(),
            survivors.iter().take(5).collect::<Vec<_>>()
        );
    }
    // The shared JSON export reads back, with the same number of events.
    let all: Vec<u32> = (0..shared.store.events.len() as u32).collect();
    let mut json = Vec::new();
    assert!(export_json(&shared.store, &all, &mut json).is_ok());
    let again = read(&[("shared.json".to_string(), json)]);
    assert_eq!(again.store.events.len(), shared.store.events.len());
}

#[test]
fn files_pseudonymized_separately_with_one_key_join() {
    let (a, b) = scenario();
    let upns = |d: &DataSet| -> HashSet<String> {
        d.store
            .events
            .iter()
            .flat_map(|e| [e.source.upn, e.target.upn])
            .map(|s| d.store.str(s).to_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let (da, db) = (read(&a), read(&b));
    let common = upns(&da).intersection(&upns(&db)).count();
    assert!(common > 10, "the two files share people ({common})");
    let (sa, sb) = (pseudonymize(&da, KEY), pseudonymize(&db, KEY));
    let shared_common = upns(&sa).intersection(&upns(&sb)).count();
    assert_eq!(shared_common, common, "the same people get the same tokens");
    assert!(upns(&sa).iter().all(|u| u.ends_with("@pseudo.invalid")));
    // Another key gives other tokens: nothing joins across keys.
    let other = pseudonymize(&db, b"another key");
    assert_eq!(upns(&sa).intersection(&upns(&other)).count(), 0);
}

#[test]
fn the_report_lists_each_file_with_its_sha256() {
    let (a, b) = scenario();
    let files: Vec<_> = a.into_iter().chain(b).collect();
    let data = read(&files);
    let html = render_report(&data, &ReportOptions::default());
    for f in &data.files {
        assert_eq!(f.sha256.len(), 64);
        assert!(html.contains(&f.sha256), "{}", f.name);
        assert!(html.contains(&f.name));
    }
    assert!(html.contains(&format!("id=\"total-events\">{}<", data.store.events.len())));
    assert!(!html.to_lowercase().contains("<script"));
}

#[test]
fn hashes_left_for_later_pair_with_their_files_in_order() {
    // The app reads with hashing off and hashes the dropped files when the report is made:
    // each dropped file must find its own entry, also when two share a name and size, and
    // zip members keep the hash taken while unpacking.
    let (a, b) = scenario();
    let Some((name, bytes)) = a.into_iter().next() else {
        panic!("the scenario wrote no file");
    };
    let zip_name = "second-tenant.zip".to_string();
    let zip_bytes = match provlens::core::gen::write::zip(&b) {
        Ok(z) => z,
        Err(e) => panic!("zipping failed: {e}"),
    };
    let dropped = [
        (name.clone(), bytes.clone()),
        (zip_name.clone(), zip_bytes.clone()),
        (name.clone(), bytes.clone()),
    ];
    let mut ingest = Ingest::default().hash_files(false);
    for (n, b) in &dropped {
        ingest.add_bytes(n, b);
    }
    let mut data = ingest.finish();
    let hashed = read(&dropped);
    assert_eq!(data.files.len(), hashed.files.len());
    let mut from = 0;
    let mut matched = Vec::new();
    for (n, b) in &dropped {
        let Some(i) = data.file_awaiting_hash(n, b.len() as u64, from) else {
            panic!("no entry awaits the hash of {n}");
        };
        data.files[i].sha256 = hashed.files[i].sha256.clone();
        matched.push(i);
        from = i + 1;
    }
    assert_eq!(matched.len(), 3);
    assert!(matched.windows(2).all(|w| w[0] < w[1]), "{matched:?}");
    for (got, want) in data.files.iter().zip(&hashed.files) {
        assert_eq!(got.sha256.len(), 64, "{}", got.name);
        assert_eq!(got.sha256, want.sha256, "{}", got.name);
    }
    assert_eq!(data.file_awaiting_hash(&name, bytes.len() as u64, 0), None);
}

/// A scratch directory of this test run.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("provlens-trust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(std::fs::create_dir_all(&dir).is_ok());
    dir
}

#[test]
fn the_cli_writes_a_pseudonymized_report_and_export() {
    use sha2::Digest;
    let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/public/graph_v1.0_list_provisioning_example2_failure.json");
    let bytes = std::fs::read(&input).unwrap_or_default();
    let hash = provlens::core::pseudo::hex(&sha2::Sha256::digest(&bytes));
    let dir = scratch("cli");
    let cli = env!("CARGO_BIN_EXE_provlens");
    let report = dir.join("report.html");
    let status = std::process::Command::new(cli)
        .args(["report", "--events", "--pseudonymize", "--key", "k", "-o"])
        .arg(&report)
        .arg(&input)
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    let html = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(html.contains(&hash), "the file's SHA-256");
    assert!(html.contains("graph_v1.0_list_provisioning_example2_failure.json"));
    assert!(html.contains("according to this computer"));
    assert!(html.contains("id=\"pseudonymized\""));
    let shared = dir.join("shared.json");
    let status = std::process::Command::new(cli)
        .args(["pseudonymize", "--key", "k", "-o"])
        .arg(&shared)
        .arg(&input)
        .status();
    assert!(status.is_ok_and(|s| s.success()));
    let json = std::fs::read_to_string(&shared).unwrap_or_default();
    for original in [
        "Self-service Pilot",
        "5e6c9rae-ab4d-5239-8ad0-174391d110eb",
        "5ce25n9a-4c5f",
    ] {
        assert!(!html.contains(original), "report: {original}");
        assert!(!json.contains(original), "export: {original}");
    }
    // The report and the export name the group by the same token.
    let token = provlens::core::pseudo::Pseudonymizer::new(b"k")
        .token(provlens::core::pseudo::Kind::Name, "Self-service Pilot");
    assert!(html.contains(&token) && json.contains(&token), "{token}");
    let again = read(&[("shared.json".to_string(), json.into_bytes())]);
    assert_eq!(again.store.events.len(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The command line reads files on one thread and hashes them on another: the data set is the
/// one an in-memory read gives, and each file's SHA-256 is its bytes' (checked against a
/// SHA-256 known from the standard's test vectors, and against the in-memory read's).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_command_line_reads_and_hashes_files_on_two_threads() {
    let (files, _) = scenario();
    let dir = scratch("cli-load");
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        paths.push(path);
    }
    // A file bigger than one 4 MB chunk, and an empty one.
    let big: Vec<u8> = b"abc".iter().copied().cycle().take(9 << 20).collect();
    std::fs::write(dir.join("big.bin"), &big).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("empty.json"), b"").unwrap_or_else(|e| panic!("{e}"));
    paths.push(dir.join("big.bin"));
    paths.push(dir.join("empty.json"));

    let loaded = provlens::cli::load(&paths);
    let mut all = files.clone();
    all.push(("big.bin".into(), big));
    all.push(("empty.json".into(), Vec::new()));
    let in_memory = read(&all);
    assert_eq!(loaded.store.events, in_memory.store.events);
    assert_eq!(loaded.files.len(), in_memory.files.len());
    for (got, want) in loaded.files.iter().zip(&in_memory.files) {
        assert_eq!(got.sha256, want.sha256, "{}", got.name);
        assert_eq!(got.events, want.events, "{}", got.name);
    }
    let empty = loaded.files.iter().find(|f| f.name == "empty.json");
    assert_eq!(
        empty.map(|f| f.sha256.as_str()),
        Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );

    // A file that cannot be opened, and a directory that opens but cannot be read, between
    // readable ones: they are left out and every other file keeps its own events and hash.
    let mut gaps = vec![dir.join("missing.json"), paths[0].clone(), dir.clone()];
    gaps.extend(paths.iter().skip(1).cloned());
    let loaded = provlens::cli::load(&gaps);
    // The same events, each from the file of the same name (the unread ones shift the indices).
    use provlens::core::model::Event;
    let by_name = |d: &DataSet| -> Vec<(String, Event)> {
        let name = |i: u16| d.files.get(usize::from(i)).map(|f| f.name.clone());
        let events = d.store.events.iter().cloned();
        events
            .map(|e| (name(e.file).unwrap_or_default(), Event { file: 0, ..e }))
            .collect()
    };
    assert!(
        by_name(&loaded) == by_name(&in_memory),
        "the same events from the same files"
    );
    let read_files: Vec<_> = loaded
        .files
        .iter()
        .filter(|f| !f.sha256.is_empty())
        .collect();
    assert_eq!(read_files.len(), in_memory.files.len());
    for (got, want) in read_files.iter().zip(&in_memory.files) {
        assert_eq!((&got.name, &got.sha256), (&want.name, &want.sha256));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
