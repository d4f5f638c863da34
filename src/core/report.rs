//! The summary of a loaded data set, as the CLI prints it (`provlens summary --json`) and as the
//! worker sends it to the page. Field names are the CLI's stable contract.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::core::analyze::overview::{overview, ErrorReport, JobReport};
use crate::core::analyze::totals::{ActionCounts, StatusCounts, TimeRange};
use crate::core::findings::{findings, Finding, FindingKind, FindingsConfig, Severity};
use crate::core::ingest::{DataSet, Issue};
use crate::core::sniff::Format;

/// One input file as the summary reports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub name: String,
    /// The detected format; `null` when the file was refused.
    pub format: Option<Format>,
    pub size_bytes: u64,
    pub events: u64,
    pub rejected: u64,
    pub duplicates: u64,
    /// SHA-256 of the file's bytes, lowercase hex (see `FileInfo::sha256`).
    #[serde(default)]
    pub sha256: String,
    /// Why the whole file was refused, when it was.
    #[serde(skip_serializing_if = "crate::core::wire::omit_none", default)]
    pub refused: Option<String>,
}

/// A reason and how many issues it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: u64,
}

/// The data set's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub version: String,
    /// Events after de-duplication.
    pub events: u64,
    pub duplicates: u64,
    pub rejected: u64,
    pub issues: Vec<Issue>,
    /// Every issue counted by reason (exact even where `issues` is capped).
    pub reasons: Vec<ReasonCount>,
    pub by_status: StatusCounts,
    pub by_action: ActionCounts,
    pub time_range: TimeRange,
    pub files: Vec<FileSummary>,
    /// Successes among successes, failures and warnings, in percent.
    pub success_rate: Option<f64>,
    /// Distinct identities (source object id, else reportable id, UPN or name).
    pub identities: u64,
    /// Events by lowercased identity type.
    pub identity_types: BTreeMap<String, u64>,
    /// Events by scenario (`hr_inbound`, `cloud_sync`, `app_provisioning`, `cross_tenant`).
    pub scenarios: BTreeMap<String, u64>,
    /// One entry per job, most events first.
    pub jobs: Vec<JobReport>,
    /// One entry per error code, most frequent first.
    pub errors: Vec<ErrorReport>,
    /// What the findings engine reports, most severe first.
    pub findings: Vec<FindingSummary>,
}

/// One finding as the summary reports it (the full finding has explanation, action and KQL).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingSummary {
    pub kind: FindingKind,
    pub severity: Severity,
    pub title: String,
    pub job_id: String,
    /// Capped list; `identity_total` is exact.
    pub identities: Vec<String>,
    pub identity_total: u64,
    pub first: Option<String>,
    pub last: Option<String>,
    pub count: u64,
    /// Activity ids, capped; `event_total` is exact.
    pub event_ids: Vec<String>,
    pub event_total: u64,
}

impl From<&Finding> for FindingSummary {
    fn from(f: &Finding) -> Self {
        let e = &f.evidence;
        FindingSummary {
            kind: f.kind,
            severity: f.severity,
            title: f.title.clone(),
            job_id: e.job_id.clone(),
            identities: e.identities.clone(),
            identity_total: e.identity_total,
            first: e.first.clone(),
            last: e.last.clone(),
            count: e.count,
            event_ids: e.event_ids.clone(),
            event_total: e.event_total,
        }
    }
}

/// Summarizes a data set, with findings under the default thresholds.
pub fn summarize(data: &DataSet) -> Summary {
    summarize_with(data, &FindingsConfig::default())
}

/// Summarizes a data set, with findings under the given thresholds.
pub fn summarize_with(data: &DataSet, config: &FindingsConfig) -> Summary {
    let mut s = summarize_totals(data);
    s.findings = findings(&data.store, config)
        .iter()
        .map(FindingSummary::from)
        .collect();
    s
}

/// Summarizes a data set without running the findings rules (`findings` stays empty): what the
/// page needs the moment a load ends; its findings view asks for them separately.
pub fn summarize_totals(data: &DataSet) -> Summary {
    let o = overview(&data.store, None);
    let t = o.totals;
    let mut reasons: Vec<ReasonCount> = data
        .reasons
        .iter()
        .map(|(reason, &count)| ReasonCount {
            reason: reason.clone(),
            count,
        })
        .collect();
    crate::core::sort::sort_by(&mut reasons, |a, b| {
        b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason))
    });
    Summary {
        version: crate::VERSION.to_string(),
        events: t.events,
        duplicates: data.duplicates,
        rejected: data.rejected,
        issues: data.issues.clone(),
        reasons,
        by_status: t.by_status,
        by_action: t.by_action,
        time_range: t.time_range,
        files: data
            .files
            .iter()
            .map(|f| FileSummary {
                name: f.name.clone(),
                format: f.format,
                size_bytes: f.size_bytes,
                events: f.events,
                rejected: f.rejected,
                duplicates: f.duplicates,
                sha256: f.sha256.clone(),
                refused: f.refused.clone(),
            })
            .collect(),
        success_rate: o.success_rate,
        identities: o.identities,
        identity_types: o.identity_types,
        scenarios: o.scenarios,
        jobs: o
            .jobs
            .into_iter()
            .map(|mut j| {
                // The per-cycle list belongs to the jobs view, not to the summary.
                j.cycle_list.clear();
                j.top_attributes.clear();
                j
            })
            .collect(),
        errors: o.errors,
        findings: Vec::new(),
    }
}
