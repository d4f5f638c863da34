//! Silent job: provisioning that stops is the failure nobody sees. Each job's cadence is learnt
//! from its own cycle starts; silences far beyond it, inside the data or up to its end, are
//! reported.

use crate::core::findings::context::{Context, Job};
use crate::core::findings::stats::median;
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::kb;
use crate::core::time::format_duration_ms;

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(data_end) = ctx.data_end_ms else {
        return out;
    };
    for job in &ctx.jobs {
        if job.cycles.len() < ctx.config.silent_min_cycles.max(2) as usize {
            continue;
        }
        let gaps: Vec<f64> = job
            .cycles
            .windows(2)
            .map(|w| (w[1].start_ms - w[0].start_ms) as f64)
            .collect();
        let typical = median(&gaps) as i64;
        if typical <= 0 {
            continue;
        }
        let limit = ((typical as f64 * ctx.config.silent_gap_multiple) as i64)
            .max(i64::from(ctx.config.silent_min_gap_min) * 60_000);
        // The job's long quiet stretches (beyond the limit): the rhythm a silence is compared with.
        let quiet: Vec<(i64, i64)> = job
            .cycles
            .windows(2)
            .map(|w| (w[0].end_ms, w[1].start_ms))
            .filter(|(a, b)| b - a > limit)
            .collect();
        let first_start = job.cycles.first().map_or(data_end, |c| c.start_ms);
        for (n, w) in job.cycles.windows(2).enumerate() {
            let (before, after) = (&w[0], &w[1]);
            let silence = after.start_ms - before.end_ms;
            if silence > limit
                && !recurs_daily(&quiet, before.end_ms, after.start_ms, first_start, data_end)
            {
                out.push(finding(ctx, job, typical, limit, n, Some(n + 1), silence));
            }
        }
        let last_end = job.cycles.last().map_or(data_end, |c| c.end_ms);
        let silence = data_end - last_end;
        if silence > limit && !recurs_daily(&quiet, last_end, data_end, first_start, data_end) {
            let n = job.cycles.len() - 1;
            out.push(finding(ctx, job, typical, limit, n, None, silence));
        }
    }
    out
}

const DAY_MS: i64 = 86_400_000;

/// Whether the job is just as quiet at the same time of day on most other days of the data (at
/// least two): logs record changes only, so nights leave regular gaps that are the job's rhythm,
/// not a stop. "Just as quiet" means a long quiet stretch at least 60 % as long, overlapping the
/// same hours by half of the shorter of the two.
fn recurs_daily(quiet: &[(i64, i64)], from: i64, to: i64, data_start: i64, data_end: i64) -> bool {
    let span = (to - from).max(1);
    let (mut days, mut other_days) = (0, 0);
    for k in -14i64..=14 {
        if k == 0 {
            continue;
        }
        let (a, b) = (from + k * DAY_MS, to + k * DAY_MS);
        if a < data_start || b > data_end {
            continue;
        }
        other_days += 1;
        // A long quiet stretch of similar length around the same hours that day.
        let alike = quiet.iter().any(|&(qa, qb)| {
            let len = qb - qa;
            let overlap = qb.min(b) - qa.max(a);
            len * 10 >= span * 6 && overlap * 2 >= len.min(span)
        });
        if alike {
            days += 1;
        }
    }
    days >= 2 && days * 2 >= other_days
}

fn finding(
    ctx: &Context<'_>,
    job: &Job,
    typical_ms: i64,
    limit_ms: i64,
    before: usize,
    after: Option<usize>,
    silence_ms: i64,
) -> Finding {
    let prev = job.cycles.get(before);
    let next = after.and_then(|a| job.cycles.get(a));
    let mut ev = ctx.evidence(&job.id);
    if let Some(&i) = prev.and_then(|c| c.events.last()) {
        ev.event_only(i);
    }
    if let Some(&i) = next.and_then(|c| c.events.first()) {
        ev.event_only(i);
    }
    if next.is_none() {
        if let Some(end) = ctx.data_end_ms {
            ev.window(end);
        }
    }
    ev.count((silence_ms / 60_000).max(0) as u64)
        .figure("silence_ms", silence_ms)
        .figure("typical_interval_ms", typical_ms)
        .figure("limit_ms", limit_ms)
        .figure("cycles", job.cycles.len())
        .figure("gap_multiple", silence_ms as f64 / typical_ms as f64);
    if let Some(c) = prev {
        ev.figure("last_cycle_before", c.id.clone());
    }
    if let Some(c) = next {
        ev.figure("first_cycle_after", c.id.clone());
    }
    let stopped = next.is_none();
    let (title, severity) = if stopped {
        (
            format!(
                "No events from {} for the last {} of the data; typical interval {}",
                job.label,
                format_duration_ms(silence_ms),
                format_duration_ms(typical_ms)
            ),
            Severity::High,
        )
    } else {
        (
            format!(
                "No events from {} for {}; typical interval {}",
                job.label,
                format_duration_ms(silence_ms),
                format_duration_ms(typical_ms)
            ),
            Severity::Medium,
        )
    };
    let explanation = format!(
        "The job {} ran a cycle about every {} ({} cycles in the data), then logged nothing for {}{}. \
         A provisioning job that stops or slows down fails silently: joiners are not created and \
         leavers keep their access. A quarantined job runs only every {} hours, a disabled or \
         deleted job not at all, and an on-premises agent that is down produces no events.",
        job.label,
        format_duration_ms(typical_ms),
        job.cycles.len(),
        format_duration_ms(silence_ms),
        if stopped {
            " up to the end of the data"
        } else {
            ""
        },
        kb::QUARANTINE_CYCLE_INTERVAL_HOURS,
    );
    Finding {
        kind: FindingKind::SilentJob,
        severity,
        title,
        explanation,
        evidence: ev.build(),
        recommended_action: "Open the application's Provisioning page and check the job's status: \
             quarantined (see the quarantine reason and the Audit logs, activity \"Quarantine\"), \
             paused, disabled, or the agent offline. Fix the cause and restart the job; if the \
             export simply ends early, widen its time range."
            .to_string(),
        kql: kql::for_kind(FindingKind::SilentJob, ctx.config, Some(&job.id)),
    }
}
