//! Findings: what breaks silently in provisioning, found in an export. Stopped jobs, failure
//! spikes, mass deprovisioning, failed onboarding, leavers whose disable never went through,
//! persistent failures, flapping attributes, quarantine risk, skipped-event noise and error
//! templates.
//!
//! The engine is pure: "now" is the end of the data, never the clock. Every threshold lives in
//! [`FindingsConfig`]. Each rule sits in its own file and returns [`Finding`] values carrying
//! their evidence, a recommended action from the knowledge base, and a KQL query that finds the
//! same thing in Log Analytics ([`kql`]). [`findings`] sorts them deterministically.

mod context;
mod deprovision;
mod flapping;
pub mod kql;
mod leavers;
mod lifecycle;
mod onboarding;
mod persistent;
mod quarantine;
mod silent;
pub mod skipped;
mod spike;
mod stats;
pub mod templates;

use serde::{Deserialize, Serialize};

use crate::core::kb;
use crate::core::lifecycle::LifecycleConfig;
use crate::core::model::Store;
use crate::core::vecmap::VecMap;

pub use context::Context;

/// Every threshold any rule uses, with documented defaults. Serialized field names are the
/// CLI flags' and the app URL's names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FindingsConfig {
    /// Lifecycle SLAs (joiner, leaver, mover) and the attributes movers are followed by; see
    /// `core::lifecycle`. Orphaned access and SLA breaches are reported as findings.
    pub lifecycle: LifecycleConfig,
    /// Silent job: a silence counts when it is longer than this multiple of the job's typical
    /// interval between cycle starts (default 4).
    pub silent_gap_multiple: f64,
    /// Silent job: and longer than this many minutes in any case (default 480). Cycles without
    /// changes log nothing, so a quiet job logs nothing for hours on a weekend or a night; eight
    /// hours without a single change is no longer a quiet spell.
    pub silent_min_gap_min: u32,
    /// Silent job: cycles needed before a job's cadence is trusted (default 4).
    pub silent_min_cycles: u32,
    /// Events of a job without cycle ids are split into cycles at pauses longer than this many
    /// minutes (default 10).
    pub cycle_split_gap_min: u32,
    /// Cycles a job needs before its own baseline (median and MAD) is used (default 5).
    pub baseline_min_cycles: u32,
    /// Failure spike: robust z-score, (failures − median) / (1.4826 × MAD), at or above which a
    /// cycle is a spike (default 5). The scale never drops below one failure.
    pub spike_z: f64,
    /// Failure spike: fewest failures in a cycle to report it (default 10).
    pub spike_min_failures: u32,
    /// Failure spike: the cycle's failure share must also reach this multiple of the job's
    /// median share (default 2), so a long initial cycle with the usual share is not a spike.
    pub spike_share_factor: f64,
    /// Failure spike: and at least this share of the cycle's events (default 0.10).
    pub spike_min_share: f64,
    /// Accidental-deletion threshold to test each cycle against: deletes plus disables per cycle
    /// (default 500, the service's default).
    pub deletion_threshold: u32,
    /// Mass deprovisioning: a cycle with this multiple of the job's median deprovisioning count
    /// (default 5)…
    pub mass_deprovision_multiple: f64,
    /// …and at least this many deletes and disables is reported (default 20).
    pub mass_deprovision_min: u32,
    /// Persistent failures: the same identity failing in this many consecutive cycles in which
    /// it was processed (default 3).
    pub persistent_cycles: u32,
    /// Attribute flapping: returns to an earlier value (A → B → A → B → A is three) needed to
    /// report (default 3; one person moving and moving back is two).
    pub flap_min_flips: u32,
    /// Attribute flapping: an attribute of one identity rewritten with changing values in this
    /// many consecutive cycles of the job is reported even without returning to an old value
    /// (default 5).
    pub flap_rewrite_cycles: u32,
    /// Quarantine: escrow evaluation starts at this many failures (default 5,000).
    pub quarantine_min_failures: u32,
    /// Quarantine: share of failed events, in percent, above which a job is quarantined once
    /// evaluated (default 40).
    pub quarantine_percent: f64,
    /// Quarantine: failures (reference failures excluded) above which a job is quarantined
    /// whatever the share (default 40,000).
    pub quarantine_max_failures: u32,
    /// Quarantine: failures including reference failures above which a job is quarantined
    /// (default 60,000).
    pub quarantine_absolute_max: u32,
    /// Quarantine: a job failing above the share with at least this many failures is reported
    /// as heading for quarantine (default 50).
    pub quarantine_watch_min_failures: u32,
    /// Skipped noise: the last part of each job's time span compared with the rest
    /// (default 0.25: the last quarter).
    pub skip_recent_fraction: f64,
    /// Skipped noise: an unexpected class's share of events must grow by this factor
    /// (default 3)…
    pub skip_rise_factor: f64,
    /// …and count at least this many events in the last part (default 10).
    pub skip_rise_min: u32,
    /// Error templates: fewest failures sharing a template to report it (default 2).
    pub template_min_count: u32,
    /// Error templates: most templates reported (default 20).
    pub template_max: u32,
    /// Most identities and event ids listed in one finding's evidence (default 50; totals stay
    /// exact).
    pub evidence_cap: u32,
}

