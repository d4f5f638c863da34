//! Failed deprovisioning, the dormant-account risk: a disable or delete that failed and never
//! succeeded afterwards. The leaver may still be able to sign in to the target.

use crate::core::findings::context::{plural, thousands, Context};
use crate::core::findings::onboarding::{by_error, describe, group_evidence, unresolved};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::model::Action;
use crate::core::time::format_duration_ms;

fn deprovisions(a: Action) -> bool {
    matches!(a, Action::Disable | Action::Delete)
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let end = ctx.data_end_ms.unwrap_or(0);
    for job in &ctx.jobs {
        let list = unresolved(ctx, job, deprovisions, deprovisions);
        for (error, group) in by_error(list) {
            let (mut ev, attempts, longest) = group_evidence(ctx, job, &error, &group, end);
            // A single transient failure is retried by the service within the hour; anything
            // else leaves an account that should be gone.
            let pending_retry = group.iter().all(|u| u.transient && u.failures.len() == 1);
            let title = format!(
                "{} still active in {}: disable/delete failed with {} ({} attempts, oldest {} ago)",
                plural(group.len() as u64, "leaver", "leavers"),
                job.label,
                error,
                thousands(attempts),
                format_duration_ms(longest)
            );
            let explanation = format!(
                "Disabling or deleting these identities in {} failed with {} and no later disable \
                 or delete succeeded before the end of the data: {}. Their accounts in the target \
                 are probably still enabled — dormant accounts of people who should no longer \
                 have access.",
                job.label,
                error,
                describe(ctx, &group, 5)
            );
            let fix = ctx.fix_for_code(&error).unwrap_or(
                "Read the error of one failed event and fix the permission or the target-side \
                 state that blocks it.",
            );
            out.push(Finding {
                kind: FindingKind::FailedDeprovisioning,
                severity: if pending_retry {
                    Severity::Medium
                } else {
                    Severity::High
                },
                title,
                explanation,
                evidence: ev.build(),
                recommended_action: format!(
                    "Disable these accounts in the target by hand now, then fix the cause: {fix} \
                     Confirm with Provision on demand."
                ),
                kql: kql::for_kind(FindingKind::FailedDeprovisioning, ctx.config, Some(&job.id)),
            });
        }
    }
    out
}
