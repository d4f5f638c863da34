//! The audit pack: one self-contained HTML file describing an analysis (input files with their
//! SHA-256, provlens version, when it was produced, filters, totals, findings, charts as inline
//! SVG, and optionally the filtered events). It holds no script and loads nothing: its own
//! Content-Security-Policy allows only its one inline style block, by hash. Every data value is
//! HTML-escaped.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::core::analyze::overview::{overview, OverviewReport, Timeline};
use crate::core::analyze::query::{self, Filter};
use crate::core::analyze::totals::{ActionCounts, StatusCounts};
use crate::core::ingest::DataSet;
use crate::core::report::{summarize, Summary};
use crate::core::time::format_iso;
use crate::core::view;

/// Most events listed in the report's table; the rest are counted.
pub const EVENT_ROWS_MAX: usize = 10_000;

/// One finding as the report shows it. The findings engine's results are mapped to this when
/// they are available; the report never makes findings up.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportFinding {
    pub severity: String,
    pub title: String,
    pub summary: String,
    pub evidence: Vec<String>,
    pub action: String,
}

/// The findings engine's results as the report lists them, with their evidence in words.
pub fn report_findings(found: &[crate::core::findings::Finding]) -> Vec<ReportFinding> {
    found
        .iter()
        .map(|f| {
            let e = &f.evidence;
            let mut evidence = Vec::new();
            match (&e.first, &e.last) {
                (Some(a), Some(b)) if a != b => evidence.push(format!("Window: {a} – {b}")),
                (Some(a), _) => evidence.push(format!("At: {a}")),
                _ => {}
            }
            if !e.job_id.is_empty() {
                evidence.push(format!("Job: {}", e.job_id));
            }
            evidence.push(format!("Count: {}", e.count));
            if !e.identities.is_empty() {
                let more = e.identity_total.saturating_sub(e.identities.len() as u64);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                evidence.push(format!("Identities: {}{tail}", e.identities.join(", ")));
            }
            for (k, v) in &e.figures {
                let (label, value) = v.display(k);
                evidence.push(format!("{label}: {value}"));
            }
            if !e.event_ids.is_empty() {
                let shown: Vec<&str> = e.event_ids.iter().take(20).map(String::as_str).collect();
                evidence.push(format!(
                    "Events ({} in all): {}",
                    e.event_total,
                    shown.join(", ")
                ));
            }
            ReportFinding {
                severity: f.severity.as_str().to_string(),
                title: f.title.clone(),
                summary: f.explanation.clone(),
                evidence,
                action: f.recommended_action.clone(),
            }
        })
        .collect()
}

/// What goes into a report besides the data set.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportOptions {
    /// When the report was produced, as the user's computer tells it (the core reads no clock).
    pub produced_at: String,
    /// The active filters; the charts, errors and events table cover the matching events.
    pub filter: Filter,
    /// Whether to list the filtered events.
    pub include_events: bool,
    /// Whether the data set was pseudonymized before the report was made (shown as a banner).
    pub pseudonymized: bool,
    /// Findings with their evidence, when a findings engine produced them.
    pub findings: Vec<ReportFinding>,
}

