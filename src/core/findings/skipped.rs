//! Skipped-event noise: classify skipped events from their steps (out of scope, not assigned,
//! scoping filter failed and on which clause, missing matching attribute, attribute validation
//! failed, already in sync), report the classes per job, and flag an unexpected class that rises
//! in the last part of the data.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::findings::context::{thousands, Context};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::model::{Event, Status, StepType, Store};
use crate::core::vecmap::VecMap;

/// Why an event was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipClass {
    OutOfScope,
    NotAssigned,
    ScopingFilterFailed,
    MissingMatchingAttribute,
    AttributeValidationFailed,
    AlreadyInSync,
    Other,
}

impl SkipClass {
    pub const ALL: [SkipClass; 7] = [
        SkipClass::OutOfScope,
        SkipClass::NotAssigned,
        SkipClass::ScopingFilterFailed,
        SkipClass::MissingMatchingAttribute,
        SkipClass::AttributeValidationFailed,
        SkipClass::AlreadyInSync,
        SkipClass::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SkipClass::OutOfScope => "out_of_scope",
            SkipClass::NotAssigned => "not_assigned",
            SkipClass::ScopingFilterFailed => "scoping_filter_failed",
            SkipClass::MissingMatchingAttribute => "missing_matching_attribute",
            SkipClass::AttributeValidationFailed => "attribute_validation_failed",
            SkipClass::AlreadyInSync => "already_in_sync",
            SkipClass::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SkipClass::OutOfScope => "out of scope",
            SkipClass::NotAssigned => "not assigned",
            SkipClass::ScopingFilterFailed => "scoping filter failed",
            SkipClass::MissingMatchingAttribute => "missing matching attribute",
            SkipClass::AttributeValidationFailed => "attribute validation failed",
            SkipClass::AlreadyInSync => "already in sync",
            SkipClass::Other => "other",
        }
    }

    /// Skips that are the normal background of a job ("sync all" scope, filters doing their
    /// work, nothing to change). The others point at data or configuration problems.
    pub fn is_expected(self) -> bool {
        matches!(
            self,
            SkipClass::OutOfScope
                | SkipClass::NotAssigned
                | SkipClass::ScopingFilterFailed
                | SkipClass::AlreadyInSync
        )
    }
}

/// Scoping-step detail keys the service writes with a True/False value.
const ASSIGNED_KEYS: [&str; 2] = ["Assigned to the application", "User has the required role"];
const ACTIVE_KEY: &str = "Active in the source system";
const FILTER_KEY: &str = "Scoping filter evaluation passed";

