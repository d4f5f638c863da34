//! Editing the app's location: toggling a facet value, the removable chips of the active
//! filters, the explorer's sort and the chart mode kept in the URL. Pure, so the components only
//! call these and the behaviour is tested natively.

use crate::core::analyze::dims::Scenario;
use crate::core::analyze::query::{Facet, Filter};
use crate::core::model::{Action, Status};
use crate::core::time::format_iso;
use crate::core::url::Location;
use crate::core::view::{Column, Sort};

/// The views of the app, in the order of the navigation bar.
pub const VIEWS: [(&str, &str); 6] = [
    ("dashboard", "Dashboard"),
    ("findings", "Findings"),
    ("explorer", "Explorer"),
    ("identity", "Identity"),
    ("lifecycle", "Lifecycle"),
    ("errors", "Errors"),
];

/// The findings thresholds the app lets users edit, with their URL keys (kept in the URL and
/// nowhere else).
pub const THRESHOLDS: [(&str, &str); 7] = [
    (
        "t_delete",
        "Deletion threshold (deletes + disables per cycle)",
    ),
    (
        "t_silent",
        "Silent job: gap as a multiple of the typical interval",
    ),
    ("t_spike", "Failure spike: robust z-score"),
    ("t_persist", "Persistent failure: consecutive cycles"),
    ("t_joiner_h", "Joiner SLA (hours)"),
    ("t_leaver_h", "Leaver SLA (hours)"),
    ("t_mover_h", "Mover SLA (hours)"),
];

/// The findings configuration: the defaults with the thresholds set in the URL.
pub fn findings_config(loc: &Location) -> crate::core::findings::FindingsConfig {
    let mut c = crate::core::findings::FindingsConfig::default();
    let num = |key: &str| {
        extra(loc, key)
            .and_then(|v| crate::core::number::parse_decimal(v.trim()))
            .filter(|v| v.is_finite() && *v > 0.0)
    };
    if let Some(v) = num("t_delete") {
        c.deletion_threshold = v.round() as u32;
    }
    if let Some(v) = num("t_silent") {
        c.silent_gap_multiple = v;
    }
    if let Some(v) = num("t_spike") {
        c.spike_z = v;
    }
    if let Some(v) = num("t_persist") {
        c.persistent_cycles = v.round() as u32;
    }
    if let Some(v) = num("t_joiner_h") {
        c.lifecycle.joiner_sla_ms = (v * 3_600_000.0) as i64;
    }
    if let Some(v) = num("t_leaver_h") {
        c.lifecycle.leaver_sla_ms = (v * 3_600_000.0) as i64;
    }
    if let Some(v) = num("t_mover_h") {
        c.lifecycle.mover_sla_ms = (v * 3_600_000.0) as i64;
    }
    c
}

/// A threshold's value in the URL, if set.
pub fn threshold(loc: &Location, key: &str) -> Option<String> {
    extra(loc, key).map(str::to_string)
}

/// The active view's key (`dashboard` when the URL names none or an unknown one).
pub fn view_key(loc: &Location) -> &str {
    VIEWS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| *k == loc.view)
        .unwrap_or("dashboard")
}

/// A facet's name as the sidebar and the chips show it.
pub fn facet_label(f: Facet) -> &'static str {
    match f {
        Facet::Status => "Status",
        Facet::Action => "Action",
        Facet::Job => "Job",
        Facet::SourceSystem => "Source system",
        Facet::TargetSystem => "Target system",
        Facet::IdentityType => "Identity type",
        Facet::ErrorCode => "Error code",
        Facet::Cycle => "Cycle",
        Facet::Scenario => "Scenario",
        Facet::Time => "Time",
        Facet::Text => "Search",
        Facet::Finding => "Finding",
    }
}