/// The style block of every report; its hash is in the report's CSP.
const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;\
padding:0 1rem;color:#111827;background:#fff}h1{font-size:1.6rem;margin:0 0 .25rem}\
h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #e5e7eb;padding-bottom:.25rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #e5e7eb;\
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f4f6}\
td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.85em;word-break:break-all}\
.muted{color:#6b7280}.banner{background:#fef3c7;border:1px solid #f59e0b;padding:.5rem .75rem;\
border-radius:.4rem}.kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpi{border:1px solid #e5e7eb;\
border-radius:.4rem;padding:.5rem 1rem}.kpi b{display:block;font-size:1.4rem}\
svg{max-width:100%;height:auto}.legend span{margin-right:1rem}\
.sw-success{color:#16a34a}.sw-failure{color:#dc2626}.sw-skipped{color:#6b7280}\
.sw-warning{color:#d97706}.sw-unknown{color:#9ca3af}";

/// The report's Content-Security-Policy: nothing may load, no script may run, and the only
/// style allowed is the report's own block.
pub fn report_csp() -> String {
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; \
         form-action 'none'",
        base64(&Sha256::digest(STYLE.as_bytes()))
    )
}

/// Renders the report.
pub fn render_report(data: &DataSet, options: &ReportOptions) -> String {
    let summary = summarize(data);
    let store = &data.store;
    let filtered = !options.filter.is_empty();
    let mut matches: Vec<u32> = if filtered {
        query::run(store, &options.filter).matches
    } else {
        (0..u32::try_from(store.events.len()).unwrap_or(u32::MAX)).collect()
    };
    let o = overview(store, Some(&matches));
    let mut h = String::with_capacity(64 * 1024);
    let title = "provlens audit report";
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{STYLE}</style></head><body>\n",
        esc(&report_csp())
    );
    let _ = write!(
        h,
        "<h1>{title}</h1>\n<p class=\"muted\" id=\"produced\">Produced by provlens {} on {} \
         (according to this computer's clock). This file contains no script and loads nothing.</p>\n",
        esc(crate::VERSION),
        esc(&options.produced_at)
    );
    if options.pseudonymized {
        h.push_str(
            "<p class=\"banner\" id=\"pseudonymized\">Pseudonymized: user names, display names, \
             object ids and attribute values are replaced by keyed hashes (HMAC-SHA256). The \
             same value gives the same token under the same key, so reports and exports made \
             with one key can be joined.</p>\n",
        );
    }
    files_section(&mut h, &summary);
    filters_section(&mut h, &options.filter, matches.len(), store.events.len());
    summary_section(&mut h, &summary, &o, filtered);
    findings_section(&mut h, &options.findings);
    charts_section(&mut h, &o);
    jobs_errors_section(&mut h, &o);
    if options.include_events {
        view::sort_indices(store, &mut matches, view::Sort::default());
        events_section(&mut h, data, &matches);
    }
    h.push_str("</body></html>\n");
    h
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Standard base64 with padding (for CSP hashes and the single-file build).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn files_section(h: &mut String, s: &Summary) {
    h.push_str(
        "<h2>Input files</h2>\n<table id=\"files\"><tr><th>File</th><th>Format</th>\
         <th>Size (bytes)</th><th>Events</th><th>Duplicates</th><th>Rejected</th>\
         <th>SHA-256</th></tr>\n",
    );
    for f in &s.files {
        let format = f.format.map_or("not an export", |f| f.label());
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            esc(&f.name),
            esc(format),
            f.size_bytes,
            f.events,
            f.duplicates,
            f.rejected,
            esc(&f.sha256)
        );
    }
    h.push_str(
        "</table>\n<p class=\"muted\">Events are counted in the first file that holds them; \
         a record already read from an earlier file counts as a duplicate, kept once. \
         Check a file: <code>sha256sum FILE</code> (Linux), \
         <code>shasum -a 256 FILE</code> (macOS), <code>Get-FileHash FILE</code> (PowerShell). \
         A zip member's hash is that of the unpacked member.</p>\n",
    );
}

