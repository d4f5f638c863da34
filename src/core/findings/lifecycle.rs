//! Orphaned access and lifecycle SLA breaches, from the lifecycle analysis, as findings.
//!
//! The lifecycle analysis chains each person's accounts across jobs. Its orphans (leavers still
//! enabled downstream) become one finding per downstream system (or set of systems), listing
//! the people, so a broken leaver flow into one app reads as one problem with its scale, not
//! hundreds of lines; its SLA breaches map one to one onto findings. `check` and the app list
//! them alongside the other rules.

use crate::core::findings::{
    kql, Evidence, Figure, Finding, FindingKind, FindingsConfig, Severity,
};
use crate::core::lifecycle::{self, IssueKind, LifecycleIssue, LifecycleReport};
use crate::core::model::Store;
use crate::core::vecmap::VecMap;

fn severity(s: lifecycle::Severity) -> Severity {
    match s {
        lifecycle::Severity::High => Severity::High,
        lifecycle::Severity::Medium => Severity::Medium,
        lifecycle::Severity::Low => Severity::Low,
    }
}

/// The figures every lifecycle finding carries: the wait and the SLA in hours, the systems
/// and the kind of lifecycle problem.
fn figures(
    latency_ms: i64,
    sla_ms: i64,
    systems: String,
    kind: IssueKind,
) -> VecMap<String, Figure> {
    let hours = |ms: i64| Figure::Number(ms as f64 / 3_600_000.0);
    let mut figures = VecMap::new();
    figures.insert("latency_h".to_string(), hours(latency_ms));
    figures.insert("sla_h".to_string(), hours(sla_ms));
    figures.insert("systems".to_string(), Figure::Text(systems));
    figures.insert(
        "lifecycle".to_string(),
        Figure::Text(kind.as_str().to_string()),
    );
    figures
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
    let figures = figures(
        issue.latency_ms,
        issue.sla_ms,
        issue.systems.join(", "),
        issue.kind,
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
    let mut out = orphaned_access(store, &report.orphans, config);
    out.extend(
        report
            .breaches
            .iter()
            .map(|issue| finding(store, issue, config)),
    );
    out
}

/// One finding per downstream system (or set of systems) where leavers are still enabled,
/// the most affected first; each person is in one finding, and a lone leaver keeps the
/// finding that names them.
fn orphaned_access(
    store: &Store,
    orphans: &[LifecycleIssue],
    config: &FindingsConfig,
) -> Vec<Finding> {
    let mut by_systems: VecMap<String, Vec<&LifecycleIssue>> = VecMap::new();
    for issue in orphans {
        by_systems.or_default(issue.systems.join(", ")).push(issue);
    }
    let mut groups: Vec<(String, Vec<&LifecycleIssue>)> = by_systems.into_iter().collect();
    crate::core::sort::sort_by(&mut groups, |a, b| {
        b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0))
    });
    groups
        .into_iter()
        .filter_map(|(systems, issues)| match issues.as_slice() {
            [] => None,
            [one] => Some(finding(store, one, config)),
            many => Some(system_finding(store, &systems, many, config)),
        })
        .collect()
}

