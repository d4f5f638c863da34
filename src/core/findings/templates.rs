//! Error templates: free-text failure reasons clustered into templates by masking what varies
//! from one object to the next (quoted values, GUIDs, UPNs and e-mail addresses, numbers), with
//! counts and first and last seen.

use std::collections::{BTreeMap, HashMap};

use crate::core::findings::context::{thousands, Context};
use crate::core::findings::{kql, Finding, FindingKind, Severity};
use crate::core::model::Status;
use crate::core::time::format_iso;
use crate::core::vecmap::VecMap;

/// Masks the variable parts of an error reason: `'<value>'`, `<guid>`, `<upn>`, `<n>`.
pub fn template(reason: &str) -> String {
    let s = mask_quoted(reason.trim());
    let s = mask_guids(&s);
    let s = mask_tokens(&s);
    collapse_spaces(&s)
}

fn mask_quoted(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let close = match c {
            '\'' | '"' | '`' => Some(c),
            '‘' => Some('’'),
            '“' => Some('”'),
            _ => None,
        };
        let prev_word = i > 0 && chars.get(i - 1).is_some_and(|p| p.is_alphanumeric());
        if let (Some(q), false) = (close, prev_word) {
            // The closing quote must end a word: not followed by a letter or digit.
            let end = (i + 1..chars.len()).find(|&j| {
                chars.get(j) == Some(&q) && !chars.get(j + 1).is_some_and(|n| n.is_alphanumeric())
            });
            if let Some(j) = end {
                out.push(c);
                out.push_str("<value>");
                out.push(q);
                i = j + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn is_guid_at(b: &[u8]) -> bool {
    b.len() >= 36
        && b.iter().take(36).enumerate().all(|(k, c)| match k {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
        && !b.get(36).is_some_and(|c| c.is_ascii_alphanumeric())
}

fn mask_guids(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let boundary = i == 0 || b.get(i - 1).is_some_and(|c| !c.is_ascii_alphanumeric());
        if boundary && b.get(i..).is_some_and(is_guid_at) {
            out.push_str(s.get(copied..i).unwrap_or(""));
            out.push_str("<guid>");
            i += 36;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(s.get(copied..).unwrap_or(""));
    out
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || "()[]{},;<>\"'`=:".contains(c)
}

/// Masks UPN-like tokens (`x@y`) and standalone numbers.
fn mask_tokens(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.is_empty() {
            return;
        }
        let at = token.find('@');
        let (core, trail) = split_trailing_dot(token);
        if at.is_some_and(|p| p > 0 && p + 1 < core.len()) {
            out.push_str("<upn>");
            out.push_str(trail);
        } else if token.starts_with("<") && token.ends_with(">") {
            out.push_str(token);
        } else {
            out.push_str(&mask_numbers(token));
        }
        token.clear();
    };
    for c in s.chars() {
        if is_separator(c) {
            flush(&mut token, &mut out);
            out.push(c);
        } else {
            token.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

fn split_trailing_dot(token: &str) -> (&str, &str) {
    let core = token.trim_end_matches(['.', '!', '?']);
    (core, token.get(core.len()..).unwrap_or(""))
}

/// Replaces digit runs not glued to a letter or digit before them (`problem 4003` but not `v3839` or
/// `AADSTS50034`), with decimals and thousands separators.
fn mask_numbers(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let glued = i > 0
            && chars
                .get(i - 1)
                .is_some_and(|p| p.is_alphanumeric() || *p == '_');
        if c.is_ascii_digit() && !glued {
            let mut j = i;
            while chars.get(j).is_some_and(|d| {
                d.is_ascii_digit()
                    || ((*d == '.' || *d == ',')
                        && chars.get(j + 1).is_some_and(|n| n.is_ascii_digit()))
            }) {
                j += 1;
            }
            // A number running into letters (`0C090A8A`) is an identifier: mask it whole.
            while chars.get(j).is_some_and(|d| d.is_ascii_alphanumeric()) {
                j += 1;
            }
            out.push_str("<n>");
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Group {
    events: Vec<u32>,
    first: Option<i64>,
    last: Option<i64>,
    /// The jobs it failed in (a set: the values are unit).
    jobs: VecMap<String, ()>,
    codes: BTreeMap<String, u64>,
    example: String,
}

pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let cfg = ctx.config;
    // One group per template, which can grow with the data set: hashed, and ranked below.
    let mut groups: HashMap<String, Group> = HashMap::new();
    for job in &ctx.jobs {
        for (i, e) in ctx.events(&job.events) {
            if e.status != Status::Failure {
                continue;
            }
            let reason = ctx.str(e.error_reason);
            if reason.trim().is_empty() {
                continue;
            }
            let g = groups.entry(template(reason)).or_default();
            g.events.push(i);
            if let Some(t) = e.time_ms {
                g.first = Some(g.first.map_or(t, |f| f.min(t)));
                g.last = Some(g.last.map_or(t, |l| l.max(t)));
            }
            g.jobs.insert(job.id.clone(), ());
            *g.codes.entry(ctx.error_label(e)).or_insert(0) += 1;
            if g.example.is_empty() {
                g.example = reason.to_string();
            }
        }
    }
    let mut ranked: Vec<(String, Group)> = groups
        .into_iter()
        .filter(|(_, g)| g.events.len() >= cfg.template_min_count.max(1) as usize)
        .collect();
    crate::core::sort::sort_by(&mut ranked, |a, b| {
        b.1.events.len().cmp(&a.1.events.len()).then(a.0.cmp(&b.0))
    });
    ranked
        .into_iter()
        .take(cfg.template_max as usize)
        .map(|(tpl, g)| {
            let job_id = if g.jobs.len() == 1 {
                g.jobs.keys().next().cloned().unwrap_or_default()
            } else {
                String::new()
            };
            let code = g
                .codes
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            let mut ev = ctx.evidence(&job_id);
            ev.events(&g.events)
                .count(g.events.len() as u64)
                .figure("template", tpl.clone())
                .figure("error_code", code.clone())
                .figure("jobs", g.jobs.len())
                .figure("example", g.example.clone());
            let fix = ctx.fix_for_code(&code).unwrap_or(
                "Fix the cause once for the whole template: the masked parts are what varies \
                 between the affected objects.",
            );
            Finding {
                kind: FindingKind::ErrorTemplate,
                severity: Severity::Info,
                title: format!("{}× {}", thousands(g.events.len() as u64), tpl),
                explanation: format!(
                    "{} failures ({}) share this reason once the values that vary between \
                     objects are masked, from {} to {}, in {} job(s). Example: {}",
                    thousands(g.events.len() as u64),
                    code,
                    g.first.map(format_iso).unwrap_or_default(),
                    g.last.map(format_iso).unwrap_or_default(),
                    g.jobs.len(),
                    g.example
                ),
                evidence: ev.build(),
                recommended_action: fix.to_string(),
                kql: kql::for_kind(FindingKind::ErrorTemplate, cfg, None),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::template;

    #[test]
    fn masks_what_varies() {
        assert_eq!(
            template("User 'ellie@contoso.com' will be skipped: value 'Smith' missing"),
            "User '<value>' will be skipped: value '<value>' missing"
        );
        assert_eq!(
            template(
                "Object 7383d412-41f2-478f-a317-7396cc32ce9e failed with 409 for joel@contoso.com."
            ),
            "Object <guid> failed with <n> for <upn>."
        );
        assert_eq!(
            template("LdapErr: DSID-0C090A8A, problem 4003 (INSUFF_ACCESS_RIGHTS), data 0, v3839"),
            "LdapErr: DSID-<n>, problem <n> (INSUFF_ACCESS_RIGHTS), data <n>, v3839"
        );
        assert_eq!(
            template("AADSTS50034: user's account"),
            "AADSTS50034: user's account"
        );
        assert_eq!(template("Wait 1500.5 s"), "Wait <n> s");
    }
}