fn filters_section(h: &mut String, f: &Filter, matching: usize, total: usize) {
    h.push_str("<h2>Filters</h2>\n");
    if f.is_empty() {
        let _ = writeln!(
            h,
            "<p id=\"filters\">None: all {total} events are covered.</p>"
        );
        return;
    }
    h.push_str("<ul id=\"filters\">\n");
    let list = |h: &mut String, name: &str, values: Vec<String>| {
        if !values.is_empty() {
            let _ = writeln!(h, "<li>{}: {}</li>", esc(name), esc(&values.join(", ")));
        }
    };
    list(
        h,
        "Status",
        f.statuses.iter().map(|s| s.label().to_string()).collect(),
    );
    list(
        h,
        "Action",
        f.actions.iter().map(|a| a.label().to_string()).collect(),
    );
    list(h, "Job", f.jobs.clone());
    list(h, "Source system", f.source_systems.clone());
    list(h, "Target system", f.target_systems.clone());
    list(h, "Identity type", f.identity_types.clone());
    list(h, "Error code", f.error_codes.clone());
    list(h, "Cycle", f.cycles.clone());
    list(
        h,
        "Scenario",
        f.scenarios.iter().map(|s| s.as_str().to_string()).collect(),
    );
    if let Some(from) = f.from_ms {
        list(h, "From", vec![format_iso(from)]);
    }
    if let Some(to) = f.to_ms {
        list(h, "Until (exclusive)", vec![format_iso(to)]);
    }
    if !f.text.is_empty() {
        list(h, "Text", vec![f.text.clone()]);
    }
    let _ = writeln!(
        h,
        "</ul>\n<p>{matching} of {total} events match; charts, errors and the events table \
         cover these.</p>"
    );
}

fn summary_section(h: &mut String, s: &Summary, o: &OverviewReport, filtered: bool) {
    h.push_str("<h2>Summary</h2>\n<div class=\"kpis\" id=\"totals\">");
    let t = &o.totals;
    let kpi = |h: &mut String, id: &str, label: &str, n: u64| {
        let _ = write!(h, "<div class=\"kpi\">{label}<b id=\"{id}\">{n}</b></div>");
    };
    kpi(h, "total-events", "Events", t.events);
    kpi(h, "total-success", "Success", t.by_status.success);
    kpi(h, "total-failure", "Failure", t.by_status.failure);
    kpi(h, "total-skipped", "Skipped", t.by_status.skipped);
    kpi(h, "total-warning", "Warning", t.by_status.warning);
    kpi(h, "total-identities", "Identities", o.identities);
    h.push_str("</div>\n");
    let range = match (&t.time_range.first, &t.time_range.last) {
        (Some(a), Some(b)) => format!("{a} to {b} (UTC)"),
        _ => "no event carries a time".to_string(),
    };
    let _ = writeln!(
        h,
        "<p>Time range: {}. {} duplicates kept once, {} records rejected{}.</p>",
        esc(&range),
        s.duplicates,
        s.rejected,
        if filtered {
            "; figures above cover the filtered events"
        } else {
            ""
        }
    );
    if let Some(rate) = o.success_rate {
        let _ = writeln!(h, "<p>Success rate: {rate:.1}%</p>");
    }
    if !s.reasons.is_empty() {
        h.push_str("<table id=\"reasons\"><tr><th>Rejected or noted</th><th>Count</th></tr>\n");
        for r in &s.reasons {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&r.reason),
                r.count
            );
        }
        h.push_str("</table>\n");
    }
}

