//! The native command-line tool over the same core: `provlens summary FILE... [--json]`,
//! `provlens report FILE... -o report.html` (the audit pack), `provlens pseudonymize FILE...
//! --key KEY -o out.json` (a shareable export) and `provlens gen --format FORMAT -o DIR`
//! (synthetic exports for tests and demos).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::core::analyze::identity::{identity_report, IdentityReport};
use crate::core::findings::kql::{alert_rule_arm_with, dashboard_queries, for_kind};
use crate::core::findings::{
    any_at_or_above, findings, Finding, FindingKind, FindingsConfig, Severity,
};
use crate::core::gen::{generate, write_format, Anomaly, GenConfig, GenFormat, Wrap, WriteOptions};
use crate::core::ingest::{DataSet, Ingest};
use crate::core::lifecycle::{self, LaneRole, LifecycleConfig, LifecycleReport, MovementReport};
use crate::core::report::{summarize, Summary};
use crate::core::report_html::{render_report, ReportOptions};
use crate::core::view::{export_csv, export_json};

/// The time now by this computer's clock, ISO 8601 UTC (the core reads no clock).
fn now_text() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    format!(
        "{} (UTC)",
        crate::core::time::format_iso(ms - ms.rem_euclid(1000))
    )
}
use crate::core::time::format_duration_ms;

/// Offline analyzer for Microsoft Entra ID provisioning logs. No data leaves this machine.
#[derive(Debug, Parser)]
#[command(name = "provlens", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reads exports and prints totals: events, rejected records and why, by status, by action.
    Summary {
        /// Export files: portal JSON or CSV, Graph JSON, diagnostic JSON Lines, Log Analytics
        /// CSV or JSON; also inside .zip or .gz.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print one JSON object (the stable contract described in the README).
        #[arg(long)]
        json: bool,
    },
    /// Prints one identity's history across jobs and cycles, its state per target, and its
    /// attribute changes.
    Identity {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// An object id, UPN or display name (any case).
        #[arg(long)]
        id: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Writes the audit pack: one self-contained HTML file with the input files and their
    /// SHA-256, totals, charts and (optionally) the events. It holds no script.
    Report {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the report.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
        /// List the events too.
        #[arg(long)]
        events: bool,
        /// Replace people and objects by keyed hashes (needs --key).
        #[arg(long, requires = "key")]
        pseudonymize: bool,
        /// The pseudonymization key: the same key gives the same tokens across runs and files.
        #[arg(long)]
        key: Option<String>,
    },
    /// Writes the events with people and objects replaced by keyed hashes (HMAC-SHA256), as
    /// JSON that provlens reads again (or CSV when the output name ends in .csv).
    Pseudonymize {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The key: the same key gives the same tokens, so shared files stay joinable.
        #[arg(long)]
        key: String,
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
    },
    /// Follows each person from HR to every app: joiner, leaver and mover latencies per system,
    /// orphaned access, SLA breaches; with --person, one person's swimlanes.
    Lifecycle {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the full report as JSON.
        #[arg(long)]
        json: bool,
        /// Joiner SLA, e.g. 8h, 90m, 2d.
        #[arg(long, value_parser = parse_duration_ms)]
        joiner_sla: Option<i64>,
        /// Leaver SLA, e.g. 1h.
        #[arg(long, value_parser = parse_duration_ms)]
        leaver_sla: Option<i64>,
        /// Mover SLA, e.g. 8h.
        #[arg(long, value_parser = parse_duration_ms)]
        mover_sla: Option<i64>,
        /// Show the swimlanes of the persons matching a name, UPN, worker id or object id.
        #[arg(long)]
        person: Option<String>,
    },
    /// Writes a synthetic, deterministic tenant export (for tests, demos and benchmarks).
    Gen {
        /// portal-json, graph, graph-beta, sdk, diagnostic, eventhub, la-csv, la-json,
        /// portal-csv, or all.
        #[arg(long, default_value = "portal-json")]
        format: String,
        /// Target number of events.
        #[arg(long, default_value_t = 5_000)]
        events: u32,
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Anomalies to plant (repeatable): silent-job, failure-spike, credential-errors,
        /// mass-deprovisioning, failed-onboarding, failed-deprovisioning, persistent-failure,
        /// attribute-flapping, staged-deletes, or all; lifecycle chains: on-time-joiners,
        /// slow-joiner, orphaned-access, stalled-mover, or lifecycle for all four.
        #[arg(long = "anomaly")]
        anomalies: Vec<String>,
        /// Records per Graph page.
        #[arg(long, default_value_t = 1_000)]
        page_size: usize,
        /// Gzip every file.
        #[arg(long, conflicts_with = "zip")]
        gzip: bool,
        /// Pack each format's files into one zip.
        #[arg(long)]
        zip: bool,
        /// Output directory (created if missing); a manifest.json describes what was planted.
        #[arg(short = 'o', long = "out")]
        out: PathBuf,
    },
    /// Runs the findings rules and exits 1 when any finding is at or above `--fail-on`
    /// (0 otherwise, 2 when no input could be read): for scheduled monitoring scripts.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The severity that makes the check fail: high, medium or low.
        #[arg(long, default_value = "high", value_parser = parse_severity)]
        fail_on: Severity,
        /// Print the findings as JSON (full findings with evidence, action and KQL).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        thresholds: Thresholds,
    },
    /// Prints the KQL query of every finding kind and every dashboard panel, or an Azure
    /// Monitor alert rule (ARM template) for one kind.
    Kql {
        /// Print one JSON object: `{findings: [{kind, label, severity, kql, kql_for_job}],
        /// dashboard: [{name, kql}]}`.
        #[arg(long)]
        json: bool,
        /// Print the scheduled-query alert rule (ARM template JSON) for this finding kind.
        #[arg(long, value_parser = parse_kind)]
        arm: Option<FindingKind>,
        #[command(flatten)]
        thresholds: Thresholds,
    },
}

