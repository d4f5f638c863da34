//! Tells which export format a file holds, from its first bytes (the file name is only a hint),
//! and why, so that a refusal can say what was seen and what was expected.

use serde::{Deserialize, Serialize};

use crate::core::parse::frame::clip;

/// Every input provlens recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Entra admin center download: a bare JSON array of records.
    PortalJson,
    /// Graph API list response: one page, several pages, or an array of pages.
    GraphJson,
    /// PowerShell SDK output (`ConvertTo-Json`): a flat array with PascalCase keys.
    SdkJson,
    /// Diagnostic settings export: JSON Lines (`PT1H.json`) or Event Hub `{"records":[…]}`.
    DiagnosticJson,
    /// Log Analytics `AADProvisioningLogs` query result exported as JSON.
    LogAnalyticsJson,
    /// Log Analytics `AADProvisioningLogs` query result exported as CSV.
    LogAnalyticsCsv,
    /// Portal CSV download, the events file (`ProvisioningLogs`).
    PortalCsvEvents,
    /// Portal CSV download, the steps file (`ProvisioningLogs_ProvisioningSteps`).
    PortalCsvSteps,
    /// Portal CSV download, the modified-properties file (`ProvisioningLogs_ModifiedProperties`).
    PortalCsvModified,
    /// A gzip stream holding one of the above.
    Gzip,
    /// A zip archive holding any of the above.
    Zip,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::PortalJson => "Portal JSON",
            Format::GraphJson => "Graph API JSON",
            Format::SdkJson => "PowerShell SDK JSON",
            Format::DiagnosticJson => "Diagnostic settings JSON",
            Format::LogAnalyticsJson => "Log Analytics JSON",
            Format::LogAnalyticsCsv => "Log Analytics CSV",
            Format::PortalCsvEvents => "Portal CSV (events)",
            Format::PortalCsvSteps => "Portal CSV (steps)",
            Format::PortalCsvModified => "Portal CSV (modified properties)",
            Format::Gzip => "gzip",
            Format::Zip => "zip",
        }
    }

    /// The format a file name suggests, before any byte is read (for estimates only; the
    /// bytes decide). Unknown names count as portal JSON.
    pub fn guess_from_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".gz") {
            Format::Gzip
        } else if lower.ends_with(".zip") {
            Format::Zip
        } else if lower.ends_with(".csv") {
            Format::PortalCsvEvents
        } else {
            Format::PortalJson
        }
    }

    pub fn is_json(self) -> bool {
        matches!(
            self,
            Format::PortalJson
                | Format::GraphJson
                | Format::SdkJson
                | Format::DiagnosticJson
                | Format::LogAnalyticsJson
        )
    }
}

/// One sentence listing what provlens reads, for refusals.
pub const FORMATS_READ: &str = "provlens reads Entra provisioning-log exports: the portal's JSON \
or three CSV files, Graph API JSON pages, PowerShell SDK JSON, diagnostic-settings JSON Lines, \
and Log Analytics CSV or JSON, each also inside .zip or .gz";

/// The outcome of sniffing a file's head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniff {
    Known(Format),
    /// Not enough bytes yet to decide.
    NeedMore,
    /// Not an export; the text says what the file looks like.
    Unknown(String),
    /// Text in an encoding provlens cannot read as it is.
    Encoding(String),
}

/// How many leading bytes sniffing wants before it decides (less at end of file).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Decides the format from the first bytes of a file. `complete` says the head is the whole file.
pub fn sniff(name: &str, head: &[u8], complete: bool) -> Sniff {
    if head.starts_with(&[0x1f, 0x8b]) {
        return Sniff::Known(Format::Gzip);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniff::Known(Format::Zip);
    }
    if head.len() < 4 && !complete {
        return Sniff::NeedMore;
    }
    if utf16_order(head).is_some() {
        return Sniff::Encoding("it is UTF-16 text (as Excel saves “Unicode text”)".to_string());
    }
    if let Some(kind) = binary_kind(head) {
        return Sniff::Unknown(format!("it looks like {kind}, not an export"));
    }
    let body = strip_bom(head);
    let text = trim_start_ws(body);
    if text.is_empty() {
        return if complete {
            Sniff::Unknown("it is empty".to_string())
        } else {
            Sniff::NeedMore
        };
    }
    match text[0] {
        b'[' | b'{' => sniff_json(text, complete),
        _ => sniff_csv(name, body, complete),
    }
}

