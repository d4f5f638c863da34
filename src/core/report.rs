//! The summary of a loaded data set, as the CLI prints it (`provlens summary --json`) and as the
//! worker sends it to the page. Field names are the CLI's stable contract.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::core::analyze::overview::{overview, ErrorReport, JobReport};
use crate::core::analyze::totals::{ActionCounts, StatusCounts, TimeRange};
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
    #[serde(skip_serializing_if = "Option::is_none", default)]
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
}

/// Summarizes a data set.
pub fn summarize(data: &DataSet) -> Summary {
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
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
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
    }
}