/// The main thresholds of the findings rules; the rest keep their defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct Thresholds {
    /// Accidental-deletion threshold per cycle (deletes + disables).
    #[arg(long, default_value_t = FindingsConfig::default().deletion_threshold)]
    pub deletion_threshold: u32,
    /// A silence counts beyond this multiple of the job's typical cycle interval.
    #[arg(long, default_value_t = FindingsConfig::default().silent_gap_multiple)]
    pub silent_gap_multiple: f64,
    /// …and beyond this many minutes.
    #[arg(long, default_value_t = FindingsConfig::default().silent_min_gap_min)]
    pub silent_min_gap_min: u32,
    /// Robust z-score at which a cycle's failures are a spike.
    #[arg(long, default_value_t = FindingsConfig::default().spike_z)]
    pub spike_z: f64,
    /// Fewest failures in a cycle to call it a spike.
    #[arg(long, default_value_t = FindingsConfig::default().spike_min_failures)]
    pub spike_min_failures: u32,
    /// Consecutive failing cycles of one identity to report it.
    #[arg(long, default_value_t = FindingsConfig::default().persistent_cycles)]
    pub persistent_cycles: u32,
    /// Returns to an earlier value needed to call an attribute flapping.
    #[arg(long, default_value_t = FindingsConfig::default().flap_min_flips)]
    pub flap_min_flips: u32,
    /// Failure share, in percent, above which a job meets the quarantine rule.
    #[arg(long, default_value_t = FindingsConfig::default().quarantine_percent)]
    pub quarantine_percent: f64,
}

impl Thresholds {
    pub fn config(&self) -> FindingsConfig {
        FindingsConfig {
            deletion_threshold: self.deletion_threshold,
            silent_gap_multiple: self.silent_gap_multiple,
            silent_min_gap_min: self.silent_min_gap_min,
            spike_z: self.spike_z,
            spike_min_failures: self.spike_min_failures,
            persistent_cycles: self.persistent_cycles,
            flap_min_flips: self.flap_min_flips,
            quarantine_percent: self.quarantine_percent,
            ..FindingsConfig::default()
        }
    }
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    match Severity::parse(text) {
        Some(Severity::Info) | None => Err(format!("expected high, medium or low, not `{text}`")),
        Some(s) => Ok(s),
    }
}