/// Whether the head is UTF-16 text and in which byte order (`true`: little-endian): from its
/// byte-order mark, or without one from the zero bytes of its first two ASCII characters.
pub fn utf16_order(head: &[u8]) -> Option<bool> {
    match head {
        [0xff, 0xfe, ..] => Some(true),
        [0xfe, 0xff, ..] => Some(false),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => Some(true),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 && a.is_ascii() && b.is_ascii() => Some(false),
        _ => None,
    }
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(b)
}

fn trim_start_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn binary_kind(head: &[u8]) -> Option<&'static str> {
    const MAGIC: [(&[u8], &str); 8] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\xd0\xcf\x11\xe0", "an old Office document"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
        (b"\x00asm", "a WebAssembly module"),
    ];
    for (magic, kind) in MAGIC {
        if head.starts_with(magic) {
            return Some(kind);
        }
    }
    let sample = &head[..head.len().min(512)];
    if sample.contains(&0) {
        return Some("binary data");
    }
    None
}

/// Case-insensitive search for an ASCII needle.
fn contains_ci(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    n.is_empty() || hay.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Case-sensitive search (to tell PascalCase SDK output from camelCase Graph).
fn contains(hay: &[u8], needle: &str) -> bool {
    memchr::memmem::find(hay, needle.as_bytes()).is_some()
}

fn sniff_json(text: &[u8], complete: bool) -> Sniff {
    // Look at the head only: that is where the first record's keys are.
    let h = &text[..text.len().min(SNIFF_BYTES)];
    let record_keys = [
        "\"changeId\"",
        "\"cycleId\"",
        "\"jobId\"",
        "\"provisioningSteps\"",
        "\"provisioningStatusInfo\"",
        "\"provisioningAction\"",
        "\"activityDateTime\"",
    ];
    let has_record_key = record_keys.iter().any(|k| contains_ci(h, k));
    if contains_ci(h, "\"ProvisioningLogs\"") && contains_ci(h, "\"category\"") {
        return Sniff::Known(Format::DiagnosticJson);
    }
    if contains_ci(h, "\"records\"") && contains_ci(h, "\"properties\"") {
        return Sniff::Known(Format::DiagnosticJson);
    }
    if (contains_ci(h, "@odata.context") || contains(h, "\"value\""))
        && (has_record_key || contains_ci(h, "auditLogs/provisioning"))
    {
        return Sniff::Known(Format::GraphJson);
    }
    if contains_ci(h, "\"TimeGenerated") && contains_ci(h, "\"ResultType\"") {
        return Sniff::Known(Format::LogAnalyticsJson);
    }
    if contains(h, "\"ActivityDateTime\"") || contains(h, "\"ProvisioningStatusInfo\"") {
        return Sniff::Known(Format::SdkJson);
    }
    if has_record_key {
        return Sniff::Known(if text[0] == b'[' {
            Format::PortalJson
        } else {
            // A single record or JSON Lines of Graph-shaped records.
            Format::GraphJson
        });
    }
    if !complete && h.len() < SNIFF_BYTES {
        return Sniff::NeedMore;
    }
    Sniff::Unknown(
        "it is JSON, but none of its first records has the keys of a provisioning event \
         (changeId, cycleId, jobId, provisioningSteps)"
            .to_string(),
    )
}

/// Normalizes a CSV header cell: lowercase, without spaces, `_`, `()`, `.`, `-`, or `[UTC]`.
pub fn normalize_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let lower = h.to_ascii_lowercase();
    let without_utc = lower.replace("[utc]", "").replace("(utc)", "");
    without_utc
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '(' | ')' | '.' | '-' | '"' | '\t'))
        .collect()
}

fn sniff_csv(name: &str, body: &[u8], complete: bool) -> Sniff {
    let Some(end) = memchr::memchr(b'\n', body) else {
        if !complete {
            return Sniff::NeedMore;
        }
        return Sniff::Unknown(describe_text(body));
    };
    let header_line = String::from_utf8_lossy(&body[..end]);
    let headers: Vec<String> = split_header(&header_line)
        .iter()
        .map(|h| normalize_header(h))
        .collect();
    let has = |n: &str| headers.iter().any(|h| h == n);
    if headers.len() < 2 {
        return Sniff::Unknown(describe_text(body));
    }
    if has("timegenerated")
        && (has("provisioningsteps") || has("sourceidentity") || has("resulttype"))
    {
        return Sniff::Known(Format::LogAnalyticsCsv);
    }
    let change = has("changeid");
    if change && has("oldvalue") && has("newvalue") {
        return Sniff::Known(Format::PortalCsvModified);
    }
    let lname = name.to_ascii_lowercase();
    if change
        && (has("description") || has("stepname") || has("provisioningsteptype"))
        && !has("cycleid")
    {
        return Sniff::Known(Format::PortalCsvSteps);
    }
    if change && (has("cycleid") || has("jobid") || has("status") || has("action")) {
        return Sniff::Known(Format::PortalCsvEvents);
    }
    if change {
        // Only the file name can tell which of the three files this is.
        if lname.contains("modifiedproperties") {
            return Sniff::Known(Format::PortalCsvModified);
        }
        if lname.contains("provisioningsteps") {
            return Sniff::Known(Format::PortalCsvSteps);
        }
        return Sniff::Known(Format::PortalCsvEvents);
    }
    Sniff::Unknown(format!(
        "it is text with the header `{}`, but no column holds a change ID or a TimeGenerated \
         (the portal CSV files and Log Analytics CSV have one)",
        clip(header_line.trim(), 120)
    ))
}

