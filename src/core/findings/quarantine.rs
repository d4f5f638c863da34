//! Quarantine risk: per job, failures and their share against the escrow rules (evaluated from
//! 5,000 failures; quarantine above 40 % or 40,000, reference failures excluded from both; a
//! hard cap of 60,000 including them).

use crate::core::findings::context::{thousands, Context};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::model::{Event, Status, StepType};

/// A failure caused by an unresolved reference (group member, manager): excluded from the 40 %
/// and 40,000 rules.
pub fn is_reference_failure(ctx: &Context<'_>, e: &Event) -> bool {
    const MARK: &str = "unabletoresolvereferenceattributevalue";
    let steps = ctx.store.steps_of(e);
    steps
        .iter()
        .any(|s| s.kind == StepType::ReferenceResolution && s.status == Status::Failure)
        || ctx.str(e.error_code).to_ascii_lowercase().contains(MARK)
        || ctx.str(e.error_reason).to_ascii_lowercase().contains(MARK)
        || steps
            .iter()
            .any(|s| ctx.str(s.description).to_ascii_lowercase().contains(MARK))
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        let mut failures = Vec::new();
        let mut reference = 0u64;
        for (i, e) in ctx.events(&job.events) {
            if e.status == Status::Failure {
                failures.push(i);
                if is_reference_failure(ctx, e) {
                    reference += 1;
                }
            }
        }
        let total = job.events.len() as u64;
        let all_failures = failures.len() as u64;
        let counted = all_failures - reference;
        if total == 0 || counted == 0 {
            continue;
        }
        let share = 100.0 * counted as f64 / total as f64;
        let evaluated = counted >= u64::from(cfg.quarantine_min_failures);
        let over_share = share > cfg.quarantine_percent;
        let over_max = counted > u64::from(cfg.quarantine_max_failures);
        let over_cap = all_failures > u64::from(cfg.quarantine_absolute_max);
        let watch = over_share && counted >= u64::from(cfg.quarantine_watch_min_failures);
        let (severity, title) = if (evaluated && over_share) || over_max || over_cap {
            let rule = if over_cap {
                format!(
                    "{} failures including references, above the {} cap",
                    thousands(all_failures),
                    thousands(u64::from(cfg.quarantine_absolute_max))
                )
            } else if over_max {
                format!(
                    "{} failures, above {}",
                    thousands(counted),
                    thousands(u64::from(cfg.quarantine_max_failures))
                )
            } else {
                format!(
                    "{:.0} % of events failed with {} failures (quarantine above {:.0} % once {} fail)",
                    share,
                    thousands(counted),
                    cfg.quarantine_percent,
                    thousands(u64::from(cfg.quarantine_min_failures))
                )
            };
            (
                Severity::High,
                format!("{} meets the quarantine rules: {rule}", job.label),
            )
        } else if watch {
            (
                Severity::Medium,
                format!(
                    "{} is heading for quarantine: {:.0} % of events failed ({} failures; evaluated from {})",
                    job.label,
                    share,
                    thousands(counted),
                    thousands(u64::from(cfg.quarantine_min_failures))
                ),
            )
        } else {
            continue;
        };
        let mut ev = ctx.evidence(&job.id);
        for &i in &failures {
            ev.event_only(i);
        }
        ev.count(counted)
            .figure("events", total)
            .figure("failures", all_failures)
            .figure("reference_failures", reference)
            .figure("counted_failures", counted)
            .figure("failure_percent", share)
            .figure("threshold_percent", cfg.quarantine_percent)
            .figure(
                "evaluation_min_failures",
                u64::from(cfg.quarantine_min_failures),
            )
            .figure("max_failures", u64::from(cfg.quarantine_max_failures))
            .figure(
                "absolute_max_failures",
                u64::from(cfg.quarantine_absolute_max),
            );
        let explanation = format!(
            "In this export {} logged {} events, {} of them failures ({} caused by unresolved \
             references, which the 40 % and 40,000 rules leave out). The service escrows failed \
             objects; once a job holds {} failures it is quarantined when more than {:.0} % of \
             events fail or more than {} failures are escrowed, and always above {} including \
             reference failures (reason EncounteredEscrowProportionThreshold). A quarantined job \
             runs only once a day and is disabled after four weeks. The export's failure events \
             approximate the service's escrow count: retries of one object count more than once \
             here.",
            job.label,
            thousands(total),
            thousands(all_failures),
            thousands(reference),
            thousands(u64::from(cfg.quarantine_min_failures)),
            cfg.quarantine_percent,
            thousands(u64::from(cfg.quarantine_max_failures)),
            thousands(u64::from(cfg.quarantine_absolute_max)),
        );
        out.push(Finding {
            kind: FindingKind::QuarantineRisk,
            severity,
            title,
            explanation,
            evidence: ev.build(),
            recommended_action: "Check the job's status on the Provisioning page and the \
                 Audit logs (activity \"Quarantine\"). Fix the top errors first (see the error \
                 templates), then restart the job with the option to clear the quarantine and \
                 escrows."
                .to_string(),
            kql: kql::for_kind(FindingKind::QuarantineRisk, cfg, Some(&job.id)),
        });
    }
    out
}
