//! Failed onboarding: identities whose create failed and never succeeded later in the data. The
//! person has no account in the target: a joiner who cannot work, or an account created by hand
//! that drifts from the source.

use std::collections::{BTreeMap, HashMap};

use crate::core::findings::context::{plural, thousands, Context, EvidenceBuilder, Job};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::kb;
use crate::core::model::{Action, Event, Status, Sym};
use crate::core::time::format_duration_ms;
use crate::core::vecmap::VecMap;

/// One identity whose failures of some kind were never followed by a success.
pub struct Unresolved {
    pub identity: Sym,
    /// Failed events, in time order.
    pub failures: Vec<u32>,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The most frequent error of the failures.
    pub error: String,
    /// Every failure is one the service retries on its own (throttling, timeouts).
    pub transient: bool,
}

/// Identities of a job with a failed `wanted` action and no later success of a `resolves`
/// action, ordered by identity.
/// What both unresolved-failure rules (onboarding, deprovisioning) report for one group of
/// identities failing with one error: the evidence with every failed event, the number of
/// attempts, and how long the oldest has been failing up to `end`.
pub fn group_evidence<'c, 'a>(
    ctx: &'c Context<'a>,
    job: &Job,
    error: &str,
    group: &[Unresolved],
    end: i64,
) -> (EvidenceBuilder<'c, 'a>, u64, i64) {
    let attempts: u64 = group.iter().map(|u| u.failures.len() as u64).sum();
    let longest = group
        .iter()
        .map(|u| end - u.first_ms)
        .max()
        .unwrap_or(0)
        .max(0);
    let mut ev = ctx.evidence(&job.id);
    for u in group {
        ev.events(&u.failures);
    }
    ev.count(group.len() as u64)
        .figure("identities", group.len())
        .figure("attempts", attempts)
        .figure("error", error.to_string())
        .figure("longest_unresolved_ms", longest);
    (ev, attempts, longest)
}

pub fn unresolved(
    ctx: &Context<'_>,
    job: &Job,
    wanted: impl Fn(Action) -> bool,
    resolves: impl Fn(Action) -> bool,
) -> Vec<Unresolved> {
    // Per identity, the failures since its last resolving success.
    let mut open: HashMap<Sym, Vec<u32>> = HashMap::new();
    for (i, e) in ctx.events(&job.events) {
        let who = ctx.identity(e);
        if who.is_empty() {
            continue;
        }
        if e.status == Status::Success && resolves(e.action) {
            open.remove(&who);
        } else if e.status == Status::Failure && wanted(e.action) {
            open.entry(who).or_default().push(i);
        }
    }
    let mut out: Vec<Unresolved> = open
        .into_iter()
        .map(|(identity, failures)| {
            let times: Vec<i64> = ctx
                .events(&failures)
                .filter_map(|(_, e)| e.time_ms)
                .collect();
            let mut codes: BTreeMap<String, u64> = BTreeMap::new();
            let mut transient = true;
            for (_, e) in ctx.events(&failures) {
                *codes.entry(ctx.error_label(e)).or_insert(0) += 1;
                transient &= ctx
                    .kb_entry(e)
                    .is_some_and(|k| matches!(k.retries, kb::Retry::Automatic { .. }));
            }
            let error = codes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            Unresolved {
                identity,
                first_ms: times.iter().copied().min().unwrap_or(0),
                last_ms: times.iter().copied().max().unwrap_or(0),
                failures,
                error,
                transient,
            }
        })
        .collect();
    crate::core::sort::sort_by(&mut out, |a, b| {
        a.first_ms
            .cmp(&b.first_ms)
            .then_with(|| ctx.str(a.identity).cmp(ctx.str(b.identity)))
    });
    out
}

/// Groups unresolved identities by their dominant error, in a stable order.
pub fn by_error(list: Vec<Unresolved>) -> VecMap<String, Vec<Unresolved>> {
    let mut groups: VecMap<String, Vec<Unresolved>> = VecMap::new();
    for u in list {
        groups.or_default(u.error.clone()).push(u);
    }
    groups
}

/// One line per identity for explanations: `Name (upn): 4 attempts over 2 d 3 h`.
pub fn describe(ctx: &Context<'_>, list: &[Unresolved], max: usize) -> String {
    let mut lines: Vec<String> = list
        .iter()
        .take(max)
        .map(|u| {
            let who = u
                .failures
                .first()
                .and_then(|&i| ctx.event(i))
                .map(|e: &Event| ctx.identity_label(e))
                .unwrap_or_default();
            format!(
                "{who}: {} over {}",
                plural(u.failures.len() as u64, "attempt", "attempts"),
                format_duration_ms(u.last_ms - u.first_ms)
            )
        })
        .collect();
    if list.len() > max {
        lines.push(format!("… and {} more", list.len() - max));
    }
    lines.join("; ")
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let end = ctx.data_end_ms.unwrap_or(0);
    for job in &ctx.jobs {
        let list = unresolved(
            ctx,
            job,
            |a| a == Action::Create,
            |a| matches!(a, Action::Create | Action::Update),
        );
        for (error, group) in by_error(list) {
            let (mut ev, attempts, longest) = group_evidence(ctx, job, &error, &group, end);
            let n = group.len() as u64;
            let title = format!(
                "{} never created in {}: {} ({} failed attempts, oldest {} ago)",
                plural(n, "identity", "identities"),
                job.label,
                error,
                thousands(attempts),
                format_duration_ms(longest)
            );
            let explanation = format!(
                "Creating these identities in {} failed with {} and no later create or update \
                 succeeded before the end of the data: {}. Until the cause is fixed the service \
                 keeps retrying on its escrow schedule (6 h, 12 h, then daily for {} days) and \
                 the people have no account in the target.",
                job.label,
                error,
                describe(ctx, &group, 5),
                kb::ESCROW_RETRY_WINDOW_DAYS
            );
            let fix = ctx.fix_for_code(&error).unwrap_or(
                "Open one failed event, read its error and steps, fix the source value or the \
                 mapping, then provision the identity on demand to confirm.",
            );
            out.push(Finding {
                kind: FindingKind::FailedOnboarding,
                severity: Severity::Medium,
                title,
                explanation,
                evidence: ev.build(),
                recommended_action: format!(
                    "{fix} Use Provision on demand for one identity to confirm the fix."
                ),
                kql: kql::for_kind(FindingKind::FailedOnboarding, ctx.config, Some(&job.id)),
            });
        }
    }
    out
}