fn findings_section(h: &mut String, findings: &[ReportFinding]) {
    h.push_str("<h2>Findings</h2>\n");
    if findings.is_empty() {
        h.push_str(
            "<p id=\"findings\" class=\"muted\">No findings were given to this report.</p>\n",
        );
        return;
    }
    h.push_str("<ol id=\"findings\">\n");
    for f in findings {
        let _ = write!(
            h,
            "<li><b>[{}] {}</b><p>{}</p>",
            esc(&f.severity),
            esc(&f.title),
            esc(&f.summary)
        );
        if !f.evidence.is_empty() {
            h.push_str("<ul>");
            for e in &f.evidence {
                let _ = write!(h, "<li>{}</li>", esc(e));
            }
            h.push_str("</ul>");
        }
        if !f.action.is_empty() {
            let _ = write!(h, "<p>Recommended: {}</p>", esc(&f.action));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ol>\n");
}

const STATUS_COLORS: [(&str, &str); 5] = [
    ("Success", "#16a34a"),
    ("Failure", "#dc2626"),
    ("Skipped", "#6b7280"),
    ("Warning", "#d97706"),
    ("Unknown", "#9ca3af"),
];

fn status_list(s: &StatusCounts) -> [u64; 5] {
    [s.success, s.failure, s.skipped, s.warning, s.unknown]
}

fn action_list(a: &ActionCounts) -> [(&'static str, u64); 7] {
    [
        ("Create", a.create),
        ("Update", a.update),
        ("Delete", a.delete),
        ("Disable", a.disable),
        ("Staged delete", a.staged_delete),
        ("Other", a.other),
        ("Unknown", a.unknown),
    ]
}

fn charts_section(h: &mut String, o: &OverviewReport) {
    h.push_str("<h2>Charts</h2>\n<h3>Events over time by status</h3>\n<p class=\"legend\">");
    for (i, (label, _)) in STATUS_COLORS.iter().enumerate() {
        let class = ["success", "failure", "skipped", "warning", "unknown"]
            .get(i)
            .copied()
            .unwrap_or("unknown");
        let _ = write!(h, "<span class=\"sw-{class}\">■ {label}</span>");
    }
    h.push_str("</p>\n");
    timeline_svg(h, &o.timeline);
    h.push_str("<h3>By status</h3>\n");
    let statuses: Vec<(&str, u64, &str)> = STATUS_COLORS
        .iter()
        .zip(status_list(&o.totals.by_status))
        .map(|((label, color), n)| (*label, n, *color))
        .collect();
    bars_svg(h, "chart-status", &statuses);
    h.push_str("<h3>By action</h3>\n");
    let actions: Vec<(&str, u64, &str)> = action_list(&o.totals.by_action)
        .into_iter()
        .map(|(label, n)| (label, n, "#2563eb"))
        .collect();
    bars_svg(h, "chart-action", &actions);
}

/// Stacked bars per time bucket, one colour per status.
fn timeline_svg(h: &mut String, t: &Timeline) {
    const W: f64 = 900.0;
    const H: f64 = 200.0;
    const TOP: f64 = 10.0;
    const BOTTOM: f64 = 24.0;
    let n = t.buckets.len();
    let max = t
        .buckets
        .iter()
        .map(|b| b.by_status.iter().sum::<u64>())
        .max()
        .unwrap_or(0);
    let _ = write!(
        h,
        "<svg id=\"chart-timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {}\" \
         role=\"img\" aria-label=\"Events over time by status\">",
        H + BOTTOM
    );
    if n == 0 || max == 0 {
        h.push_str("<text x=\"10\" y=\"20\">No event carries a time.</text></svg>\n");
        return;
    }
    let bar_w = W / n as f64;
    let scale = (H - TOP) / max as f64;
    for (i, b) in t.buckets.iter().enumerate() {
        let x = i as f64 * bar_w;
        let mut y = H;
        for (k, count) in b.by_status.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let height = *count as f64 * scale;
            y -= height;
            let color = STATUS_COLORS.get(k).map_or("#9ca3af", |c| c.1);
            let label = STATUS_COLORS.get(k).map_or("", |c| c.0);
            let _ = write!(
                h,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{:.2}\" height=\"{height:.2}\" \
                 fill=\"{color}\"><title>{} {label}: {count}</title></rect>",
                (bar_w - 0.5).max(0.5),
                esc(&format_iso(b.start_ms))
            );
        }
    }
    let first = t.buckets.first().map(|b| format_iso(b.start_ms));
    let last = t
        .buckets
        .last()
        .map(|b| format_iso(b.start_ms + t.bucket_ms));
    let _ = writeln!(
        h,
        "<line x1=\"0\" y1=\"{H}\" x2=\"{W}\" y2=\"{H}\" stroke=\"#6b7280\"/>\
         <text x=\"0\" y=\"{y}\" font-size=\"12\">{}</text>\
         <text x=\"{W}\" y=\"{y}\" font-size=\"12\" text-anchor=\"end\">{}</text>\
         <text x=\"4\" y=\"{TOP}\" font-size=\"12\" dominant-baseline=\"hanging\">max {max} per \
         {} min</text></svg>",
        esc(&first.unwrap_or_default()),
        esc(&last.unwrap_or_default()),
        t.bucket_ms / 60_000,
        y = H + 16.0
    );
}

/// Horizontal bars with labels and counts.
fn bars_svg(h: &mut String, id: &str, items: &[(&str, u64, &str)]) {
    const W: f64 = 600.0;
    const ROW: f64 = 22.0;
    const LABEL: f64 = 120.0;
    const COUNT: f64 = 70.0;
    let max = items.iter().map(|i| i.1).max().unwrap_or(0).max(1);
    let _ = write!(
        h,
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {}\" role=\"img\">",
        ROW * items.len() as f64
    );
    for (i, (label, n, color)) in items.iter().enumerate() {
        let y = i as f64 * ROW;
        let width = (W - LABEL - COUNT) * *n as f64 / max as f64;
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{:.1}\" font-size=\"13\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{width:.2}\" height=\"{:.1}\" fill=\"{color}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\">{n}</text>",
            y + 15.0,
            esc(label),
            y + 3.0,
            ROW - 6.0,
            LABEL + width + 6.0,
            y + 15.0
        );
    }
    h.push_str("</svg>\n");
}

fn jobs_errors_section(h: &mut String, o: &OverviewReport) {
    if !o.jobs.is_empty() {
        h.push_str(
            "<h2>Jobs</h2>\n<table id=\"jobs\"><tr><th>Job</th><th>Source → target</th>\
             <th>Events</th><th>Failure rate</th><th>Cycles</th></tr>\n",
        );
        for j in &o.jobs {
            let name = if j.name.is_empty() {
                &j.job_id
            } else {
                &j.name
            };
            let _ = writeln!(
                h,
                "<tr><td>{}<br><code>{}</code></td><td>{} → {}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{:.1}%</td><td class=\"n\">{}</td></tr>",
                esc(name),
                esc(&j.job_id),
                esc(&j.source),
                esc(&j.target),
                j.events,
                100.0 * j.failure_rate,
                j.cycles
            );
        }
        h.push_str("</table>\n");
    }
    if !o.errors.is_empty() {
        h.push_str(
            "<h2>Errors</h2>\n<table id=\"errors\"><tr><th>Error code</th><th>Events</th>\
             <th>Identities</th><th>First</th><th>Last</th><th>Explanation</th></tr>\n",
        );
        for e in &o.errors {
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&e.code),
                e.count,
                e.identities,
                esc(e.first.as_deref().unwrap_or("")),
                esc(e.last.as_deref().unwrap_or("")),
                esc(if e.title.is_empty() {
                    &e.reason
                } else {
                    &e.title
                })
            );
        }
        h.push_str("</table>\n");
    }
}

