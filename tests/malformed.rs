//! Broken and hostile input: every case gives positioned issues and whatever records could be
//! read, never a panic, at any chunk size; the CLI exits 0 or 2 on them, never 101.

use std::path::PathBuf;
use std::process::Command;

use provlens::core::gen::write::{gzip, zip};
use provlens::core::ingest::{DataSet, Ingest, Limits};
use provlens::core::report::summarize;

/// One record with every field a portal export has; `n` makes ids unique.
fn record(n: u32) -> String {
    format!(
        r#"{{"id":"id-{n}","activityDateTime":"2024-05-01T10:00:00Z","jobId":"job","cycleId":"cyc","changeId":"chg-{n}","provisioningAction":"create","provisioningStatusInfo":{{"status":"success"}},"sourceIdentity":{{"id":"src-{n}","displayName":"User {n}"}},"targetIdentity":{{"id":"tgt-{n}"}},"provisioningSteps":[]}}"#
    )
}

fn portal(records: &[String]) -> Vec<u8> {
    format!("[{}]", records.join(",\n")).into_bytes()
}

/// What a case must give: events read, and a text that some issue's message contains (with a
/// position when `positioned`).
struct Expect {
    events: usize,
    issue: Option<&'static str>,
    positioned: bool,
}

fn expect(events: usize, issue: &'static str) -> Expect {
    Expect {
        events,
        issue: Some(issue),
        positioned: true,
    }
}

fn whole_file(events: usize, issue: &'static str) -> Expect {
    Expect {
        events,
        issue: Some(issue),
        positioned: false,
    }
}

fn clean(events: usize) -> Expect {
    Expect {
        events,
        issue: None,
        positioned: false,
    }
}

/// Reads `files` whole and in chunks of several sizes with `limits`; all readings must agree.
fn read(files: &[(&str, &[u8])], limits: Limits) -> DataSet {
    let mut results = Vec::new();
    for chunk in [usize::MAX, 1 << 16, 4093, 7] {
        // Byte-at-a-time reading of megabytes is slow in debug builds and adds nothing.
        if chunk < 4096 && files.iter().any(|(_, b)| b.len() > 1 << 20) {
            continue;
        }
        let mut ingest = Ingest::new(limits);
        for (name, bytes) in files {
            let mut st = ingest.begin(name, bytes.len() as u64);
            for c in bytes.chunks(chunk.min(bytes.len().max(1))) {
                ingest.push(&mut st, c);
            }
            ingest.end(st);
        }
        results.push((chunk, ingest.finish()));
    }
    let (_, first) = results.remove(0);
    let summary = summarize(&first);
    for (chunk, other) in &results {
        let s = summarize(other);
        assert_eq!(s.events, summary.events, "events in chunks of {chunk}");
        assert_eq!(
            s.rejected, summary.rejected,
            "rejected in chunks of {chunk}"
        );
        assert_eq!(s.files, summary.files, "files in chunks of {chunk}");
    }
    first
}

fn check_with(case: &str, files: &[(&str, &[u8])], limits: Limits, want: Expect) -> DataSet {
    let data = read(files, limits);
    let messages: Vec<String> = data
        .issues
        .iter()
        .map(|i| format!("{} [{}]: {}", i.file, i.position, i.message))
        .collect();
    assert_eq!(
        data.events(),
        want.events,
        "{case}: events; issues {messages:#?}"
    );
    if let Some(text) = want.issue {
        let hit = data.issues.iter().find(|i| i.message.contains(text));
        let Some(hit) = hit else {
            panic!("{case}: no issue says `{text}`; issues {messages:#?}");
        };
        if want.positioned {
            assert!(
                hit.position.byte.is_some() || hit.position.line.is_some(),
                "{case}: the issue has no position: {messages:#?}"
            );
        }
    } else {
        assert!(
            messages.is_empty(),
            "{case}: unexpected issues {messages:#?}"
        );
    }
    data
}

fn check(case: &str, name: &str, bytes: &[u8], want: Expect) -> DataSet {
    check_with(case, &[(name, bytes)], Limits::default(), want)
}

