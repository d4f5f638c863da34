//! Mass deprovisioning: deletes and disables (and staged deletes) per cycle, against the job's
//! own baseline and against an accidental-deletion threshold ("this cycle would have tripped a
//! threshold of 500").

use crate::core::findings::context::{thousands, Context};
use crate::core::findings::stats::median;
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::model::{Action, Status};

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        // Per cycle: deletes, disables and staged deletes that were attempted (skips are not).
        let per_cycle: Vec<[Vec<u32>; 3]> = job
            .cycles
            .iter()
            .map(|c| {
                let mut v: [Vec<u32>; 3] = Default::default();
                for (i, e) in ctx.events(&c.events) {
                    let slot = match e.action {
                        Action::Delete => 0,
                        Action::Disable => 1,
                        Action::StagedDelete => 2,
                        _ => continue,
                    };
                    if e.status == Status::Skipped && slot != 2 {
                        continue;
                    }
                    if let Some(s) = v.get_mut(slot) {
                        s.push(i);
                    }
                }
                v
            })
            .collect();
        let totals: Vec<f64> = per_cycle
            .iter()
            .map(|[d, x, s]| (d.len() + x.len() + s.len()) as f64)
            .collect();
        let baseline = median(&totals);
        let enough_history = job.cycles.len() >= cfg.baseline_min_cycles as usize;
        for ((cycle, [deletes, disables, staged]), total) in
            job.cycles.iter().zip(&per_cycle).zip(&totals)
        {
            let total_n = *total as u64;
            if total_n == 0 {
                continue;
            }
            let trips = total_n >= u64::from(cfg.deletion_threshold);
            let above_baseline = enough_history
                && total_n >= u64::from(cfg.mass_deprovision_min)
                && *total >= cfg.mass_deprovision_multiple * baseline.max(1.0);
            let held = !staged.is_empty();
            if !(trips || above_baseline || held) {
                continue;
            }
            let mut parts = Vec::new();
            if !disables.is_empty() {
                parts.push(format!("{} disables", thousands(disables.len() as u64)));
            }
            if !deletes.is_empty() {
                parts.push(format!("{} deletes", thousands(deletes.len() as u64)));
            }
            if held {
                parts.push(format!("{} staged deletes", thousands(staged.len() as u64)));
            }
            let parts = parts.join(", ");
            let title = if held && !trips {
                format!(
                    "{} deletions held back in one {} cycle ({parts}): the accidental-deletion \
                     threshold was reached",
                    thousands(staged.len() as u64),
                    job.label
                )
            } else if trips {
                format!(
                    "Mass deprovisioning in {}: this cycle would have tripped a threshold of {} ({parts})",
                    job.label,
                    thousands(u64::from(cfg.deletion_threshold))
                )
            } else {
                format!(
                    "Mass deprovisioning in {}: {} in one cycle, usually {}",
                    job.label, parts, baseline
                )
            };
            let mut explanation = format!(
                "Cycle {} of {} deleted or disabled {} objects ({parts}); the job's median is {} \
                 per cycle over {} cycles. The accidental-deletion setting counts deletes and \
                 disables together, per cycle, against its threshold ({} here). A sudden wave of \
                 deprovisioning usually means a scoping filter, group assignment or source \
                 attribute changed, not that that many people left.",
                cycle.id,
                job.label,
                total_n,
                baseline,
                job.cycles.len(),
                cfg.deletion_threshold
            );
            if held {
                explanation.push_str(
                    " StagedDelete events are deletions the service held back because the \
                     threshold was exceeded: the job is quarantined until an administrator allows \
                     the deletes or fixes the cause and restarts the job.",
                );
            }
            let mut ev = ctx.evidence(&job.id);
            ev.events(deletes)
                .events(disables)
                .events(staged)
                .count(total_n)
                .figure("deletes", deletes.len())
                .figure("disables", disables.len())
                .figure("staged_deletes", staged.len())
                .figure("baseline_median", baseline)
                .figure("threshold", u64::from(cfg.deletion_threshold))
                .figure("cycle_id", cycle.id.clone());
            out.push(Finding {
                kind: FindingKind::MassDeprovisioning,
                severity: if trips || held {
                    Severity::High
                } else {
                    Severity::Medium
                },
                title,
                explanation,
                evidence: ev.build(),
                recommended_action: "Check what changed before this cycle: scoping filters, \
                     assignments to the application, the source attribute that drives \
                     disablement. If the deletions are wrong, fix the cause before allowing \
                     anything; turn on Prevent accidental deletions (Provisioning → Settings) with \
                     a threshold that fits this job. If they are expected, approve them with \
                     Allow deletes."
                    .to_string(),
                kql: kql::for_kind(FindingKind::MassDeprovisioning, cfg, Some(&job.id)),
            });
        }
    }
    out
}