fn events_section(h: &mut String, data: &DataSet, sorted: &[u32]) {
    let shown = sorted.len().min(EVENT_ROWS_MAX);
    let _ = writeln!(
        h,
        "<h2>Events</h2>\n<p>{shown} of {} events, oldest first.</p>\n<table id=\"events\">\
         <tr><th>Date (UTC)</th><th>Identity</th><th>Action</th><th>Source → target</th>\
         <th>Status</th><th>Error code</th><th>Change ID</th></tr>",
        sorted.len()
    );
    for r in view::rows(&data.store, sorted, 0, shown) {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td>\
             <td><code>{}</code></td></tr>",
            esc(&r.time),
            esc(&r.identity),
            esc(&r.action),
            esc(&r.source_system),
            esc(&r.target_system),
            esc(&r.status),
            esc(&r.error_code),
            esc(&r.change_id)
        );
    }
    h.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::Ingest;

    const GRAPH: &str = r#"{"value":[{"id":"ev-1","activityDateTime":"2026-01-01T10:00:00Z",
        "changeId":"c1","cycleId":"cy1","jobId":"job1","provisioningAction":"create",
        "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"E<1>"}},
        "sourceIdentity":{"id":"s1","displayName":"<script>alert(1)</script>","identityType":"User"},
        "targetIdentity":{"id":"t1","displayName":"x"},
        "sourceSystem":{"displayName":"Workday"},"targetSystem":{"displayName":"AD"}}]}"#;

    fn load(name: &str, bytes: &[u8]) -> DataSet {
        let mut ingest = Ingest::default();
        ingest.add_bytes(name, bytes);
        ingest.finish()
    }

    #[test]
    fn file_hashes_are_sha256_of_the_bytes() {
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        let data = load("abc.json", b"abc");
        assert_eq!(
            data.files.first().map(|f| f.sha256.as_str()),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        // Chunked reading hashes the same as one piece.
        let mut ingest = Ingest::default();
        let mut st = ingest.begin("x.json", GRAPH.len() as u64);
        for chunk in GRAPH.as_bytes().chunks(7) {
            ingest.push(&mut st, chunk);
        }
        ingest.end(st);
        let chunked = ingest.finish();
        let whole = load("x.json", GRAPH.as_bytes());
        assert_eq!(chunked.files[0].sha256, whole.files[0].sha256);
        assert_eq!(whole.files[0].sha256.len(), 64);
    }

    #[test]
    fn each_file_shows_its_duplicates() {
        let mut ingest = Ingest::default();
        ingest.add_bytes("first.json", GRAPH.as_bytes());
        ingest.add_bytes("again.json", GRAPH.as_bytes());
        let html = render_report(
            &ingest.finish(),
            &ReportOptions {
                produced_at: String::new(),
                filter: Filter::default(),
                include_events: false,
                pseudonymized: false,
                findings: Vec::new(),
            },
        );
        // Name, format, size, events, duplicates, rejected.
        let row = |name: &str, counts: &str| {
            let at = html.find(&format!("<tr><td>{name}</td>")).unwrap_or(0);
            let rest = html.get(at..).unwrap_or_default();
            rest.get(..rest.find("</tr>").unwrap_or(0))
                .is_some_and(|r| r.contains(counts))
        };
        let n = GRAPH.len();
        assert!(row("first.json", &format!("\"n\">{n}</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td>")), "{html}");
        assert!(row("again.json", &format!("\"n\">{n}</td><td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">0</td>")), "{html}");
    }

    #[test]
    fn hostile_strings_are_escaped_and_the_report_has_no_script() {
        let data = load("<script>evil</script>.json", GRAPH.as_bytes());
        assert_eq!(data.store.events.len(), 1);
        let html = render_report(
            &data,
            &ReportOptions {
                produced_at: "2026-11-28T10:00:00Z <b>".into(),
                include_events: true,
                findings: vec![ReportFinding {
                    severity: "high".into(),
                    title: "<img src=x onerror=alert(1)>".into(),
                    evidence: vec!["\"quoted\" & 'single'".into()],
                    ..ReportFinding::default()
                }],
                ..ReportOptions::default()
            },
        );
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "a script tag survived");
        assert!(!lower.contains("<img"), "an img tag survived");
        assert!(html.contains("&lt;script&gt;evil&lt;/script&gt;.json"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&quot;quoted&quot; &amp; &#39;single&#39;"));
        assert!(html.contains("E&lt;1&gt;"));
        assert!(
            html.contains("according to this computer&#39;s clock")
                || html.contains("according to this computer's clock")
        );
        assert!(html.contains(&data.files[0].sha256));
        assert!(html.contains("<svg id=\"chart-timeline\""));
        assert!(html.contains("id=\"total-events\">1<"));
    }

    #[test]
    fn the_csp_hashes_the_style_block() {
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"a"), "YQ==");
        let csp = report_csp();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!csp.contains("unsafe"));
    }
}