#[test]
fn broken_json_gives_positioned_issues_and_the_records_around_them() {
    let good = record(1);
    let cut = record(2);
    let truncated = format!("[{good},\n{}", &cut[..cut.len() / 2]);
    check(
        "truncated mid-record",
        "t.json",
        truncated.as_bytes(),
        expect(1, "incomplete"),
    );

    let wrong_types = portal(&[
        record(1),
        r#"{"id":"id-2","changeId":"chg-2","activityDateTime":42,"provisioningSteps":"none","provisioningStatusInfo":7,"sourceIdentity":["x"],"durationInMilliseconds":"slow"}"#.into(),
    ]);
    let d = read(&[("w.json", &wrong_types)], Limits::default());
    assert_eq!(
        d.events() + d.rejected as usize,
        2,
        "wrong types: each record is read or rejected"
    );
    assert!(d.events() >= 1);

    let nulls = portal(&[
        record(1),
        r#"{"id":null,"activityDateTime":null,"jobId":null,"cycleId":null,"changeId":"chg-2","provisioningAction":null,"provisioningStatusInfo":null,"sourceIdentity":null,"targetIdentity":null,"sourceSystem":null,"targetSystem":null,"servicePrincipal":null,"provisioningSteps":null,"modifiedProperties":null,"durationInMilliseconds":null,"initiatedBy":null}"#.into(),
        r#"{"id":"id-3","changeId":"chg-3","provisioningSteps":[null,{"name":null,"details":null}],"modifiedProperties":[null]}"#.into(),
    ]);
    let d = read(&[("n.json", &nulls)], Limits::default());
    assert_eq!(d.events() + d.rejected as usize, 3, "nulls everywhere");

    check(
        "missing required fields",
        "m.json",
        &portal(&[record(1), r#"{"displayName":"x","foo":1}"#.into()]),
        expect(1, "none of the keys of a provisioning record"),
    );

    let dup = portal(&[
        r#"{"id":"id-1","id":"id-1b","changeId":"chg-1","changeId":"chg-1b","provisioningSteps":[],"provisioningSteps":[]}"#.into(),
    ]);
    let d = read(&[("d.json", &dup)], Limits::default());
    assert_eq!(d.events() + d.rejected as usize, 1, "duplicate keys");

    check(
        "NaN and Infinity",
        "nan.json",
        &portal(&[
            record(1),
            r#"{"id":"id-2","changeId":"chg-2","durationInMilliseconds":NaN}"#.into(),
            r#"{"id":"id-3","changeId":"chg-3","durationInMilliseconds":Infinity}"#.into(),
            r#"{"id":"id-4","changeId":"chg-4","durationInMilliseconds":-Infinity}"#.into(),
            record(5),
        ]),
        expect(2, "expected value"),
    );

    let mut bad_utf8 = portal(&[record(1)]);
    bad_utf8.truncate(bad_utf8.len() - 1);
    bad_utf8
        .extend_from_slice(b",{\"id\":\"id-2\",\"changeId\":\"chg-2\",\"jobId\":\"\xff\xfe\xc3\"}");
    bad_utf8.extend_from_slice(format!(",{}]", record(3)).as_bytes());
    check(
        "invalid UTF-8",
        "u.json",
        &bad_utf8,
        expect(2, "invalid UTF-8"),
    );
}

#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(&portal(&[record(1), record(2)]));
    check("portal JSON with a BOM", "bom.json", &bytes, clean(2));
    let mut lines = b"\xef\xbb\xbf".to_vec();
    lines.extend_from_slice(format!("{}\n{}\n", record(1), record(2)).as_bytes());
    check("JSON Lines with a BOM", "PT1H.json", &lines, clean(2));
}

#[test]
fn huge_strings_and_deep_nesting_are_bounded() {
    let long = "A".repeat(10 << 20);
    let big = portal(&[record(1).replace("User 1", &long), record(2)]);
    let d = check("a 10 MB string", "big.json", &big, clean(2));
    assert_eq!(d.store.str(d.store.events[0].source.name).len(), 10 << 20);

    // Nesting deeper than serde_json's recursion limit (128) inside a record is an error of that
    // record; the framer only counts depth.
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let nested = portal(&[
        record(1),
        format!(r#"{{"id":"id-2","changeId":"chg-2","jobId":{deep}}}"#),
        format!(r#"{{"id":"id-3","changeId":"chg-3","provisioningSteps":[{{"details":{deep}}}]}}"#),
        record(4),
    ]);
    check(
        "10,000-deep nesting in a record",
        "deep.json",
        &nested,
        expect(2, "recursion limit"),
    );
    let objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    check(
        "10,000-deep objects in a JSON Lines row",
        "deep.json",
        format!(
            "{}\n{{\"changeId\":\"c\",\"jobId\":{objects}}}\n{}\n",
            record(1),
            record(2)
        )
        .as_bytes(),
        expect(2, "recursion limit"),
    );
    // Under keys that are not read, depth costs nothing: serde_json skips them without
    // recursing, and the row is simply not a record.
    check(
        "10,000-deep objects as a JSON Lines row",
        "deep.json",
        format!("{}\n{objects}\n{}\n", record(1), record(2)).as_bytes(),
        expect(2, "none of the keys"),
    );
    check(
        "10,000-deep arrays as the whole file",
        "deep.json",
        deep.as_bytes(),
        whole_file(0, "none of its first records"),
    );
}

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom.then_some(0xfeff).into_iter().chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if little_endian {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn utf16_is_decoded_with_or_without_a_byte_order_mark() {
    let text = String::from_utf8(portal(&[record(1), record(2).replace("User 2", "Zoë 𝄞")]))
        .unwrap_or_default();
    for little_endian in [true, false] {
        for bom in [true, false] {
            let bytes = utf16(&text, little_endian, bom);
            let case = format!("UTF-16 little_endian={little_endian} bom={bom}");
            let d = check(&case, "u16.json", &bytes, clean(2));
            assert_eq!(
                d.store.str(d.store.events[1].source.name),
                "Zoë 𝄞",
                "{case}"
            );
        }
    }
    let csv = "Change ID,Name,Old Value,New Value\nchg-1,displayName,a,b\n";
    let d = check(
        "UTF-16 portal CSV without its events file",
        "ProvisioningLogs_ModifiedProperties.csv",
        &utf16(csv, true, true),
        whole_file(0, "no loaded events file"),
    );
    assert_eq!(d.files[0].orphan_rows, 1);
}

const EVENTS_CSV: &str =
    "Date (UTC),Change ID,Cycle ID,Job ID,Action,Status,Source Identity Name\n";

#[test]
fn broken_csv_gives_positioned_issues() {
    let ragged = format!(
        "{EVENTS_CSV}2024-05-01T10:00:00Z,chg-1,cyc,job,Create,Success,Alice\n\
         2024-05-01T10:00:00Z,chg-2\n\
         2024-05-01T10:00:00Z,chg-3,cyc,job,Create,Success,Carol,extra,cells\n\
         2024-05-01T10:00:00Z,chg-4,cyc,job,Create,Success,Dan\n"
    );
    let d = read(
        &[("ProvisioningLogs.csv", ragged.as_bytes())],
        Limits::default(),
    );
    assert!(d.events() >= 2, "ragged rows: the full rows are read");
    assert_eq!(
        d.events() + d.rejected as usize,
        4,
        "ragged rows: each row read or rejected"
    );

    let quoted = format!(
        "{EVENTS_CSV}2024-05-01T10:00:00Z,chg-1,cyc,job,Create,Success,\"Smith, \"\"Al\"\"\nsecond line\"\n\
         2024-05-01T10:00:00Z,chg-2,cyc,job,Create,Success,Bob\n"
    );
    let d = check(
        "quotes and newlines in cells",
        "ProvisioningLogs.csv",
        quoted.as_bytes(),
        clean(2),
    );
    assert_eq!(
        d.store.str(d.store.events[0].source.name),
        "Smith, \"Al\"\nsecond line"
    );

    let unclosed = format!(
        "{EVENTS_CSV}2024-05-01T10:00:00Z,chg-1,cyc,job,Create,Success,Alice\n\
         2024-05-01T10:00:00Z,chg-2,cyc,job,Create,Success,\"Bob\n"
    );
    let d = read(
        &[("ProvisioningLogs.csv", unclosed.as_bytes())],
        Limits::default(),
    );
    assert!(d.events() >= 1);
    assert!(!d.issues.is_empty(), "an unclosed quote is reported");

    let mut bad =
        format!("{EVENTS_CSV}2024-05-01T10:00:00Z,chg-1,cyc,job,Create,Success,").into_bytes();
    bad.extend_from_slice(b"Al\xffce\n");
    check(
        "invalid UTF-8 in a CSV cell",
        "ProvisioningLogs.csv",
        &bad,
        expect(1, "not UTF-8"),
    );

    check(
        "header only",
        "ProvisioningLogs.csv",
        EVENTS_CSV.as_bytes(),
        whole_file(0, "no data rows"),
    );
}

/// A small PNG signature and header: enough to be recognised.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[test]
fn containers_and_bombs_are_bounded() {
    let json = portal(&[record(1), record(2)]);
    let csv = String::from(
        "TimeGenerated [UTC],ResultType,ProvisioningAction,SourceIdentity,ChangeId,JobId,CycleId\n\
         2024-05-01T10:00:00Z,Success,Create,\"{\"\"id\"\":\"\"s3\"\"}\",chg-3,job,cyc\n",
    );
    let archive = zip(&[
        ("a/ProvisioningLogs.json".into(), json.clone()),
        ("b/AADProvisioningLogs.csv".into(), csv.into_bytes()),
        ("logo.png".into(), PNG.to_vec()),
    ])
    .unwrap_or_default();
    let d = check(
        "a zip holding several formats",
        "mixed.zip",
        &archive,
        whole_file(3, "PNG image"),
    );
    assert_eq!(d.files.len(), 4, "the archive and its three members");

    let small = Limits {
        max_decompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    // 16 MB of one byte compresses to about 16 KB: a thousand to one.
    let zeros = vec![b' '; 16 << 20];
    let bomb = zip(&[
        ("ProvisioningLogs.json".into(), json.clone()),
        ("bomb.json".into(), zeros.clone()),
    ])
    .unwrap_or_default();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let d = check_with(
        "a zip bomb",
        &[("bomb.zip", &bomb)],
        small,
        whole_file(2, "expands beyond 1 MB"),
    );
    let issue = d
        .issues
        .iter()
        .find(|i| i.message.contains("expands beyond"));
    assert!(
        issue.is_some_and(|i| i.message.contains("bomb.zip › bomb.json")),
        "the message names the member: {:?}",
        d.issues
    );

    let gz_bomb = gzip(&zeros);
    let d = check_with(
        "a gzip bomb",
        &[("bomb.json.gz", &gz_bomb)],
        small,
        whole_file(0, "expands beyond 1 MB"),
    );
    assert!(d.issues.iter().any(|i| i.message.contains("bomb.json.gz")));

    check_with(
        "a zip above the archive limit",
        &[("big.zip", &bomb)],
        Limits {
            max_zip_bytes: 1 << 10,
            ..Limits::default()
        },
        whole_file(0, "larger than 1 KB"),
    );

    let mut cut = gzip(&json);
    cut.truncate(cut.len() / 2);
    check(
        "a truncated gzip",
        "cut.json.gz",
        &cut,
        whole_file(0, "gzip"),
    );
    let mut cut_zip = archive.clone();
    cut_zip.truncate(cut_zip.len() / 2);
    check("a truncated zip", "cut.zip", &cut_zip, whole_file(0, "zip"));
}

#[test]
fn a_wrong_checksum_in_a_gzip_or_zip_is_reported() {
    let json = portal(&[record(1), record(2)]);
    // The gzip trailer is the CRC-32 of the data, then its length.
    let mut gz = gzip(&json);
    let crc_at = gz.len() - 8;
    gz[crc_at] ^= 0x5a;
    let d = check(
        "a gzip whose checksum is wrong",
        "crc.json.gz",
        &gz,
        whole_file(2, "damaged"),
    );
    assert!(d.rejected > 0, "{:?}", d.issues);

    // A zip member's CRC-32 is in its local header (offset 14) and in its central directory
    // entry (offset 16).
    let mut archive = zip(&[("ProvisioningLogs.json".into(), json.clone())]).unwrap_or_default();
    let flip = |a: &mut Vec<u8>, signature: &[u8], offset: usize| {
        let at = a.windows(4).position(|w| w == signature);
        if let Some(at) = at {
            a[at + offset] ^= 0x5a;
        }
        at.is_some()
    };
    assert!(flip(&mut archive, b"PK\x03\x04", 14));
    assert!(flip(&mut archive, b"PK\x01\x02", 16));
    let d = read(&[("crc.zip", &archive)], Limits::default());
    let messages: Vec<&str> = d.issues.iter().map(|i| i.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("checksum")),
        "{messages:#?}"
    );
}

/// A zip of one member stored without compression, written by the zip crate.
fn stored_zip(name: &str, bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut w = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = ::zip::write::SimpleFileOptions::default()
        .compression_method(::zip::CompressionMethod::Stored);
    let written = w
        .start_file(name, options)
        .and_then(|()| w.write_all(bytes).map_err(Into::into))
        .and_then(|()| w.finish());
    written.map(|c| c.into_inner()).unwrap_or_default()
}

/// Sets a little-endian u16 at `offset` past each header with `signature`.
fn patch_u16(archive: &mut [u8], signature: &[u8], offset: usize, value: u16) {
    let at: Vec<usize> = archive
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == signature)
        .map(|(i, _)| i)
        .collect();
    assert!(!at.is_empty(), "no header {signature:?}");
    for i in at {
        archive[i + offset..i + offset + 2].copy_from_slice(&value.to_le_bytes());
    }
}

#[test]
fn zip_members_are_read_stored_or_deflated_and_others_refused_by_name() {
    let json = portal(&[record(1), record(2)]);
    let stored = stored_zip("ProvisioningLogs.json", &json);
    check("a stored zip member", "stored.zip", &stored, clean(2));

    // Method 12 is bzip2: in the local header at offset 8, in the directory at offset 10.
    let mut bzip2 = stored.clone();
    patch_u16(&mut bzip2, b"PK\x03\x04", 8, 12);
    patch_u16(&mut bzip2, b"PK\x01\x02", 10, 12);
    let d = check(
        "a bzip2 zip member",
        "bzip2.zip",
        &bzip2,
        whole_file(0, "compressed with BZIP2 (method 12)"),
    );
    assert_eq!(
        d.issues.len(),
        1,
        "one issue, naming the member: {:?}",
        d.issues
    );
    assert!(d.issues[0]
        .message
        .starts_with("bzip2.zip › ProvisioningLogs.json"));

    // A directory entry that is not one: the archive's list of files stops there, and that is
    // the one thing said about it.
    let mut damaged = stored.clone();
    patch_u16(&mut damaged, b"PK\x01\x02", 2, 0x0303);
    let d = check(
        "a zip whose directory is damaged",
        "damaged.zip",
        &damaged,
        whole_file(0, "cannot be read"),
    );
    assert_eq!(d.issues.len(), 1, "{:?}", d.issues);

    // Flag bit 0 is encryption: at offset 6 in the local header, 8 in the directory.
    let mut encrypted = stored;
    patch_u16(&mut encrypted, b"PK\x03\x04", 6, 1);
    patch_u16(&mut encrypted, b"PK\x01\x02", 8, 1);
    check(
        "an encrypted zip member",
        "secret.zip",
        &encrypted,
        whole_file(0, "encrypted"),
    );
}

#[test]
fn empty_and_foreign_files_are_refused_by_name() {
    check("an empty file", "empty.json", b"", whole_file(0, "empty"));
    check(
        "only white space",
        "blank.json",
        b" \n\r\n ",
        whole_file(0, "empty"),
    );
    check(
        "an empty gzip",
        "e.json.gz",
        &gzip(b""),
        whole_file(0, "empty"),
    );
    let d = check(
        "a PNG renamed .json",
        "photo.json",
        PNG,
        whole_file(0, "PNG image"),
    );
    assert!(d.issues[0].message.contains("photo.json"));
    assert_eq!(d.files[0].format, None);
}

/// Writes `bytes` to a fresh file in the temporary directory.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("provlens-malformed-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    let written = std::fs::write(&path, bytes);
    assert!(written.is_ok(), "cannot write {}", path.display());
    path
}

fn cli_exit(paths: &[PathBuf]) -> Option<i32> {
    let out = Command::new(env!("CARGO_BIN_EXE_provlens"))
        .arg("summary")
        .arg("--json")
        .args(paths)
        .output();
    let out = out.ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"events\""),
        "the summary is printed: {stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.code()
}

#[test]
fn the_cli_exits_0_or_2_never_101() {
    let good = temp_file("good.json", &portal(&[record(1)]));
    let deep = temp_file("deep.json", format!("[{}]", "[".repeat(100_000)).as_bytes());
    let png = temp_file("photo.json", PNG);
    let empty = temp_file("empty.json", b"");
    let cut = temp_file("cut.json", &portal(&[record(1)])[..100]);
    let bomb = temp_file("bomb.json.gz", &gzip(&vec![b'['; 2 << 20]));
    let utf16_file = temp_file("u16.json", &utf16("[{\"changeId\":\"c\"}]", true, false));
    let nan = temp_file(
        "nan.json",
        b"[{\"changeId\":\"c\",\"durationInMilliseconds\":NaN}]",
    );
    for (path, want) in [
        (&good, 0),
        (&deep, 2),
        (&png, 2),
        (&empty, 2),
        (&cut, 2),
        (&bomb, 2),
        (&utf16_file, 0),
        (&nan, 2),
    ] {
        assert_eq!(
            cli_exit(std::slice::from_ref(path)),
            Some(want),
            "{}",
            path.display()
        );
    }
    assert_eq!(
        cli_exit(&[png, good, deep, empty, cut, bomb, nan]),
        Some(0),
        "one readable file among broken ones"
    );
}
