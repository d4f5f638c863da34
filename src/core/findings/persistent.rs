//! Persistent failures: the same identity failing cycle after cycle — escrow retries that keep
//! failing the same way until someone fixes the cause.

use std::collections::{BTreeMap, HashMap};

use crate::core::findings::context::{plural, Context};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::kb;
use crate::core::model::{Status, Sym};
use crate::core::vecmap::VecMap;

/// An identity's longest run of failing cycles.
struct Run {
    identity: Sym,
    cycles: usize,
    /// Cycle positions in the job, first and last of the run.
    from: usize,
    to: usize,
    events: Vec<u32>,
    error: String,
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let need = ctx.config.persistent_cycles.max(2) as usize;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        // Per identity and cycle it appears in: failed events, and whether anything else
        // (a success or a skip) happened to it in that cycle.
        let mut seen: HashMap<Sym, VecMap<usize, (Vec<u32>, bool)>> = HashMap::new();
        for (i, e) in ctx.events(&job.events) {
            let who = ctx.identity(e);
            let Some(&c) = job.cycle_of.get(&i) else {
                continue;
            };
            if who.is_empty() {
                continue;
            }
            let slot = seen.entry(who).or_default().or_default(c);
            match e.status {
                Status::Failure => slot.0.push(i),
                Status::Success | Status::Skipped => slot.1 = true,
                _ => {}
            }
        }
        let mut runs: Vec<Run> = Vec::new();
        for (who, cycles) in seen {
            let mut best: Option<Run> = None;
            let mut cur: Vec<(usize, &Vec<u32>)> = Vec::new();
            let flush = |cur: &mut Vec<(usize, &Vec<u32>)>, best: &mut Option<Run>| {
                if cur.len() >= need && best.as_ref().is_none_or(|b| cur.len() > b.cycles) {
                    let events: Vec<u32> =
                        cur.iter().flat_map(|(_, v)| v.iter().copied()).collect();
                    let mut codes: BTreeMap<String, u64> = BTreeMap::new();
                    for (_, e) in ctx.events(&events) {
                        *codes.entry(ctx.error_label(e)).or_insert(0) += 1;
                    }
                    *best = Some(Run {
                        identity: who,
                        cycles: cur.len(),
                        from: cur.first().map_or(0, |c| c.0),
                        to: cur.last().map_or(0, |c| c.0),
                        events,
                        error: codes
                            .iter()
                            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                            .map(|(c, _)| c.clone())
                            .unwrap_or_default(),
                    });
                }
                cur.clear();
            };
            for (c, (failed, other)) in &cycles {
                // A cycle where the identity failed and nothing else happened to it continues
                // the run; a success or skip ends it.
                if !failed.is_empty() && !other {
                    cur.push((*c, failed));
                } else if *other {
                    flush(&mut cur, &mut best);
                }
            }
            flush(&mut cur, &mut best);
            if let Some(r) = best {
                runs.push(r);
            }
        }
        if runs.is_empty() {
            continue;
        }
        crate::core::sort::sort_by(&mut runs, |a, b| {
            b.cycles
                .cmp(&a.cycles)
                .then_with(|| ctx.str(a.identity).cmp(ctx.str(b.identity)))
        });
        let longest = runs.first().map_or(0, |r| r.cycles);
        let mut ev = ctx.evidence(&job.id);
        for r in &runs {
            ev.events(&r.events);
        }
        let mut codes: VecMap<&str, u64> = VecMap::new();
        for r in &runs {
            *codes.or_default(r.error.as_str()) += 1;
        }
        let top = codes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string())
            .unwrap_or_default();
        let sample: Vec<String> = runs
            .iter()
            .take(5)
            .map(|r| {
                let who = r
                    .events
                    .first()
                    .and_then(|&i| ctx.event(i))
                    .map(|e| ctx.identity_label(e))
                    .unwrap_or_default();
                let span = job
                    .cycles
                    .get(r.from)
                    .zip(job.cycles.get(r.to))
                    .map(|(a, b)| {
                        format!(
                            "{} to {}",
                            crate::core::time::format_iso(a.start_ms),
                            crate::core::time::format_iso(b.end_ms)
                        )
                    })
                    .unwrap_or_default();
                format!("{who}: {} cycles in a row ({}), {span}", r.cycles, r.error)
            })
            .collect();
        ev.count(runs.len() as u64)
            .figure("identities", runs.len())
            .figure("longest_run_cycles", longest)
            .figure("min_cycles", need)
            .figure("dominant_error", top.clone());
        let title = format!(
            "{} in {} failed in {}+ consecutive cycles (longest {}); mostly {}",
            plural(runs.len() as u64, "identity", "identities"),
            job.label,
            need,
            longest,
            top
        );
        let explanation = format!(
            "These identities failed every time {} processed them, across at least {} \
             cycles in a row, with no success in between: {}. Failed objects are escrowed and \
             retried (after 6 h, 12 h, then every day for {} days), and a retry fails the same \
             way until the cause is fixed. Escrowed failures also count toward quarantine.",
            job.label,
            need,
            sample.join("; "),
            kb::ESCROW_RETRY_WINDOW_DAYS
        );
        let fix = ctx
            .fix_for_code(&top)
            .unwrap_or("Open one identity's history, fix the value or mapping behind its error.");
        out.push(Finding {
            kind: FindingKind::PersistentFailure,
            severity: Severity::Medium,
            title,
            explanation,
            evidence: ev.build(),
            recommended_action: format!(
                "{fix} Then use Provision on demand for one identity, or restart the job with \
                 \"clear escrows\" once all are fixed."
            ),
            kql: kql::for_kind(FindingKind::PersistentFailure, ctx.config, Some(&job.id)),
        });
    }
    out
}