/// Splits a CSV header line on commas outside quotes (headers rarely quote, but may).
fn split_header(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.trim_end_matches('\r').chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn describe_text(body: &[u8]) -> String {
    let first = String::from_utf8_lossy(&body[..body.len().min(80)]);
    let first = first.lines().next().unwrap_or("").trim().to_string();
    if first.is_empty() {
        "it holds no readable text".to_string()
    } else {
        format!("it is text starting `{}`, not an export", clip(&first, 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(name: &str, text: &str) -> Sniff {
        sniff(name, text.as_bytes(), true)
    }

    #[test]
    fn tells_json_shapes_apart() {
        assert_eq!(
            known(
                "x.json",
                r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning","value":[]}"#
            ),
            Sniff::Known(Format::GraphJson)
        );
        assert_eq!(
            known(
                "x.json",
                r#"[{"id":"1","changeId":"c","provisioningSteps":[]}]"#
            ),
            Sniff::Known(Format::PortalJson)
        );
        assert_eq!(
            known(
                "PT1H.json",
                r#"{"time":"t","category":"ProvisioningLogs","properties":{}}"#
            ),
            Sniff::Known(Format::DiagnosticJson)
        );
        assert_eq!(
            known("x.json", r#"[{"ActivityDateTime":"t","ChangeId":"c"}]"#),
            Sniff::Known(Format::SdkJson)
        );
        assert_eq!(
            known(
                "x.json",
                r#"[{"TimeGenerated":"t","ResultType":"Success","ChangeId":"c"}]"#
            ),
            Sniff::Known(Format::LogAnalyticsJson)
        );
    }

    #[test]
    fn tells_csv_files_apart() {
        assert_eq!(
            known(
                "q.csv",
                "\u{feff}TimeGenerated [UTC],ResultType,SourceIdentity\n"
            ),
            Sniff::Known(Format::LogAnalyticsCsv)
        );
        assert_eq!(
            known(
                "a.csv",
                "Date (UTC),Change ID,Cycle ID,Job ID,Action,Status\n"
            ),
            Sniff::Known(Format::PortalCsvEvents)
        );
        assert_eq!(
            known("b.csv", "Change ID,Step,Type,Status,Description\n"),
            Sniff::Known(Format::PortalCsvSteps)
        );
        assert_eq!(
            known("c.csv", "Change ID,Name,Old Value,New Value\n"),
            Sniff::Known(Format::PortalCsvModified)
        );
    }

    #[test]
    fn refuses_what_is_not_an_export_and_says_why() {
        let png = sniff("logo.json", b"\x89PNG\r\n\x1a\n\0\0\0", true);
        assert_eq!(
            png,
            Sniff::Unknown("it looks like a PNG image, not an export".into())
        );
        assert!(
            matches!(known("notes.txt", "hello world\nsecond line\n"), Sniff::Unknown(m) if m.contains("hello world"))
        );
        assert!(matches!(known("e.json", ""), Sniff::Unknown(m) if m.contains("empty")));
        assert!(
            matches!(known("o.json", r#"{"name":"x"}"#), Sniff::Unknown(m) if m.contains("none of its first records"))
        );
        assert!(matches!(
            sniff("u.csv", b"\xff\xfeT\0i\0", true),
            Sniff::Encoding(_)
        ));
    }

    #[test]
    fn containers_are_known_by_magic_bytes() {
        assert_eq!(
            sniff("x", b"\x1f\x8b\x08\0", false),
            Sniff::Known(Format::Gzip)
        );
        assert_eq!(sniff("x", b"PK\x03\x04", false), Sniff::Known(Format::Zip));
    }

    #[test]
    fn headers_normalize() {
        assert_eq!(normalize_header("TimeGenerated [UTC]"), "timegenerated");
        assert_eq!(normalize_header("\u{feff}Date (UTC)"), "date");
        assert_eq!(normalize_header("Change_ID"), "changeid");
    }
}
