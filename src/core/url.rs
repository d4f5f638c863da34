//! The app's state in the URL fragment: the view, the filters and the selected identity, never
//! any data, so that back/forward work and a link reproduces a view once the same files are open.

use crate::core::analyze::dims::Scenario;
use crate::core::analyze::query::Filter;
use crate::core::model::{Action, Status};

/// Where the app is and what it filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// The active view (`dashboard`, `explorer`, `identity`, `errors`, `findings`, …).
    pub view: String,
    pub filter: Filter,
    /// The identity shown by the identity view.
    pub identity: Option<String>,
    /// Other keys the app keeps in the URL (sort, chart mode, thresholds), kept verbatim.
    pub extra: Vec<(String, String)>,
}

fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn dec(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn list(values: &[String]) -> String {
    values.iter().map(|v| enc(v)).collect::<Vec<_>>().join(",")
}

/// Writes a location as a URL fragment without the leading `#`, keys in a fixed order.
pub fn to_fragment(loc: &Location) -> String {
    let f = &loc.filter;
    let mut parts: Vec<String> = Vec::new();
    if !loc.view.is_empty() {
        parts.push(format!("view={}", enc(&loc.view)));
    }
    let statuses: Vec<String> = f.statuses.iter().map(|s| s.as_str().to_string()).collect();
    let actions: Vec<String> = f.actions.iter().map(|a| a.as_str().to_string()).collect();
    let scenarios: Vec<String> = f.scenarios.iter().map(|s| s.as_str().to_string()).collect();
    for (key, values) in [
        ("status", &statuses),
        ("action", &actions),
        ("job", &f.jobs),
        ("source", &f.source_systems),
        ("target", &f.target_systems),
        ("type", &f.identity_types),
        ("error", &f.error_codes),
        ("cycle", &f.cycles),
        ("scenario", &scenarios),
    ] {
        if !values.is_empty() {
            parts.push(format!("{key}={}", list(values)));
        }
    }
    if let Some(from) = f.from_ms {
        parts.push(format!("from={from}"));
    }
    if let Some(to) = f.to_ms {
        parts.push(format!("to={to}"));
    }
    if !f.text.is_empty() {
        parts.push(format!("q={}", enc(&f.text)));
    }
    if let Some(finding) = &f.finding {
        parts.push(format!("finding={}", enc(finding)));
    }
    if let Some(id) = &loc.identity {
        parts.push(format!("identity={}", enc(id)));
    }
    for (k, v) in &loc.extra {
        parts.push(format!("{}={}", enc(k), enc(v)));
    }
    parts.join("&")
}

/// Reads a URL fragment (with or without `#`). Unknown values are ignored, never fatal.
pub fn from_fragment(fragment: &str) -> Location {
    let mut loc = Location::default();
    let f = &mut loc.filter;
    for pair in fragment.trim_start_matches('#').split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        let values =
            || -> Vec<String> { v.split(',').map(dec).filter(|s| !s.is_empty()).collect() };
        match k {
            "view" => loc.view = dec(v),
            "status" => {
                f.statuses = values()
                    .iter()
                    .map(|s| Status::parse(s))
                    .filter(|s| *s != Status::Unknown || values().iter().any(|x| x == "unknown"))
                    .collect();
            }
            "action" => {
                f.actions = values()
                    .iter()
                    .map(|s| Action::parse(s))
                    .filter(|a| *a != Action::Unknown || values().iter().any(|x| x == "unknown"))
                    .collect();
            }
            "job" => f.jobs = values(),
            "source" => f.source_systems = values(),
            "target" => f.target_systems = values(),
            "type" => f.identity_types = values(),
            "error" => f.error_codes = values(),
            "cycle" => f.cycles = values(),
            "scenario" => {
                f.scenarios = values()
                    .iter()
                    .filter_map(|s| Scenario::ALL.iter().copied().find(|x| x.as_str() == s))
                    .collect();
            }
            "from" => f.from_ms = v.parse().ok(),
            "to" => f.to_ms = v.parse().ok(),
            "q" => f.text = dec(v),
            "finding" => f.finding = Some(dec(v)).filter(|s| !s.is_empty()),
            "identity" => loc.identity = Some(dec(v)).filter(|s| !s.is_empty()),
            _ => loc.extra.push((dec(k), dec(v))),
        }
    }
    loc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_field() {
        let loc = Location {
            view: "explorer".into(),
            filter: Filter {
                statuses: vec![Status::Failure, Status::Unknown],
                actions: vec![Action::StagedDelete],
                jobs: vec!["DropboxSCIMOutDelta.a.b".into()],
                source_systems: vec!["Microsoft Entra ID".into()],
                target_systems: vec!["Drop,box & co".into()],
                identity_types: vec!["user".into()],
                error_codes: vec!["ContosoEntryConflict".into()],
                cycles: vec!["c-1".into()],
                scenarios: vec![Scenario::CloudSync],
                from_ms: Some(1_700_000_000_000),
                to_ms: Some(1_700_000_060_000),
                text: "josé o'neil #1".into(),
                finding: Some("silent_job-1".into()),
            },
            identity: Some("ellie@contoso.com".into()),
            extra: vec![("sort".into(), "date-desc".into())],
        };
        let text = to_fragment(&loc);
        assert!(!text.contains(' '), "{text}");
        assert_eq!(from_fragment(&format!("#{text}")), loc);
    }

    #[test]
    fn bad_fragments_are_harmless() {
        let loc = from_fragment("#view=dashboard&status=nonsense&from=abc&%ZZ=1&=&q=%E2%9C%93");
        assert_eq!(loc.view, "dashboard");
        assert!(loc.filter.statuses.is_empty());
        assert_eq!(loc.filter.from_ms, None);
        assert_eq!(loc.filter.text, "✓");
    }
}