/// A facet value as people read it (`staged_delete` → `Staged delete`).
pub fn value_label(f: Facet, value: &str) -> String {
    match f {
        Facet::Status => Status::parse(value).label().to_string(),
        Facet::Action => Action::parse(value).label().to_string(),
        Facet::Scenario => Scenario::ALL
            .iter()
            .find(|s| s.as_str() == value)
            .map_or(value, |s| s.label())
            .to_string(),
        _ if value.is_empty() => "(none)".to_string(),
        _ => value.to_string(),
    }
}

fn strings_mut(filter: &mut Filter, f: Facet) -> Option<&mut Vec<String>> {
    match f {
        Facet::Job => Some(&mut filter.jobs),
        Facet::SourceSystem => Some(&mut filter.source_systems),
        Facet::TargetSystem => Some(&mut filter.target_systems),
        Facet::IdentityType => Some(&mut filter.identity_types),
        Facet::ErrorCode => Some(&mut filter.error_codes),
        Facet::Cycle => Some(&mut filter.cycles),
        _ => None,
    }
}

fn toggle_in<T: PartialEq>(list: &mut Vec<T>, value: T) {
    match list.iter().position(|x| *x == value) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(value),
    }
}

/// Adds the value to the facet's filter, or removes it when it is there.
pub fn toggle(filter: &mut Filter, f: Facet, value: &str) {
    match f {
        Facet::Status => toggle_in(&mut filter.statuses, Status::parse(value)),
        Facet::Action => toggle_in(&mut filter.actions, Action::parse(value)),
        Facet::Scenario => {
            if let Some(s) = Scenario::ALL.iter().find(|s| s.as_str() == value) {
                toggle_in(&mut filter.scenarios, *s);
            }
        }
        Facet::Time => {
            filter.from_ms = None;
            filter.to_ms = None;
        }
        Facet::Text => filter.text.clear(),
        Facet::Finding => filter.finding = None,
        _ => {
            if let Some(list) = strings_mut(filter, f) {
                toggle_in(list, value.to_string());
            }
        }
    }
}

/// Whether the value is selected in the facet's filter.
pub fn is_selected(filter: &Filter, f: Facet, value: &str) -> bool {
    match f {
        Facet::Status => filter.statuses.contains(&Status::parse(value)),
        Facet::Action => filter.actions.contains(&Action::parse(value)),
        Facet::Scenario => filter.scenarios.iter().any(|s| s.as_str() == value),
        Facet::Job => filter.jobs.iter().any(|v| v == value),
        Facet::SourceSystem => filter.source_systems.iter().any(|v| v == value),
        Facet::TargetSystem => filter.target_systems.iter().any(|v| v == value),
        Facet::IdentityType => filter.identity_types.iter().any(|v| v == value),
        Facet::ErrorCode => filter.error_codes.iter().any(|v| v == value),
        Facet::Cycle => filter.cycles.iter().any(|v| v == value),
        Facet::Time | Facet::Text => false,
        Facet::Finding => filter.finding.as_deref() == Some(value),
    }
}

/// One active filter, removable with [`toggle`] of its facet and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chip {
    pub facet: Facet,
    pub value: String,
    /// "Status: Failure"
    pub label: String,
}

/// The active filters as chips, in a fixed order.
pub fn chips(filter: &Filter) -> Vec<Chip> {
    let mut out = Vec::new();
    let mut push = |facet: Facet, value: String| {
        let label = format!("{}: {}", facet_label(facet), value_label(facet, &value));
        out.push(Chip {
            facet,
            value,
            label,
        });
    };
    for s in &filter.statuses {
        push(Facet::Status, s.as_str().to_string());
    }
    for a in &filter.actions {
        push(Facet::Action, a.as_str().to_string());
    }
    for s in &filter.scenarios {
        push(Facet::Scenario, s.as_str().to_string());
    }
    for f in [
        Facet::Job,
        Facet::SourceSystem,
        Facet::TargetSystem,
        Facet::IdentityType,
        Facet::ErrorCode,
        Facet::Cycle,
    ] {
        let values = match f {
            Facet::Job => &filter.jobs,
            Facet::SourceSystem => &filter.source_systems,
            Facet::TargetSystem => &filter.target_systems,
            Facet::IdentityType => &filter.identity_types,
            Facet::ErrorCode => &filter.error_codes,
            _ => &filter.cycles,
        };
        for v in values {
            push(f, v.clone());
        }
    }
    if filter.from_ms.is_some() || filter.to_ms.is_some() {
        let from = filter.from_ms.map(format_iso).unwrap_or_default();
        let to = filter.to_ms.map(format_iso).unwrap_or_default();
        out.push(Chip {
            facet: Facet::Time,
            value: String::new(),
            label: format!("Time: {from} → {to}"),
        });
    }
    if let Some(f) = &filter.finding {
        out.push(Chip {
            facet: Facet::Finding,
            value: f.clone(),
            label: format!("Finding: {f}"),
        });
    }
    if !filter.text.is_empty() {
        out.push(Chip {
            facet: Facet::Text,
            value: filter.text.clone(),
            label: format!("Search: “{}”", filter.text),
        });
    }
    out
}