impl Default for FindingsConfig {
    fn default() -> Self {
        FindingsConfig {
            silent_gap_multiple: 4.0,
            silent_min_gap_min: 480,
            silent_min_cycles: 4,
            cycle_split_gap_min: 10,
            baseline_min_cycles: 5,
            spike_z: 5.0,
            spike_min_failures: 10,
            spike_share_factor: 2.0,
            spike_min_share: 0.10,
            deletion_threshold: kb::ACCIDENTAL_DELETION_DEFAULT_THRESHOLD,
            mass_deprovision_multiple: 5.0,
            mass_deprovision_min: 20,
            persistent_cycles: 3,
            flap_min_flips: 3,
            flap_rewrite_cycles: 5,
            quarantine_min_failures: kb::ESCROW_EVALUATION_MIN_FAILURES,
            quarantine_percent: f64::from(kb::ESCROW_QUARANTINE_FAILED_PERCENT),
            quarantine_max_failures: kb::ESCROW_QUARANTINE_MAX_FAILURES,
            quarantine_absolute_max: kb::ESCROW_ABSOLUTE_MAX_FAILURES,
            quarantine_watch_min_failures: 50,
            skip_recent_fraction: 0.25,
            skip_rise_factor: 3.0,
            skip_rise_min: 10,
            template_min_count: 2,
            template_max: 20,
            evidence_cap: 50,
            lifecycle: LifecycleConfig::default(),
        }
    }
}

/// How urgent a finding is. Ordered: `Info < Low < Medium < High`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    /// Reads `high`, `medium`, `low` or `info` (any case).
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// The rule that produced a finding.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    #[default]
    SilentJob,
    FailureSpike,
    MassDeprovisioning,
    FailedOnboarding,
    FailedDeprovisioning,
    PersistentFailure,
    AttributeFlapping,
    QuarantineRisk,
    SkippedNoise,
    ErrorTemplate,
    /// A leaver disabled upstream whose downstream account stays enabled (lifecycle analysis).
    OrphanedAccess,
    /// A joiner, leaver or mover change that reached a downstream system later than its SLA.
    LifecycleSla,
}

impl FindingKind {
    pub const ALL: [FindingKind; 12] = [
        FindingKind::SilentJob,
        FindingKind::FailureSpike,
        FindingKind::MassDeprovisioning,
        FindingKind::FailedOnboarding,
        FindingKind::FailedDeprovisioning,
        FindingKind::PersistentFailure,
        FindingKind::AttributeFlapping,
        FindingKind::QuarantineRisk,
        FindingKind::SkippedNoise,
        FindingKind::ErrorTemplate,
        FindingKind::OrphanedAccess,
        FindingKind::LifecycleSla,
    ];

    /// The name used in JSON, CLI output and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SilentJob => "silent_job",
            FindingKind::FailureSpike => "failure_spike",
            FindingKind::MassDeprovisioning => "mass_deprovisioning",
            FindingKind::FailedOnboarding => "failed_onboarding",
            FindingKind::FailedDeprovisioning => "failed_deprovisioning",
            FindingKind::PersistentFailure => "persistent_failure",
            FindingKind::AttributeFlapping => "attribute_flapping",
            FindingKind::QuarantineRisk => "quarantine_risk",
            FindingKind::SkippedNoise => "skipped_noise",
            FindingKind::ErrorTemplate => "error_template",
            FindingKind::OrphanedAccess => "orphaned_access",
            FindingKind::LifecycleSla => "lifecycle_sla",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingKind::SilentJob => "Silent job",
            FindingKind::FailureSpike => "Failure spike",
            FindingKind::MassDeprovisioning => "Mass deprovisioning",
            FindingKind::FailedOnboarding => "Failed onboarding",
            FindingKind::FailedDeprovisioning => "Failed deprovisioning (dormant-account risk)",
            FindingKind::PersistentFailure => "Persistent failures",
            FindingKind::AttributeFlapping => "Attribute flapping",
            FindingKind::QuarantineRisk => "Quarantine risk",
            FindingKind::SkippedNoise => "Skipped-event classes",
            FindingKind::ErrorTemplate => "Error templates",
            FindingKind::OrphanedAccess => "Orphaned access",
            FindingKind::LifecycleSla => "Lifecycle SLA breaches",
        }
    }

    /// The most severe finding this rule can produce (what an alert rule is raised at).
    pub fn max_severity(self) -> Severity {
        match self {
            FindingKind::SilentJob
            | FindingKind::FailureSpike
            | FindingKind::MassDeprovisioning
            | FindingKind::FailedDeprovisioning
            | FindingKind::QuarantineRisk
            | FindingKind::OrphanedAccess
            | FindingKind::LifecycleSla => Severity::High,
            FindingKind::FailedOnboarding
            | FindingKind::PersistentFailure
            | FindingKind::AttributeFlapping
            | FindingKind::SkippedNoise => Severity::Medium,
            FindingKind::ErrorTemplate => Severity::Info,
        }
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        FindingKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// A number or a text in a finding's figures. In JSON it is the bare number or string; in the
/// binary encoding of the worker's answers (`core::wire`, which cannot tell a number from a
/// string by looking) it is a tagged enum.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    Number(f64),
    Text(String),
}

