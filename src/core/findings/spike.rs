//! Failure spike: a cycle with far more failures than the job's own baseline (median and MAD of
//! failures per cycle), naming the dominant error. Credential failures are called out: they are
//! what puts a job in quarantine.

use std::collections::BTreeMap;

use crate::core::findings::context::{thousands, Context};
use crate::core::findings::stats::{median, robust_z};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::kb;
use crate::core::model::Status;

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        if job.cycles.len() < cfg.baseline_min_cycles as usize {
            continue;
        }
        let failures: Vec<Vec<u32>> = job
            .cycles
            .iter()
            .map(|c| {
                ctx.events(&c.events)
                    .filter(|(_, e)| e.status == Status::Failure)
                    .map(|(i, _)| i)
                    .collect()
            })
            .collect();
        let counts: Vec<f64> = failures.iter().map(|f| f.len() as f64).collect();
        let shares: Vec<f64> = job
            .cycles
            .iter()
            .zip(&counts)
            .map(|(c, n)| n / (c.events.len().max(1) as f64))
            .collect();
        let median_failures = median(&counts);
        let median_share = median(&shares);
        for ((cycle, failed), share) in job.cycles.iter().zip(&failures).zip(&shares) {
            let n = failed.len() as f64;
            let z = robust_z(n, &counts, 1.0);
            let share_floor = (median_share * cfg.spike_share_factor).max(cfg.spike_min_share);
            if failed.len() < cfg.spike_min_failures as usize || z < cfg.spike_z {
                continue;
            }
            if *share < share_floor {
                continue;
            }
            let mut by_code: BTreeMap<String, u64> = BTreeMap::new();
            let mut credential = 0u64;
            for (_, e) in ctx.events(failed) {
                *by_code.entry(ctx.error_label(e)).or_insert(0) += 1;
                if ctx.is_credential_failure(e) {
                    credential += 1;
                }
            }
            let (code, code_count) = by_code
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(c, n)| (c.clone(), *n))
                .unwrap_or_default();
            let is_credential = credential * 2 >= failed.len() as u64;
            let mut ev = ctx.evidence(&job.id);
            ev.events(failed)
                .count(failed.len() as u64)
                .figure("failures", failed.len())
                .figure("cycle_events", cycle.events.len())
                .figure("failure_share", *share)
                .figure("baseline_median_failures", median_failures)
                .figure("baseline_median_share", median_share)
                .figure("robust_z", z)
                .figure("dominant_error", code.clone())
                .figure("dominant_error_count", code_count)
                .figure("credential_failures", credential)
                .figure("cycle_id", cycle.id.clone());
            let title = format!(
                "{} failures in one {} cycle (usual {}); mostly {}{}",
                thousands(failed.len() as u64),
                job.label,
                median_failures,
                code,
                if is_credential {
                    ", a credential error: quarantine precursor"
                } else {
                    ""
                }
            );
            let mut explanation = format!(
                "Cycle {} of {} had {} failures out of {} events ({:.0} %), against a median of \
                 {} failures per cycle over the job's {} cycles (robust z-score {:.1}). The most \
                 frequent error is {} ({} times).",
                cycle.id,
                job.label,
                failed.len(),
                cycle.events.len(),
                share * 100.0,
                median_failures,
                job.cycles.len(),
                z,
                code,
                code_count
            );
            if is_credential {
                explanation.push_str(&format!(
                    " Credential failures (401, Unauthorized, InvalidCredential, \
                     ExpiredCredentials) make most calls to the target fail: the service puts \
                     such a job in quarantine, after which it runs only every {} hours and is \
                     disabled after {} days.",
                    kb::QUARANTINE_CYCLE_INTERVAL_HOURS,
                    kb::QUARANTINE_DISABLE_AFTER_DAYS
                ));
            }
            let fix = ctx.fix_for_code(&code).unwrap_or(
                "Open the failed events of this cycle, fix the cause of the dominant error, and \
                 watch the next cycle.",
            );
            let recommended_action = if is_credential {
                format!(
                    "Renew or re-enter the credentials on the Provisioning page (Test Connection), \
                     then restart the job. {fix}"
                )
            } else {
                fix.to_string()
            };
            out.push(Finding {
                kind: FindingKind::FailureSpike,
                severity: if is_credential {
                    Severity::High
                } else {
                    Severity::Medium
                },
                title,
                explanation,
                evidence: ev.build(),
                recommended_action,
                kql: kql::for_kind(FindingKind::FailureSpike, cfg, Some(&job.id)),
            });
        }
    }
    out
}