/// A column's key in the URL.
pub fn column_key(c: Column) -> &'static str {
    match c {
        Column::Date => "date",
        Column::Identity => "identity",
        Column::Action => "action",
        Column::SourceSystem => "source",
        Column::TargetSystem => "target",
        Column::Status => "status",
        Column::ErrorCode => "error",
        Column::Job => "job",
        Column::Cycle => "cycle",
        Column::ChangeId => "change",
    }
}

fn extra<'a>(loc: &'a Location, key: &str) -> Option<&'a str> {
    loc.extra
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Sets (or with `None` removes) a key kept verbatim in the URL.
pub fn set_extra(loc: &mut Location, key: &str, value: Option<String>) {
    loc.extra.retain(|(k, _)| k != key);
    if let Some(v) = value {
        loc.extra.push((key.to_string(), v));
    }
}

/// The explorer's sort from the URL (`sort=status-desc`); newest first when none is set.
pub fn sort_of(loc: &Location) -> Sort {
    let default = Sort {
        column: Column::Date,
        descending: true,
    };
    let Some(text) = extra(loc, "sort") else {
        return default;
    };
    let (key, descending) = match text.strip_suffix("-desc") {
        Some(k) => (k, true),
        None => (text.strip_suffix("-asc").unwrap_or(text), false),
    };
    Column::ALL
        .iter()
        .find(|c| column_key(**c) == key)
        .map_or(default, |&column| Sort { column, descending })
}

/// The sort after a click on a column header: the same column flips, another starts ascending
/// (the date starts newest first).
pub fn next_sort(current: Sort, column: Column) -> Sort {
    if current.column == column {
        Sort {
            column,
            descending: !current.descending,
        }
    } else {
        Sort {
            column,
            descending: column == Column::Date,
        }
    }
}

/// Writes the sort into the URL.
pub fn set_sort(loc: &mut Location, sort: Sort) {
    let dir = if sort.descending { "desc" } else { "asc" };
    set_extra(
        loc,
        "sort",
        Some(format!("{}-{dir}", column_key(sort.column))),
    );
}

/// The person the lifecycle view shows (`person=12`: the person's index in the lifecycle
/// analysis, the same for the same files, like a finding's key).
pub fn person_of(loc: &Location) -> Option<u32> {
    extra(loc, "person").and_then(|v| v.trim().parse().ok())
}

/// Shows a person in the lifecycle view, or with `None` closes the swimlane.
pub fn set_person(loc: &mut Location, person: Option<u32>) {
    if person.is_some() {
        loc.view = "lifecycle".to_string();
    }
    set_extra(loc, "person", person.map(|p| p.to_string()));
}