/// Classifies a skipped event; the text is the failing scoping clause or the skip detail
/// (the property that failed validation), when the log names one.
pub fn classify(store: &Store, e: &Event) -> (SkipClass, Option<String>) {
    let steps = store.steps_of(e);
    // An explicit SkipReason wins.
    for step in steps {
        let details = store.details_of(step);
        let property = details
            .iter()
            .find(|(k, _)| store.str(*k).eq_ignore_ascii_case("PropertyName"))
            .map(|(_, v)| store.str(*v).to_string());
        for &(k, v) in details {
            if !store.str(k).eq_ignore_ascii_case("SkipReason") {
                continue;
            }
            let reason = store.str(v).to_ascii_lowercase();
            let class = if reason.contains("attributevalidation") {
                SkipClass::AttributeValidationFailed
            } else if reason.contains("matching") || reason.contains("anchor") {
                SkipClass::MissingMatchingAttribute
            } else if reason.contains("entitled") || reason.contains("assign") {
                SkipClass::NotAssigned
            } else if reason.contains("scope") {
                SkipClass::OutOfScope
            } else if reason.contains("nochange")
                || reason.contains("insync")
                || reason.contains("uptodate")
                || reason.contains("redundant")
            {
                SkipClass::AlreadyInSync
            } else {
                continue;
            };
            return (class, property.clone().filter(|p| !p.is_empty()));
        }
    }
    if store
        .str(e.error_code)
        .eq_ignore_ascii_case("ImportSkipped")
    {
        return (SkipClass::MissingMatchingAttribute, None);
    }
    // Scoping details: which check came out False.
    let mut not_active = false;
    let mut not_assigned = false;
    let mut filter_failed = false;
    let mut clauses: Vec<String> = Vec::new();
    for step in steps {
        let scoping = step.kind == StepType::Scoping
            || store
                .str(step.name)
                .to_ascii_lowercase()
                .contains("scoping");
        if !scoping {
            continue;
        }
        for &(k, v) in store.details_of(step) {
            if !store.str(v).trim().eq_ignore_ascii_case("false") {
                continue;
            }
            let key = store.str(k).trim();
            if ASSIGNED_KEYS.iter().any(|a| key.eq_ignore_ascii_case(a)) {
                not_assigned = true;
            } else if key.eq_ignore_ascii_case(ACTIVE_KEY) {
                not_active = true;
            } else if key.eq_ignore_ascii_case(FILTER_KEY) {
                filter_failed = true;
            } else {
                filter_failed = true;
                clauses.push(key.to_string());
            }
        }
    }
    if not_assigned {
        return (SkipClass::NotAssigned, None);
    }
    if filter_failed {
        crate::core::sort::sort(&mut clauses);
        clauses.dedup();
        let clause = (!clauses.is_empty()).then(|| clauses.join(" AND "));
        return (SkipClass::ScopingFilterFailed, clause);
    }
    if not_active {
        return (SkipClass::OutOfScope, None);
    }
    // Finally the words of the reason and step descriptions.
    let mut text = store.str(e.error_reason).to_ascii_lowercase();
    for step in steps {
        text.push(' ');
        text.push_str(&store.str(step.description).to_ascii_lowercase());
    }
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let class = if has(&["missing or invalid", "attributevalidationfailed"]) {
        SkipClass::AttributeValidationFailed
    } else if has(&[
        "matching attribute",
        "matching property",
        "joining property",
    ]) {
        SkipClass::MissingMatchingAttribute
    } else if has(&["not effectively entitled", "not assigned"]) {
        SkipClass::NotAssigned
    } else if has(&["scoping filter"]) {
        SkipClass::ScopingFilterFailed
    } else if has(&[
        "out of scope",
        "not in scope",
        "outside of scope",
        "not in the scope",
    ]) {
        SkipClass::OutOfScope
    } else if has(&[
        "already",
        "no change",
        "up to date",
        "in sync",
        "nothing to",
        "not required",
    ]) {
        SkipClass::AlreadyInSync
    } else {
        SkipClass::Other
    };
    (class, None)
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        let (Some(start), Some(end)) = (
            job.cycles.first().map(|c| c.start_ms),
            job.cycles.last().map(|c| c.end_ms),
        ) else {
            continue;
        };
        let cut = end - ((end - start) as f64 * cfg.skip_recent_fraction.clamp(0.0, 1.0)) as i64;
        let mut by_class: VecMap<SkipClass, Vec<u32>> = VecMap::new();
        let mut clauses: BTreeMap<String, u64> = BTreeMap::new();
        // Events (all statuses) and skips per class, before and after the cut.
        let (mut early_events, mut late_events) = (0u64, 0u64);
        let mut early: VecMap<SkipClass, u64> = VecMap::new();
        let mut late: VecMap<SkipClass, Vec<u32>> = VecMap::new();
        for (i, e) in ctx.events(&job.events) {
            let is_late = e.time_ms.unwrap_or(start) > cut;
            if is_late {
                late_events += 1;
            } else {
                early_events += 1;
            }
            if e.status != Status::Skipped {
                continue;
            }
            let (class, detail) = classify(ctx.store, e);
            by_class.or_default(class).push(i);
            if let (SkipClass::ScopingFilterFailed, Some(c)) = (class, detail) {
                *clauses.entry(c).or_insert(0) += 1;
            }
            if is_late {
                late.or_default(class).push(i);
            } else {
                *early.or_default(class) += 1;
            }
        }
        if by_class.is_empty() {
            continue;
        }
        let skipped: u64 = by_class.values().map(|v| v.len() as u64).sum();
        let mut ranked: Vec<(SkipClass, u64)> =
            by_class.iter().map(|(c, v)| (*c, v.len() as u64)).collect();
        crate::core::sort::sort_by(&mut ranked, |a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let listing: Vec<String> = ranked
            .iter()
            .map(|(c, n)| format!("{} {}", thousands(*n), c.label()))
            .collect();
        let mut ev = ctx.evidence(&job.id);
        for v in by_class.values() {
            for &i in v {
                ev.event_only(i);
            }
        }
        ev.count(skipped);
        for (c, n) in &ranked {
            ev.figure(c.as_str(), *n);
        }
        for (clause, n) in &clauses {
            ev.figure(&format!("clause: {clause}"), *n);
        }
        let clause_text = if clauses.is_empty() {
            String::new()
        } else {
            let mut v: Vec<(&String, &u64)> = clauses.iter().collect();
            crate::core::sort::sort_by(&mut v, |a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            format!(
                " Failing scoping clauses: {}.",
                v.iter()
                    .map(|(c, n)| format!("{c} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push(Finding {
            kind: FindingKind::SkippedNoise,
            severity: Severity::Info,
            title: format!(
                "{} skipped events in {}: {}",
                thousands(skipped),
                job.label,
                listing.join(", ")
            ),
            explanation: format!(
                "Skipped events are mostly background: objects out of scope or not assigned are \
                 logged every cycle in \"sync all\" scope, and objects already in sync need no \
                 call. Missing matching attributes and failed attribute validation are data \
                 problems that keep an identity from being provisioned.{clause_text}"
            ),
            evidence: ev.build(),
            recommended_action: "Nothing to do for expected classes. To cut the noise, scope the \
                 job to assigned users and groups; fix the source values behind validation and \
                 matching skips."
                .to_string(),
            kql: kql::for_kind(FindingKind::SkippedNoise, cfg, Some(&job.id)),
        });
        // A rise of an unexpected class in the last part of the data.
        if early_events == 0 || late_events == 0 {
            continue;
        }
        for (class, events) in &late {
            if class.is_expected() || events.len() < cfg.skip_rise_min as usize {
                continue;
            }
            let before = early.get(class).copied().unwrap_or(0);
            let early_share = before as f64 / early_events as f64;
            let late_share = events.len() as f64 / late_events as f64;
            if late_share < cfg.skip_rise_factor * early_share {
                continue;
            }
            let mut ev = ctx.evidence(&job.id);
            ev.events(events)
                .count(events.len() as u64)
                .figure("class", class.as_str())
                .figure("late_count", events.len())
                .figure("early_count", before)
                .figure("late_share", late_share)
                .figure("early_share", early_share)
                .figure("cut", crate::core::time::format_iso(cut));
            out.push(Finding {
                kind: FindingKind::SkippedNoise,
                severity: Severity::Medium,
                title: format!(
                    "\"{}\" skips rose in {}: {} in the last {:.0} % of the time ({:.1} % of events, before {:.1} %)",
                    class.label(),
                    job.label,
                    thousands(events.len() as u64),
                    cfg.skip_recent_fraction * 100.0,
                    late_share * 100.0,
                    early_share * 100.0
                ),
                explanation: format!(
                    "Since {} a growing share of {}'s events is skipped as \"{}\". Unlike \
                     out-of-scope skips, this class means identities that should be provisioned \
                     are not: a source attribute stopped being populated, a mapping changed, or \
                     the matching attribute is missing.",
                    crate::core::time::format_iso(cut),
                    job.label,
                    class.label()
                ),
                evidence: ev.build(),
                recommended_action: "Open a few of these skipped events, read the skip step's \
                     details (SkipReason, PropertyName) and fix the source value or the \
                     mapping; then provision one identity on demand."
                    .to_string(),
                kql: kql::for_kind(FindingKind::SkippedNoise, cfg, Some(&job.id)),
            });
        }
    }
    out
}