impl Figure {
    /// The figure as a reader sees it in the findings view and the audit report: a label from
    /// its key (`typical_interval_ms` → "Typical interval", `sla_h` → "SLA") and its value in the key's unit
    /// (`_ms` and `_h` as durations, `_share` as a percentage of 1, `_percent` as a
    /// percentage; counts as whole numbers, other numbers to two decimals).
    pub fn display(&self, key: &str) -> (String, String) {
        let (stem, unit) = ["_ms", "_h", "_share", "_percent"]
            .into_iter()
            .find_map(|u| key.strip_suffix(u).map(|stem| (stem, u)))
            .unwrap_or((key, ""));
        let mut words: Vec<&str> = stem
            .split('_')
            .map(|w| match w {
                "sla" => "SLA",
                "id" => "ID",
                w => w,
            })
            .collect();
        if unit == "_share" {
            words.push("share");
        }
        // Keys are ASCII snake case (ASCII case mapping also keeps the Unicode tables out of
        // the wasm).
        let mut label = words.join(" ");
        if let Some(first) = label.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let value = match (self, unit) {
            (Figure::Text(t), _) => t.clone(),
            (Figure::Number(n), "_ms") => crate::core::time::format_duration_ms(*n as i64),
            (Figure::Number(n), "_h") => {
                crate::core::time::format_duration_ms((n * 3_600_000.0) as i64)
            }
            (Figure::Number(n), "_share") => percent(n * 100.0),
            (Figure::Number(n), "_percent") => percent(*n),
            (Figure::Number(n), _) if n.fract() == 0.0 => format!("{n:.0}"),
            (Figure::Number(n), _) => format!("{n:.2}"),
        };
        (label, value)
    }
}

/// `12.5 %`, `40 %`: one decimal unless the percentage is whole.
fn percent(p: f64) -> String {
    if p.fract() == 0.0 {
        format!("{p:.0} %")
    } else {
        format!("{p:.1} %")
    }
}

/// `Figure` with its variant written out, for encodings that are not human-readable (written
/// by `Figure::serialize` with the same variant names and indices).
#[derive(Deserialize)]
#[serde(rename = "Figure")]
enum TaggedFigure {
    Number(f64),
    Text(String),
}

impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (self, serializer.is_human_readable()) {
            (Figure::Number(v), true) => serializer.serialize_f64(*v),
            (Figure::Text(v), true) => serializer.serialize_str(v),
            (Figure::Number(v), false) => {
                serializer.serialize_newtype_variant("Figure", 0, "Number", v)
            }
            (Figure::Text(v), false) => {
                serializer.serialize_newtype_variant("Figure", 1, "Text", v)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if !deserializer.is_human_readable() {
            return Ok(match TaggedFigure::deserialize(deserializer)? {
                TaggedFigure::Number(v) => Figure::Number(v),
                TaggedFigure::Text(v) => Figure::Text(v),
            });
        }
        struct Untagged;
        impl serde::de::Visitor<'_> for Untagged {
            type Value = Figure;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Figure, E> {
                Ok(Figure::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Figure, E> {
                Ok(Figure::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Figure, E> {
                Ok(Figure::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Figure, E> {
                Ok(Figure::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Figure, E> {
                Ok(Figure::Text(v))
            }
        }
        deserializer.deserialize_any(Untagged)
    }
}

impl From<f64> for Figure {
    fn from(v: f64) -> Self {
        Figure::Number(v)
    }
}

impl From<u64> for Figure {
    fn from(v: u64) -> Self {
        Figure::Number(v as f64)
    }
}

impl From<usize> for Figure {
    fn from(v: usize) -> Self {
        Figure::Number(v as f64)
    }
}

impl From<i64> for Figure {
    fn from(v: i64) -> Self {
        Figure::Number(v as f64)
    }
}

impl From<&str> for Figure {
    fn from(v: &str) -> Self {
        Figure::Text(v.to_string())
    }
}

impl From<String> for Figure {
    fn from(v: String) -> Self {
        Figure::Text(v)
    }
}

/// What a finding rests on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Start of the time window, ISO 8601 UTC.
    pub first: Option<String>,
    /// End of the time window, ISO 8601 UTC.
    pub last: Option<String>,
    #[serde(skip)]
    pub first_ms: Option<i64>,
    /// The job's id (or its application's name when the export has no job ids); empty when the
    /// finding spans jobs.
    pub job_id: String,
    /// Identities concerned, as `Name (upn)` or their id; capped (see `identity_total`).
    pub identities: Vec<String>,
    pub identity_total: u64,
    /// The count the title states (failures, deletes, events, …).
    pub count: u64,
    /// Activity ids of the events behind the finding, in time order; capped.
    pub event_ids: Vec<String>,
    /// Their positions in the loaded data set, for the explorer filter; capped like `event_ids`.
    pub event_indices: Vec<u32>,
    pub event_total: u64,
    /// Named figures: baselines, thresholds, shares, error codes.
    pub figures: VecMap<String, Figure>,
}

/// One finding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// One concrete line.
    pub title: String,
    /// What happened and why it matters, in plain words.
    pub explanation: String,
    pub evidence: Evidence,
    pub recommended_action: String,
    /// A query over `AADProvisioningLogs` that finds the same thing in Log Analytics.
    pub kql: String,
}

/// Runs every rule over the whole store and returns the findings, most severe first.
pub fn findings(store: &Store, config: &FindingsConfig) -> Vec<Finding> {
    let report = crate::core::lifecycle::analyze(store, &config.lifecycle);
    findings_with_lifecycle(store, config, &report)
}

/// Like [`findings`], with the lifecycle analysis already made (with `config.lifecycle`): the
/// app's lifecycle view and its findings then read the same report.
pub fn findings_with_lifecycle(
    store: &Store,
    config: &FindingsConfig,
    lifecycle_report: &crate::core::lifecycle::LifecycleReport,
) -> Vec<Finding> {
    let ctx = Context::new(store, config);
    let mut out = Vec::new();
    out.extend(silent::check(&ctx));
    out.extend(spike::check(&ctx));
    out.extend(deprovision::check(&ctx));
    out.extend(onboarding::check(&ctx));
    out.extend(leavers::check(&ctx));
    out.extend(persistent::check(&ctx));
    out.extend(flapping::check(&ctx));
    out.extend(quarantine::check(&ctx));
    out.extend(skipped::check(&ctx));
    out.extend(templates::check(&ctx));
    out.extend(lifecycle::check(store, lifecycle_report, config));
    sort(&mut out);
    out
}

/// Sorts findings: severity (most severe first), then kind, job, start of the window, title.
pub fn sort(findings: &mut [Finding]) {
    crate::core::sort::sort_by(findings, |a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.evidence.job_id.cmp(&b.evidence.job_id))
            .then(a.evidence.first_ms.cmp(&b.evidence.first_ms))
            .then_with(|| a.title.cmp(&b.title))
    });
}

/// True when any finding is at or above `level`.
pub fn any_at_or_above(findings: &[Finding], level: Severity) -> bool {
    findings.iter().any(|f| f.severity >= level)
}

#[cfg(test)]
mod tests {
    use super::Figure;

    #[test]
    fn figures_read_in_their_units() {
        let n = Figure::Number;
        for (key, figure, label, value) in [
            (
                "typical_interval_ms",
                n(2_400_000.0),
                "Typical interval",
                "40 min",
            ),
            ("latency_h", n(46.67), "Latency", "1 d 22 h"),
            ("sla_h", n(1.0), "SLA", "1 h"),
            ("late_share", n(0.125), "Late share", "12.5 %"),
            ("failure_percent", n(59.0), "Failure", "59 %"),
            ("flips", n(4.0), "Flips", "4"),
            ("robust_z", n(7.256), "Robust z", "7.26"),
            (
                "error_code",
                Figure::Text("TooManyRequests".into()),
                "Error code",
                "TooManyRequests",
            ),
        ] {
            assert_eq!(
                figure.display(key),
                (label.to_string(), value.to_string()),
                "{key}"
            );
        }
    }
}
