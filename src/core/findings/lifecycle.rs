//! Orphaned access and lifecycle SLA breaches, from the lifecycle analysis, as findings.
//!
//! The lifecycle analysis chains each person's accounts across jobs; its orphans (leavers still
//! enabled downstream) and SLA breaches map one to one onto findings here, so `check` and the
//! app list them alongside the other rules.

use crate::core::findings::{
    kql, Evidence, Figure, Finding, FindingKind, FindingsConfig, Severity,
};
use crate::core::lifecycle::{self, IssueKind, LifecycleIssue, LifecycleReport};
use crate::core::model::Store;

fn severity(s: lifecycle::Severity) -> Severity {
    match s {
        lifecycle::Severity::High => Severity::High,
        lifecycle::Severity::Medium => Severity::Medium,
        lifecycle::Severity::Low => Severity::Low,
    }
}

fn finding(store: &Store, issue: &LifecycleIssue, config: &FindingsConfig) -> Finding {
    let kind = match issue.kind {
        IssueKind::OrphanedAccess => FindingKind::OrphanedAccess,
        IssueKind::JoinerSla | IssueKind::LeaverSla | IssueKind::MoverSla => {
            FindingKind::LifecycleSla
        }
    };
    let mut times: Vec<(i64, String)> = Vec::new();
    let cap = config.evidence_cap as usize;
    let mut event_ids = Vec::new();
    let mut event_indices = Vec::new();
    for ev in &issue.evidence {
        if let Some(e) = store.events.get(ev.event as usize) {
            if let Some(t) = e.time_ms {
                times.push((t, ev.time.clone().unwrap_or_default()));
            }
            if event_indices.len() < cap {
                event_indices.push(ev.event);
                event_ids.push(store.str(e.id).to_string());
            }
        }
    }
    crate::core::sort::sort(&mut times);
    let mut figures = std::collections::BTreeMap::new();
    figures.insert(
        "latency_h".to_string(),
        Figure::Number(issue.latency_ms as f64 / 3_600_000.0),
    );
    figures.insert(
        "sla_h".to_string(),
        Figure::Number(issue.sla_ms as f64 / 3_600_000.0),
    );
    figures.insert(
        "systems".to_string(),
        Figure::Text(issue.systems.join(", ")),
    );
    figures.insert(
        "lifecycle".to_string(),
        Figure::Text(issue.kind.as_str().to_string()),
    );
    Finding {
        kind,
        severity: severity(issue.severity),
        title: issue.title.clone(),
        explanation: issue.explanation.clone(),
        evidence: Evidence {
            first: times.first().map(|(_, t)| t.clone()),
            last: times.last().map(|(_, t)| t.clone()),
            first_ms: times.first().map(|(t, _)| *t),
            job_id: String::new(),
            identities: vec![issue.person_name.clone()],
            identity_total: 1,
            count: issue.systems.len() as u64,
            event_total: issue.evidence.len() as u64,
            event_ids,
            event_indices,
            figures,
        },
        recommended_action: issue.recommended_action.clone(),
        kql: kql::for_kind(kind, config, None),
    }
}

/// Orphaned access and SLA breaches of a lifecycle report (made with `config.lifecycle`) as
/// findings.
pub fn check(store: &Store, report: &LifecycleReport, config: &FindingsConfig) -> Vec<Finding> {
    report
        .orphans
        .iter()
        .chain(&report.breaches)
        .map(|issue| finding(store, issue, config))
        .collect()
}