/// Whether the dashboard's chart stacks by action (`by=action`) instead of by status.
pub fn chart_by_action(loc: &Location) -> bool {
    extra(loc, "by") == Some("action")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::url::{from_fragment, to_fragment};

    #[test]
    fn every_threshold_in_the_url_reaches_the_findings_config() {
        let loc = Location {
            extra: vec![
                ("t_delete".into(), "250".into()),
                ("t_silent".into(), "4".into()),
                ("t_spike".into(), "5.5".into()),
                ("t_persist".into(), "7".into()),
                ("t_joiner_h".into(), "4".into()),
                ("t_leaver_h".into(), "0.5".into()),
                ("t_mover_h".into(), "24".into()),
            ],
            ..Location::default()
        };
        assert_eq!(loc.extra.len(), THRESHOLDS.len());
        let c = findings_config(&loc);
        let d = crate::core::findings::FindingsConfig::default();
        assert_eq!(c.deletion_threshold, 250);
        assert_eq!(c.silent_gap_multiple, 4.0);
        assert_eq!(c.spike_z, 5.5);
        assert_eq!(c.persistent_cycles, 7);
        assert_eq!(c.lifecycle.joiner_sla_ms, 4 * 3_600_000);
        assert_eq!(c.lifecycle.leaver_sla_ms, 1_800_000);
        assert_eq!(c.lifecycle.mover_sla_ms, 24 * 3_600_000);
        // Values that are not positive numbers leave the defaults.
        let bad = Location {
            extra: vec![
                ("t_mover_h".into(), "-3".into()),
                ("t_joiner_h".into(), "soon".into()),
            ],
            ..Location::default()
        };
        let c = findings_config(&bad);
        assert_eq!(c.lifecycle.mover_sla_ms, d.lifecycle.mover_sla_ms);
        assert_eq!(c.lifecycle.joiner_sla_ms, d.lifecycle.joiner_sla_ms);
    }

    #[test]
    fn toggling_adds_then_removes_and_chips_follow() {
        let mut f = Filter::default();
        toggle(&mut f, Facet::Status, "failure");
        toggle(&mut f, Facet::ErrorCode, "EntryConflict");
        toggle(&mut f, Facet::Scenario, "cloud_sync");
        assert!(is_selected(&f, Facet::Status, "failure"));
        assert!(is_selected(&f, Facet::ErrorCode, "EntryConflict"));
        f.from_ms = Some(0);
        f.text = "alice".into();
        let labels: Vec<String> = chips(&f).into_iter().map(|c| c.label).collect();
        assert_eq!(labels[0], "Status: Failure");
        assert!(labels.contains(&"Error code: EntryConflict".to_string()));
        assert!(labels.iter().any(|l| l.starts_with("Time: 1970-01-01")));
        assert!(labels.contains(&"Search: “alice”".to_string()));
        for c in chips(&f) {
            toggle(&mut f, c.facet, &c.value);
        }
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn sort_and_chart_mode_round_trip_through_the_url() {
        let mut loc = Location::default();
        assert_eq!(sort_of(&loc).column, Column::Date);
        assert!(sort_of(&loc).descending);
        let s = next_sort(sort_of(&loc), Column::Status);
        assert_eq!(
            s,
            Sort {
                column: Column::Status,
                descending: false
            }
        );
        set_sort(&mut loc, next_sort(s, Column::Status));
        set_extra(&mut loc, "by", Some("action".into()));
        let back = from_fragment(&to_fragment(&loc));
        assert_eq!(
            sort_of(&back),
            Sort {
                column: Column::Status,
                descending: true
            }
        );
        assert!(chart_by_action(&back));
        assert_eq!(view_key(&back), "dashboard");
    }

    #[test]
    fn the_lifecycle_person_round_trips_and_bad_values_are_ignored() {
        let mut loc = Location::default();
        assert_eq!(person_of(&loc), None);
        set_person(&mut loc, Some(17));
        let text = to_fragment(&loc);
        assert_eq!(text, "view=lifecycle&person=17");
        let back = from_fragment(&text);
        assert_eq!(view_key(&back), "lifecycle");
        assert_eq!(person_of(&back), Some(17));
        set_person(&mut loc, None);
        assert_eq!(to_fragment(&loc), "view=lifecycle");
        assert_eq!(person_of(&from_fragment("view=lifecycle&person=ana")), None);
        assert_eq!(person_of(&from_fragment("person=-1")), None);
    }
}
