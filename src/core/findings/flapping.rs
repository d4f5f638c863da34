//! Attribute flapping: one identity's attribute that goes back and forth (A → B → A) or is
//! rewritten cycle after cycle — usually two mappings (or two jobs) fighting over it. The
//! `accountDisabled` attribute that Entra logs on every update is ignored.

use std::collections::HashMap;

use crate::core::findings::context::{plural, Context};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::kb;
use crate::core::model::{Status, Sym};
use crate::core::vecmap::VecMap;

/// One identity's history of one attribute.
#[derive(Default)]
struct History {
    /// Values in time order: the first change's old value (when logged), then every new value.
    values: Vec<Sym>,
    events: Vec<u32>,
    /// Cycle positions it changed in (a set: the values are unit).
    cycles: VecMap<usize, ()>,
}

struct Flap {
    identity_label: String,
    flips: usize,
    rewrites: usize,
    events: Vec<u32>,
    example: String,
}

/// Attributes whose back-and-forth is normal: `accountDisabled` is logged on every update with
/// a null old value, and group membership is a set that changes with every join and leave.
fn is_ignored(attribute: &str) -> bool {
    attribute.eq_ignore_ascii_case(kb::ALWAYS_LOGGED_ATTRIBUTE)
        || attribute.eq_ignore_ascii_case("members")
        || attribute.eq_ignore_ascii_case("member")
}

/// The longest run of consecutive cycle positions.
fn longest_consecutive(cycles: &VecMap<usize, ()>) -> usize {
    let (mut best, mut run, mut prev) = (0, 0, None::<usize>);
    for &c in cycles.keys() {
        run = if prev.is_some_and(|p| p + 1 == c) {
            run + 1
        } else {
            1
        };
        best = best.max(run);
        prev = Some(c);
    }
    best
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    let mut out = Vec::new();
    for job in &ctx.jobs {
        let mut hist: HashMap<(Sym, Sym), History> = HashMap::new();
        for (i, e) in ctx.events(&job.events) {
            if e.status != Status::Success && e.status != Status::Warning {
                continue;
            }
            let who = ctx.identity(e);
            if who.is_empty() {
                continue;
            }
            for m in ctx.store.modified_of(e) {
                if is_ignored(ctx.str(m.name)) {
                    continue;
                }
                let h = hist.entry((m.name, who)).or_default();
                if h.values.is_empty() && !m.old.is_empty() {
                    h.values.push(m.old);
                }
                h.values.push(m.new);
                h.events.push(i);
                if let Some(&c) = job.cycle_of.get(&i) {
                    h.cycles.insert(c, ());
                }
            }
        }
        // Group flapping identities by attribute.
        let mut by_attr: VecMap<String, Vec<Flap>> = VecMap::new();
        for ((attr, _), h) in hist {
            let flips = h
                .values
                .windows(3)
                .filter(|w| w[0] == w[2] && w[0] != w[1])
                .count();
            let distinct = h.values.iter().any(|v| h.values.first() != Some(v));
            let rewrites = longest_consecutive(&h.cycles);
            let flapping = flips >= cfg.flap_min_flips as usize
                || (rewrites >= cfg.flap_rewrite_cycles as usize && distinct);
            if !flapping {
                continue;
            }
            let shown: Vec<String> = h
                .values
                .iter()
                .take(6)
                .map(|v| {
                    let t = ctx.str(*v);
                    if t.is_empty() {
                        "∅".to_string()
                    } else {
                        format!("\"{t}\"")
                    }
                })
                .collect();
            let more = if h.values.len() > 6 { " → …" } else { "" };
            let identity_label = h
                .events
                .first()
                .and_then(|&i| ctx.event(i))
                .map(|e| ctx.identity_label(e))
                .unwrap_or_default();
            by_attr.or_default(ctx.str(attr).to_string()).push(Flap {
                identity_label,
                flips,
                rewrites,
                events: h.events,
                example: format!("{}{more}", shown.join(" → ")),
            });
        }
        for (attr, mut flaps) in by_attr {
            crate::core::sort::sort_by(&mut flaps, |a, b| {
                (b.flips, b.rewrites)
                    .cmp(&(a.flips, a.rewrites))
                    .then_with(|| a.identity_label.cmp(&b.identity_label))
            });
            let mut ev = ctx.evidence(&job.id);
            for f in &flaps {
                ev.identity(f.identity_label.clone()).events(&f.events);
            }
            let flips: usize = flaps.iter().map(|f| f.flips).sum();
            let max_rewrites = flaps.iter().map(|f| f.rewrites).max().unwrap_or(0);
            let example = flaps
                .first()
                .map(|f| format!("{}: {}", f.identity_label, f.example))
                .unwrap_or_default();
            ev.count(flaps.len() as u64)
                .figure("attribute", attr.clone())
                .figure("identities", flaps.len())
                .figure("flips", flips)
                .figure("max_cycles_rewritten", max_rewrites)
                .figure("example", example.clone());
            let title = format!(
                "{} flaps for {} in {} ({} returns to an earlier value); e.g. {}",
                attr,
                plural(flaps.len() as u64, "identity", "identities"),
                job.label,
                flips,
                example
            );
            let explanation = format!(
                "The attribute {attr} of these identities keeps changing in {}: it goes back to \
                 an earlier value or is rewritten in up to {max_rewrites} consecutive cycles. This usually \
                 means two sources write it — conflicting attribute mappings, two jobs or a \
                 script and the job — or an expression whose result changes every cycle. Each \
                 rewrite is an update call and can trigger downstream workflows.",
                job.label
            );
            out.push(Finding {
                kind: FindingKind::AttributeFlapping,
                severity: Severity::Medium,
                title,
                explanation,
                evidence: ev.build(),
                recommended_action: format!(
                    "Find every writer of {attr}: the job's attribute mappings (and their \
                     expressions), other provisioning jobs to the same target, scripts or admins \
                     editing it in the target. Keep one source of truth and set the mapping's \
                     \"Apply this mapping\" to \"Only during object creation\" where the target \
                     owns the value."
                ),
                kql: kql::for_kind(FindingKind::AttributeFlapping, cfg, Some(&job.id)),
            });
        }
    }
    out
}