/// The leavers still enabled in the same systems, as one finding.
fn system_finding(
    store: &Store,
    system: &str,
    issues: &[&LifecycleIssue],
    config: &FindingsConfig,
) -> Finding {
    let n = issues.len();
    let cap = config.evidence_cap as usize;
    let mut times: Vec<(i64, String)> = Vec::new();
    let mut events: Vec<(i64, u32)> = Vec::new();
    for issue in issues {
        // The upstream disable, and the person's last event in each system.
        for ev in &issue.evidence {
            if let Some(e) = store.events.get(ev.event as usize) {
                let t = e.time_ms.unwrap_or(i64::MIN);
                if let Some(text) = &ev.time {
                    times.push((t, text.clone()));
                }
                events.push((t, ev.event));
            }
        }
    }
    crate::core::sort::sort(&mut times);
    crate::core::sort::sort(&mut events);
    events.dedup();
    let longest = issues.iter().map(|i| i.latency_ms).max().unwrap_or(0);
    let sla = issues.first().map_or(0, |i| i.sla_ms);
    let names: Vec<String> = issues.iter().map(|i| i.person_name.clone()).collect();
    let shown = names.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    let more = if n > 5 {
        format!(" and {} more", n - 5)
    } else {
        String::new()
    };
    let mut figures = figures(longest, sla, system.to_string(), IssueKind::OrphanedAccess);
    figures.insert("leavers".to_string(), Figure::Number(n as f64));
    let kept: Vec<u32> = events.iter().take(cap).map(|&(_, i)| i).collect();
    Finding {
        kind: FindingKind::OrphanedAccess,
        severity: Severity::High,
        title: format!("Orphaned access: {n} leavers still enabled in {system}"),
        explanation: format!(
            "{n} people were disabled upstream, but their accounts in {system} were never \
             disabled or deleted: {shown}{more}. The longest has waited {}; the leaver SLA is \
             {}. Several leavers in one system point at that system's job (scoping, \
             assignment, or disables it does not process) rather than at each person.",
            crate::core::time::format_duration_ms(longest),
            crate::core::time::format_duration_ms(sla),
        ),
        evidence: Evidence {
            first: times.first().map(|(_, t)| t.clone()),
            last: times.last().map(|(_, t)| t.clone()),
            first_ms: times.first().map(|(t, _)| *t),
            job_id: String::new(),
            identities: names.iter().take(cap).cloned().collect(),
            identity_total: n as u64,
            count: n as u64,
            event_total: events.len() as u64,
            event_ids: kept
                .iter()
                .filter_map(|&i| store.events.get(i as usize))
                .map(|e| store.str(e.id).to_string())
                .collect(),
            event_indices: kept,
            figures,
        },
        recommended_action: format!(
            "Disable these accounts in {system} now; then find why deprovisioning does not \
             reach it: the job's scoping and assignments, failed or missing disable events in \
             its log, and whether it processes disables at all."
        ),
        kql: kql::for_kind(FindingKind::OrphanedAccess, config, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::lifecycle::Evidence as Step;

    fn orphan(person: u32, name: &str, systems: &[&str]) -> LifecycleIssue {
        LifecycleIssue {
            kind: IssueKind::OrphanedAccess,
            severity: lifecycle::Severity::High,
            title: format!("Orphaned access: {name}"),
            explanation: String::new(),
            evidence: vec![Step {
                event: person,
                time: None,
                system: "Workday".into(),
                note: "disabled upstream".into(),
            }],
            recommended_action: String::new(),
            person,
            person_name: name.into(),
            systems: systems.iter().map(|s| s.to_string()).collect(),
            latency_ms: i64::from(person) * 3_600_000,
            sla_ms: 3_600_000,
        }
    }

    #[test]
    fn leavers_still_enabled_in_the_same_systems_are_one_finding() {
        let orphans = vec![
            orphan(1, "Ana Perez", &["Dropbox"]),
            orphan(2, "Zoe Olsen", &["Salesforce"]),
            orphan(3, "Liam Novak", &["Dropbox"]),
            orphan(4, "Ivy Jensen", &["Dropbox"]),
        ];
        let config = FindingsConfig::default();
        let found = orphaned_access(&Store::default(), &orphans, &config);
        assert_eq!(found.len(), 2);
        let dropbox = &found[0];
        assert_eq!(
            dropbox.title,
            "Orphaned access: 3 leavers still enabled in Dropbox"
        );
        assert_eq!(dropbox.evidence.count, 3);
        assert_eq!(dropbox.evidence.identity_total, 3);
        assert_eq!(
            dropbox.evidence.identities,
            vec!["Ana Perez", "Liam Novak", "Ivy Jensen"]
        );
        assert!(dropbox
            .explanation
            .contains("Ana Perez, Liam Novak, Ivy Jensen"));
        // The longest wait is the fourth person's: four hours.
        assert_eq!(
            dropbox.evidence.figures.get("latency_h"),
            Some(&Figure::Number(4.0))
        );
        // A lone leaver keeps the finding that names them.
        assert_eq!(found[1].title, "Orphaned access: Zoe Olsen");
        assert_eq!(found[1].evidence.identities, vec!["Zoe Olsen"]);
        assert!(found
            .iter()
            .all(|f| f.kind == FindingKind::OrphanedAccess && f.severity == Severity::High));
    }
}