fn parse_kind(text: &str) -> Result<FindingKind, String> {
    FindingKind::parse(text).ok_or_else(|| {
        let names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

/// Exit code when no input could be read at all.
pub const EXIT_UNREADABLE: u8 = 2;

/// Runs the CLI with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Summary { files, json } => {
            let data = load(&files);
            let summary = summarize(&data);
            let text = if json {
                to_json(&summary)
            } else {
                render_summary(&summary)
            };
            print(&text);
            exit_code(&data)
        }
        Command::Identity { files, id, json } => {
            let data = load(&files);
            let report = identity_report(&data.store, &id);
            let text = if json {
                to_json(&report)
            } else {
                render_identity(&report)
            };
            print(&text);
            if report.events.is_empty() {
                eprintln!("provlens: no event concerns `{id}` in the loaded files");
            }
            exit_code(&data)
        }
        Command::Check {
            files,
            fail_on,
            json,
            thresholds,
        } => {
            let data = load(&files);
            let unreadable = exit_code(&data) != ExitCode::SUCCESS;
            let found = findings(&data.store, &thresholds.config());
            let text = if json {
                to_json(&found)
            } else {
                render_findings(&found)
            };
            print(&text);
            if unreadable {
                eprintln!("provlens: no input could be read");
                ExitCode::from(EXIT_UNREADABLE)
            } else if any_at_or_above(&found, fail_on) {
                ExitCode::from(EXIT_FINDINGS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Kql {
            json,
            arm,
            thresholds,
        } => {
            let config = thresholds.config();
            if let Some(kind) = arm {
                print(&to_json(&alert_rule_arm_with(kind, &config)));
                return ExitCode::SUCCESS;
            }
            let catalog = kql_catalog(&config);
            let text = if json {
                to_json(&catalog)
            } else {
                render_kql(&catalog)
            };
            print(&text);
            ExitCode::SUCCESS
        }
        Command::Report {
            files,
            out,
            events,
            pseudonymize,
            key,
        } => {
            let mut data = load(&files);
            if pseudonymize {
                let key = key.unwrap_or_default();
                data = crate::core::pseudo::pseudonymize(
                    &data,
                    &crate::core::pseudo::key_from_text(&key),
                );
            }
            let options = ReportOptions {
                produced_at: now_text(),
                include_events: events,
                pseudonymized: pseudonymize,
                findings: crate::core::report_html::report_findings(&findings(
                    &data.store,
                    &FindingsConfig::default(),
                )),
                ..ReportOptions::default()
            };
            let html = render_report(&data, &options);
            match std::fs::write(&out, html) {
                Ok(()) => exit_code(&data),
                Err(e) => {
                    eprintln!("provlens report: {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Pseudonymize { files, key, out } => {
            let data = load(&files);
            let shared =
                crate::core::pseudo::pseudonymize(&data, &crate::core::pseudo::key_from_text(&key));
            let all: Vec<u32> =
                (0..u32::try_from(shared.store.events.len()).unwrap_or(u32::MAX)).collect();
            let csv = out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let written = File::create(&out).and_then(|f| {
                let mut w = io::BufWriter::new(f);
                if csv {
                    export_csv(&shared.store, &all, &mut w)?;
                } else {
                    export_json(&shared.store, &all, &mut w)?;
                }
                w.flush()
            });
            match written {
                Ok(()) => exit_code(&data),
                Err(e) => {
                    eprintln!("provlens pseudonymize: {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Lifecycle {
            files,
            json,
            joiner_sla,
            leaver_sla,
            mover_sla,
            person,
        } => {
            let data = load(&files);
            let defaults = LifecycleConfig::default();
            let config = LifecycleConfig {
                joiner_sla_ms: joiner_sla.unwrap_or(defaults.joiner_sla_ms),
                leaver_sla_ms: leaver_sla.unwrap_or(defaults.leaver_sla_ms),
                mover_sla_ms: mover_sla.unwrap_or(defaults.mover_sla_ms),
                ..defaults
            };
            let report = lifecycle::analyze(&data.store, &config);
            let text = match (&person, json) {
                (Some(q), true) => to_json(&report.find_persons(q)),
                (None, true) => to_json(&report),
                (Some(q), false) => render_persons(&report, q),
                (None, false) => render_lifecycle(&report),
            };
            print(&text);
            if let Some(q) = &person {
                if report.find_persons(q).is_empty() {
                    eprintln!("provlens: no person matches `{q}` in the loaded files");
                }
            }
            exit_code(&data)
        }
        Command::Gen {
            format,
            events,
            days,
            seed,
            anomalies,
            page_size,
            gzip,
            zip,
            out,
        } => match run_gen(
            &format, events, days, seed, &anomalies, page_size, gzip, zip, &out,
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("provlens gen: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Exit code of `check` when a finding at or above `--fail-on` exists.
pub const EXIT_FINDINGS: u8 = 1;

/// An example job id, for the per-job variants of the queries.
const EXAMPLE_JOB_ID: &str =
    "DropboxSCIMOutDelta.5611623b9128461e9d7fa0d9c270ead2.d6163622-bdf8-4b26-976f-7d573c638e2a";

/// Every query provlens can produce, as `provlens kql --json` prints it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KqlCatalog {
    pub table: &'static str,
    pub findings: Vec<KindQuery>,
    pub dashboard: Vec<PanelQuery>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct KindQuery {
    pub kind: FindingKind,
    pub label: &'static str,
    pub severity: Severity,
    /// Over every job.
    pub kql: String,
    /// The same restricted to one job, as a finding carries it.
    pub kql_for_job: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PanelQuery {
    pub name: String,
    pub kql: String,
}

pub fn kql_catalog(config: &FindingsConfig) -> KqlCatalog {
    KqlCatalog {
        table: crate::core::findings::kql::TABLE,
        findings: FindingKind::ALL
            .into_iter()
            .map(|kind| KindQuery {
                kind,
                label: kind.label(),
                severity: kind.max_severity(),
                kql: for_kind(kind, config, None),
                kql_for_job: for_kind(kind, config, Some(EXAMPLE_JOB_ID)),
            })
            .collect(),
        dashboard: dashboard_queries()
            .into_iter()
            .map(|(name, kql)| PanelQuery { name, kql })
            .collect(),
    }
}

fn render_kql(c: &KqlCatalog) -> String {
    let mut o = String::new();
    for q in &c.findings {
        o.push_str(&format!(
            "// ---- {} ({})\n{}\n\n",
            q.label,
            q.kind.as_str(),
            q.kql
        ));
    }
    for p in &c.dashboard {
        o.push_str(&format!("// ---- Dashboard: {}\n{}\n\n", p.name, p.kql));
    }
    o
}

/// Findings as readable text, most severe first.
pub fn render_findings(found: &[Finding]) -> String {
    let mut o = String::new();
    if found.is_empty() {
        o.push_str("No findings.\n");
        return o;
    }
    let count = |s: Severity| found.iter().filter(|f| f.severity == s).count();
    o.push_str(&format!(
        "{} findings: {} high, {} medium, {} low, {} info\n",
        found.len(),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Info)
    ));
    for f in found {
        let e = &f.evidence;
        o.push_str(&format!(
            "\n[{}] {}: {}\n",
            f.severity.as_str().to_uppercase(),
            f.kind.as_str(),
            f.title
        ));
        if !e.job_id.is_empty() {
            o.push_str(&format!("  job:      {}\n", e.job_id));
        }
        if let (Some(a), Some(b)) = (&e.first, &e.last) {
            o.push_str(&format!("  window:   {a} – {b}\n"));
        }
        if !e.identities.is_empty() {
            let more = e.identity_total.saturating_sub(e.identities.len() as u64);
            let shown: Vec<&str> = e.identities.iter().take(5).map(String::as_str).collect();
            let rest = more + e.identities.len().saturating_sub(5) as u64;
            o.push_str(&format!(
                "  who:      {}{}\n",
                shown.join(", "),
                if rest > 0 {
                    format!(" and {rest} more")
                } else {
                    String::new()
                }
            ));
        }
        o.push_str(&format!("  events:   {}\n", e.event_total));
        o.push_str(&format!("  action:   {}\n", f.recommended_action));
    }
    o
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn print(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("provlens: cannot write the output: {e}");
        }
    }
}

/// An identity's history as a readable table.
pub fn render_identity(r: &IdentityReport) -> String {
    let mut o = String::new();
    o.push_str(&format!(
        "Identity `{}`: {} events\n",
        r.query,
        r.events.len()
    ));
    if !r.display_names.is_empty() {
        o.push_str(&format!("  names: {}\n", r.display_names.join(", ")));
    }
    if !r.upns.is_empty() {
        o.push_str(&format!("  UPNs:  {}\n", r.upns.join(", ")));
    }
    o.push_str("\nCurrent state per target\n");
    for t in &r.targets {
        o.push_str(&format!(
            "  {:<24} {:<10} {:<8} {}  (job {})\n",
            t.target_system,
            t.last_action,
            t.last_status,
            t.last_time.as_deref().unwrap_or("-"),
            t.job_id
        ));
    }
    o.push_str("\nHistory\n");
    for e in &r.events {
        o.push_str(&format!(
            "  {}  {:<20} {:<10} {:<8} {}\n",
            e.time.as_deref().unwrap_or("-"),
            e.target_system,
            e.action,
            e.status,
            e.error_code
        ));
    }
    if !r.attributes.is_empty() {
        o.push_str("\nAttribute changes\n");
        for (name, steps) in &r.attributes {
            for s in steps {
                o.push_str(&format!(
                    "  {:<24} {}  {} → {}  ({})\n",
                    name,
                    s.time.as_deref().unwrap_or("-"),
                    if s.old.is_empty() { "∅" } else { &s.old },
                    if s.new.is_empty() { "∅" } else { &s.new },
                    s.status
                ));
            }
        }
    }
    o
}

/// Generates, writes the files and the manifest, and prints what was written.
#[allow(clippy::too_many_arguments, reason = "one value per command-line flag")]
fn run_gen(
    format: &str,
    events: u32,
    days: u32,
    seed: u64,
    anomalies: &[String],
    page_size: usize,
    gzip: bool,
    zip: bool,
    out: &std::path::Path,
) -> Result<(), String> {
    let formats: Vec<GenFormat> = if format.eq_ignore_ascii_case("all") {
        GenFormat::ALL.to_vec()
    } else {
        vec![GenFormat::parse(format).ok_or_else(|| {
            let names: Vec<&str> = GenFormat::ALL.iter().map(|f| f.name()).collect();
            format!(
                "unknown format `{format}`; use one of {} or all",
                names.join(", ")
            )
        })?]
    };
    let mut planted = Vec::new();
    for name in anomalies {
        if name.eq_ignore_ascii_case("all") {
            planted.extend(Anomaly::NAMES.iter().filter_map(|n| Anomaly::named(n)));
            continue;
        }
        if name.eq_ignore_ascii_case("lifecycle") {
            planted.extend(
                Anomaly::LIFECYCLE_NAMES
                    .iter()
                    .filter_map(|n| Anomaly::named(n)),
            );
            continue;
        }
        planted.push(Anomaly::named(name).ok_or_else(|| {
            format!(
                "unknown anomaly `{name}`; use one of {}, {}, all or lifecycle",
                Anomaly::NAMES.join(", "),
                Anomaly::LIFECYCLE_NAMES.join(", ")
            )
        })?);
    }
    let config = GenConfig {
        seed,
        events,
        days,
        anomalies: planted,
        ..GenConfig::default()
    };
    let generated = generate(&config);
    let options = WriteOptions {
        page_size,
        wrap: if gzip {
            Wrap::Gzip
        } else if zip {
            Wrap::Zip
        } else {
            Wrap::None
        },
        ..WriteOptions::default()
    };
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut stdout = io::stdout().lock();
    let n = generated.events.len();
    let _ = writeln!(
        stdout,
        "{n} events, seed {seed}, {days} days, {} jobs, {} anomalies planted",
        generated.truth.jobs.len(),
        generated.truth.planted.len()
    );
    for format in formats {
        let files = write_format(format, &generated.events, &options);
        let paged =
            matches!(format, GenFormat::Graph | GenFormat::GraphBeta) && options.wrap != Wrap::Zip;
        for (i, (name, bytes)) in files.iter().enumerate() {
            let path = out.join(name);
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            // Each Graph page holds its share; every other file carries all events.
            let in_file = if paged {
                n.saturating_sub(i * page_size.max(1)).min(page_size.max(1))
            } else {
                n
            };
            let _ = writeln!(
                stdout,
                "  {:<12} {:<40} {:>11} bytes {:>8} events",
                format.name(),
                name,
                bytes.len(),
                in_file
            );
        }
    }
    let manifest = serde_json::to_vec_pretty(&generated.truth).map_err(|e| e.to_string())?;
    let path = out.join("manifest.json");
    std::fs::write(&path, &manifest).map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = writeln!(
        stdout,
        "  {:<12} {:<40} {:>11} bytes",
        "manifest",
        "manifest.json",
        manifest.len()
    );
    Ok(())
}

/// 0 when at least one input was read (even with rejected records), 2 when none could be.
pub fn exit_code(data: &DataSet) -> ExitCode {
    let any_read = data
        .files
        .iter()
        .any(|f| f.refused.is_none() && f.format.is_some() && (f.events + f.duplicates) > 0);
    if any_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_UNREADABLE)
    }
}

/// Reads files from disk in chunks into one data set.
///
/// A second thread reads the files one after another and hashes them (SHA-256, for the audit
/// report) while this one parses: reading and hashing were a sixth of the load time. It does
/// not wait at a file's end, so the next file (a Graph export is many page files) is already
/// being read while the last chunks of this one are parsed. JSON records are decoded on two
/// threads when the machine has two cores ([`Ingest::two_threads`]).
pub fn load(paths: &[PathBuf]) -> DataSet {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut ingest = Ingest::default().hash_files(false).two_threads(cores >= 2);
    std::thread::scope(|scope| {
        let (full_tx, full) = std::sync::mpsc::sync_channel::<FromReader>(CHUNKS_AHEAD);
        let (free, free_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        scope.spawn(move || read_files(paths, &full_tx, &free_rx));
        let mut read = full.iter();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let mut state = ingest.begin(&name, size);
            match read.next() {
                Some(FromReader::Opened) => loop {
                    match read.next() {
                        Some(FromReader::Chunk(chunk)) => {
                            ingest.push(&mut state, &chunk);
                            // The reader has stopped when this fails; the buffer is dropped.
                            let _ = free.send(chunk);
                        }
                        Some(FromReader::Done(Ok(sha256))) => {
                            ingest.set_sha256(&state, sha256);
                            break;
                        }
                        Some(FromReader::Done(Err(e))) => {
                            eprintln!("provlens: {}: read error: {e}", path.display());
                            break;
                        }
                        Some(FromReader::Opened | FromReader::Failed(_)) | None => {
                            eprintln!("provlens: {}: the reading thread failed", path.display());
                            break;
                        }
                    }
                },
                Some(FromReader::Failed(e)) => eprintln!("provlens: {}: {e}", path.display()),
                Some(FromReader::Chunk(_) | FromReader::Done(_)) | None => {
                    eprintln!("provlens: {}: the reading thread failed", path.display());
                }
            }
            ingest.end(state);
        }
    });
    ingest.finish()
}

/// What the reading thread sends, for each file in turn: `Opened`, its chunks and `Done`, or
/// `Failed`.
enum FromReader {
    Opened,
    Chunk(Vec<u8>),
    /// The file's SHA-256 in lowercase hex, or why reading it stopped.
    Done(io::Result<String>),
    /// The file could not be opened.
    Failed(io::Error),
}

/// Chunks read ahead of the parser.
const CHUNKS_AHEAD: usize = 2;

/// Size of one chunk read from disk.
const CHUNK_BYTES: usize = 4 << 20;

/// Reads every file in turn for [`load`], reusing the buffers that come back on `free`.
fn read_files(
    paths: &[PathBuf],
    full: &std::sync::mpsc::SyncSender<FromReader>,
    free: &std::sync::mpsc::Receiver<Vec<u8>>,
) {
    for path in paths {
        let sent = match File::open(path) {
            Ok(file) => {
                full.send(FromReader::Opened).is_ok() && {
                    let hashed = read_and_hash(file, full, free);
                    full.send(FromReader::Done(hashed)).is_ok()
                }
            }
            Err(e) => full.send(FromReader::Failed(e)).is_ok(),
        };
        if !sent {
            // The parser has stopped listening.
            return;
        }
    }
}

/// Reads a file in chunks, sending each to `full` (reusing buffers that come back on `free`),
/// and returns its SHA-256 in lowercase hex.
fn read_and_hash(
    mut file: File,
    full: &std::sync::mpsc::SyncSender<FromReader>,
    free: &std::sync::mpsc::Receiver<Vec<u8>>,
) -> io::Result<String> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::default();
    loop {
        let mut buf = free.try_recv().unwrap_or_default();
        buf.resize(CHUNK_BYTES, 0);
        let n = loop {
            match file.read(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        if n == 0 {
            break;
        }
        buf.truncate(n);
        hasher.update(&buf);
        if full.send(FromReader::Chunk(buf)).is_err() {
            break;
        }
    }
    Ok(crate::core::pseudo::hex(&hasher.finalize()))
}

/// The summary as a readable table.
pub fn render_summary(s: &Summary) -> String {
    let mut o = String::new();
    let line = |o: &mut String, k: &str, v: String| o.push_str(&format!("  {k:<14}{v:>12}\n"));
    o.push_str(&format!(
        "{} events read, {} rejected, {} duplicates merged\n",
        s.events, s.rejected, s.duplicates
    ));
    if let (Some(first), Some(last)) = (&s.time_range.first, &s.time_range.last) {
        o.push_str(&format!("Time range: {first} – {last}\n"));
    }
    o.push_str("\nBy status\n");
    let st = &s.by_status;
    for (k, v) in [
        ("success", st.success),
        ("failure", st.failure),
        ("skipped", st.skipped),
        ("warning", st.warning),
        ("unknown", st.unknown),
    ] {
        line(&mut o, k, v.to_string());
    }
    o.push_str("\nBy action\n");
    let a = &s.by_action;
    for (k, v) in [
        ("create", a.create),
        ("update", a.update),
        ("delete", a.delete),
        ("disable", a.disable),
        ("stagedDelete", a.staged_delete),
        ("other", a.other),
        ("unknown", a.unknown),
    ] {
        line(&mut o, k, v.to_string());
    }
    if !s.jobs.is_empty() {
        o.push_str("\nJobs\n");
        for j in &s.jobs {
            o.push_str(&format!(
                "  {} ({} → {}, {}): {} events, {:.1}% failed, {} cycles\n",
                if j.name.is_empty() {
                    &j.job_id
                } else {
                    &j.name
                },
                j.source,
                j.target,
                j.scenario.label(),
                j.events,
                100.0 * j.failure_rate,
                j.cycles
            ));
        }
    }
    if !s.errors.is_empty() {
        o.push_str("\nTop errors\n");
        for e in s.errors.iter().take(10) {
            o.push_str(&format!(
                "  {:<48} {:>8} events {:>6} identities\n",
                e.code, e.count, e.identities
            ));
        }
    }
    o.push_str("\nFiles\n");
    for f in &s.files {
        let format = f.format.map_or("not an export", |f| f.label());
        // Duplicates only when there are any: records an earlier file already held.
        let duplicates = match f.duplicates {
            0 => String::new(),
            1 => ", 1 duplicate".to_string(),
            n => format!(", {n} duplicates"),
        };
        o.push_str(&format!(
            "  {}  [{}]  {} events{duplicates}, {} rejected\n",
            f.name, format, f.events, f.rejected
        ));
    }
    if !s.reasons.is_empty() {
        o.push_str("\nRejected or noted, by reason\n");
        for r in &s.reasons {
            o.push_str(&format!("  {:>8}  {}\n", r.count, r.reason));
        }
    }
    if !s.issues.is_empty() {
        o.push_str("\nIssues\n");
        for i in s.issues.iter().take(50) {
            o.push_str(&format!("  {} ({}): {}\n", i.file, i.position, i.message));
        }
        if s.issues.len() > 50 {
            o.push_str(&format!(
                "  … and {} more (use --json)\n",
                s.issues.len() - 50
            ));
        }
    }
    o
}

/// Reads `8h`, `90m`, `45s`, `2d` or a bare number of hours.
pub fn parse_duration_ms(text: &str) -> Result<i64, String> {
    let t = text.trim().to_ascii_lowercase();
    let (num, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => t.split_at(i),
        None => (t.as_str(), "h"),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 8h, 90m or 2d"))?;
    let unit_ms = match unit.trim() {
        "ms" => 1.0,
        "s" | "sec" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" | "hr" | "hours" => 3_600_000.0,
        "d" | "day" | "days" => 86_400_000.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}`; use ms, s, m, h or d"
            ))
        }
    };
    if !(n.is_finite() && n >= 0.0) {
        return Err(format!("`{text}` must be a non-negative duration"));
    }
    Ok((n * unit_ms).round() as i64)
}

fn dur(ms: i64) -> String {
    format_duration_ms(ms)
}

fn render_movement(o: &mut String, title: &str, m: &MovementReport, what: &str) {
    o.push_str(&format!(
        "\n{title} — {} {what} followed, SLA {}\n",
        m.followed,
        dur(m.sla_ms)
    ));
    if m.by_system.is_empty() {
        o.push_str("  (none in the data)\n");
        return;
    }
    o.push_str(&format!(
        "  {:<26} {:>6} {:>12} {:>12} {:>12} {:>9} {:>6}\n",
        "system", "done", "median", "p90", "max", "over SLA", "open"
    ));
    for s in &m.by_system {
        o.push_str(&format!(
            "  {:<26} {:>6} {:>12} {:>12} {:>12} {:>9} {:>6}\n",
            s.system,
            s.count,
            dur(s.median_ms),
            dur(s.p90_ms),
            dur(s.max_ms),
            s.over_sla,
            s.open
        ));
    }
    let mut slowest: Vec<&lifecycle::Measure> =
        m.by_system.iter().flat_map(|s| s.slowest.iter()).collect();
    slowest.sort_by(|a, b| (b.latency_ms, a.person).cmp(&(a.latency_ms, b.person)));
    let shown: Vec<_> = slowest
        .iter()
        .filter(|x| x.latency_ms > 0)
        .take(5)
        .collect();
    if !shown.is_empty() {
        o.push_str("  slowest:\n");
        for x in shown {
            let attr = x
                .attribute
                .as_ref()
                .map(|a| format!(" [{a} → {}]", x.value.as_deref().unwrap_or("")))
                .unwrap_or_default();
            o.push_str(&format!(
                "    {:<24} {:<26} {:>12}{attr}\n",
                x.person_name,
                x.system,
                dur(x.latency_ms)
            ));
        }
    }
    let overdue: Vec<_> = m.open.iter().filter(|x| x.latency_ms > m.sla_ms).collect();
    let waiting = m.open.len() - overdue.len();
    if !overdue.is_empty() {
        o.push_str(&format!("  never arrived ({}):\n", overdue.len()));
        for x in overdue.iter().take(10) {
            let attr = x
                .attribute
                .as_ref()
                .map(|a| format!(" [{a} → {}]", x.value.as_deref().unwrap_or("")))
                .unwrap_or_default();
            o.push_str(&format!(
                "    {:<24} {:<26} {:>12} since{attr}\n",
                x.person_name,
                x.system,
                dur(x.latency_ms)
            ));
        }
        if overdue.len() > 10 {
            o.push_str(&format!(
                "    … and {} more (use --json)\n",
                overdue.len() - 10
            ));
        }
    }
    if waiting > 0 {
        o.push_str(&format!(
            "  {waiting} still under way at the end of the data (within the SLA)\n"
        ));
    }
}

/// The lifecycle report as readable tables.
pub fn render_lifecycle(r: &LifecycleReport) -> String {
    let mut o = String::new();
    let links: usize = r.persons.iter().map(|p| p.links.len()).sum();
    o.push_str(&format!(
        "Lifecycle: {} persons, {} cross-job links, {} ambiguous links kept apart; end of data {}\n",
        r.persons.len(),
        links,
        r.ambiguous.len(),
        r.end.as_deref().unwrap_or("-")
    ));
    render_movement(&mut o, "Joiners", &r.joiners, "joiners");
    render_movement(&mut o, "Leavers", &r.leavers, "leavers");
    render_movement(&mut o, "Movers", &r.movers, "attribute changes");
    o.push_str(&format!("\nOrphaned access ({})\n", r.orphans.len()));
    for i in &r.orphans {
        o.push_str(&format!(
            "  [high] {}\n         {}\n",
            i.title, i.explanation
        ));
    }
    if !r.pending_deprovisioning.is_empty() {
        o.push_str(&format!(
            "  {} account(s) of recent leavers not disabled yet (within the leaver SLA)\n",
            r.pending_deprovisioning.len()
        ));
    }
    o.push_str(&format!("\nSLA breaches ({})\n", r.breaches.len()));
    for b in r.breaches.iter().take(30) {
        let sev = match b.severity {
            lifecycle::Severity::High => "high",
            lifecycle::Severity::Medium => "medium",
            lifecycle::Severity::Low => "low",
        };
        o.push_str(&format!("  [{sev}] {}\n", b.title));
    }
    if r.breaches.len() > 30 {
        o.push_str(&format!(
            "  … and {} more (use --json)\n",
            r.breaches.len() - 30
        ));
    }
    if !r.ambiguous.is_empty() {
        o.push_str(&format!(
            "\nAmbiguous links ({}), not merged\n",
            r.ambiguous.len()
        ));
        for a in r.ambiguous.iter().take(10) {
            let who: Vec<String> = a
                .accounts
                .iter()
                .map(|x| format!("{} in {}", x.person_name, x.system))
                .collect();
            o.push_str(&format!(
                "  {} `{}`: {} ({})\n",
                a.key.as_str(),
                a.value,
                a.reason,
                who.join("; ")
            ));
        }
    }
    o
}

/// The swimlanes of the persons matching `query`.
pub fn render_persons(r: &LifecycleReport, query: &str) -> String {
    let mut o = String::new();
    let found = r.find_persons(query);
    if found.is_empty() {
        o.push_str(&format!("No person matches `{query}`.\n"));
    }
    for p in found {
        o.push_str(&format!("\n{} (person {})\n", p.name, p.id));
        if !p.upns.is_empty() {
            o.push_str(&format!("  UPN:       {}\n", p.upns.join(", ")));
        }
        if !p.worker_ids.is_empty() {
            o.push_str(&format!("  worker id: {}\n", p.worker_ids.join(", ")));
        }
        for l in &p.links {
            let side = |i: u32| {
                p.accounts
                    .get(i as usize)
                    .map(|a| format!("{} {}", a.target_system, a.source_id))
                    .unwrap_or_default()
            };
            o.push_str(&format!(
                "  linked by {:<20} {} ⇄ {}\n",
                l.key.as_str(),
                side(l.from),
                side(l.to)
            ));
        }
        for lane in &p.lanes {
            let role = match lane.role {
                LaneRole::Source => "source",
                LaneRole::Target => "target",
            };
            let state = match lane.enabled_at_end {
                Some(true) => "enabled at end",
                Some(false) => "disabled/absent at end",
                None => "state unknown",
            };
            o.push_str(&format!("  ── {} ({role}, {state})\n", lane.system));
            for e in &lane.entries {
                o.push_str(&format!(
                    "     {}  {:<13} {:<8} {}\n",
                    e.time.as_deref().unwrap_or("-"),
                    e.op.as_str(),
                    e.status.as_str(),
                    e.error_code
                ));
            }
        }
        for (title, m) in [
            ("joiner", &r.joiners),
            ("leaver", &r.leavers),
            ("mover", &r.movers),
        ] {
            for x in m
                .completed
                .iter()
                .chain(&m.open)
                .filter(|x| x.person == p.id)
            {
                let attr = x
                    .attribute
                    .as_ref()
                    .map(|a| format!(" {a} → {}", x.value.as_deref().unwrap_or("")))
                    .unwrap_or_default();
                let how = if x.completed() {
                    format!("after {}", dur(x.latency_ms))
                } else {
                    format!("NOT YET, {} since", dur(x.latency_ms))
                };
                o.push_str(&format!("  {title}{attr}: {} {how}\n", x.system));
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::parse_duration_ms;

    #[test]
    fn sla_flags_read_units() {
        assert_eq!(parse_duration_ms("8h"), Ok(8 * 3_600_000));
        assert_eq!(parse_duration_ms("90m"), Ok(90 * 60_000));
        assert_eq!(parse_duration_ms("1.5h"), Ok(5_400_000));
        assert_eq!(parse_duration_ms("2d"), Ok(2 * 86_400_000));
        assert_eq!(parse_duration_ms("3"), Ok(3 * 3_600_000));
        assert!(parse_duration_ms("soon").is_err());
        assert!(parse_duration_ms("5w").is_err());
    }

    #[test]
    fn the_table_says_where_an_overlapping_files_events_went() {
        let graph = include_bytes!(
            "../../tests/fixtures/public/graph_v1.0_list_provisioning_example1_success.json"
        );
        let files = [("a.json", &graph[..]), ("b.json", &graph[..])];
        let data = crate::core::ingest::read_all(files);
        let table = super::render_summary(&crate::core::report::summarize(&data));
        assert!(
            table.contains("a.json  [Graph API JSON]  1 events, 0 rejected"),
            "{table}"
        );
        assert!(
            table.contains("b.json  [Graph API JSON]  0 events, 1 duplicate, 0 rejected"),
            "{table}"
        );
    }
}
