//! View data for the explorer: table rows in any sort order, one event's full detail, and the
//! filtered events exported as CSV or JSON. Components render these as they are.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::core::analyze::dims::{identity_key, job_key, system_name};
use crate::core::kb;
use crate::core::model::{Event, Store};
use crate::core::time::format_iso;

/// The explorer's columns, as the portal blade shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    #[default]
    Date,
    Identity,
    Action,
    SourceSystem,
    TargetSystem,
    Status,
    ErrorCode,
    Job,
    Cycle,
    ChangeId,
}

impl Column {
    pub const ALL: [Column; 10] = [
        Column::Date,
        Column::Identity,
        Column::Action,
        Column::SourceSystem,
        Column::TargetSystem,
        Column::Status,
        Column::ErrorCode,
        Column::Job,
        Column::Cycle,
        Column::ChangeId,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Column::Date => "Date (UTC)",
            Column::Identity => "Identity",
            Column::Action => "Action",
            Column::SourceSystem => "Source system",
            Column::TargetSystem => "Target system",
            Column::Status => "Status",
            Column::ErrorCode => "Error code",
            Column::Job => "Job",
            Column::Cycle => "Cycle",
            Column::ChangeId => "Change ID",
        }
    }
}

/// A sort order for the explorer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

/// The name an identity is shown by: display name, else UPN, else id.
pub fn identity_label<'s>(store: &'s Store, e: &Event) -> &'s str {
    [
        e.source.name,
        e.source.upn,
        e.reportable_id,
        e.source.id,
        e.target.name,
    ]
    .into_iter()
    .map(|s| store.str(s))
    .find(|s| !s.is_empty())
    .unwrap_or("")
}

fn cell<'s>(store: &'s Store, e: &Event, c: Column) -> &'s str {
    match c {
        Column::Date | Column::Action | Column::Status => "",
        Column::Identity => identity_label(store, e),
        Column::SourceSystem => system_name(store.str(e.source_system.name)),
        Column::TargetSystem => system_name(store.str(e.target_system.name)),
        Column::ErrorCode => store.str(e.error_code),
        Column::Job => store.str(job_key(e)),
        Column::Cycle => store.str(e.cycle_id),
        Column::ChangeId => store.str(e.change_id),
    }
}

/// Sorts event indices in place by a column; ties keep time order, then store order.
pub fn sort_indices(store: &Store, indices: &mut [u32], sort: Sort) {
    let ev = |i: u32| store.events.get(i as usize);
    indices.sort_by(|&a, &b| {
        let (Some(x), Some(y)) = (ev(a), ev(b)) else {
            return a.cmp(&b);
        };
        let primary = match sort.column {
            Column::Date => x.time_ms.cmp(&y.time_ms),
            Column::Action => x.action.as_str().cmp(y.action.as_str()),
            Column::Status => x.status.as_str().cmp(y.status.as_str()),
            c => cell(store, x, c)
                .to_lowercase()
                .cmp(&cell(store, y, c).to_lowercase()),
        };
        let primary = if sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary
            .then_with(|| x.time_ms.cmp(&y.time_ms))
            .then_with(|| a.cmp(&b))
    });
}

/// One explorer row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// Index of the event in the store (to open its detail).
    pub event: u32,
    pub time: String,
    pub identity: String,
    pub action: String,
    pub source_system: String,
    pub target_system: String,
    pub status: String,
    pub error_code: String,
    pub job: String,
    pub cycle: String,
    pub change_id: String,
}

/// The rows at `offset..offset + limit` of already sorted indices.
pub fn rows(store: &Store, sorted: &[u32], offset: usize, limit: usize) -> Vec<Row> {
    sorted
        .iter()
        .skip(offset)
        .take(limit)
        .filter_map(|&i| store.events.get(i as usize).map(|e| row(store, i, e)))
        .collect()
}

fn row(store: &Store, i: u32, e: &Event) -> Row {
    Row {
        event: i,
        time: e.time_ms.map(format_iso).unwrap_or_default(),
        identity: identity_label(store, e).to_string(),
        action: e.action.label().to_string(),
        source_system: cell(store, e, Column::SourceSystem).to_string(),
        target_system: cell(store, e, Column::TargetSystem).to_string(),
        status: e.status.label().to_string(),
        error_code: cell(store, e, Column::ErrorCode).to_string(),
        job: cell(store, e, Column::Job).to_string(),
        cycle: cell(store, e, Column::Cycle).to_string(),
        change_id: cell(store, e, Column::ChangeId).to_string(),
    }
}

/// One step in the detail view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepView {
    pub order: u32,
    pub name: String,
    pub kind: String,
    pub status: String,
    pub description: String,
    pub details: Vec<(String, String)>,
}

/// Troubleshooting advice from the knowledge base.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    pub code: String,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub retries: String,
}

/// Everything the detail drawer's four tabs show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    pub row: Row,
    pub steps: Vec<StepView>,
    pub modified: Vec<(String, String, String)>,
    pub error_reason: String,
    pub error_category: String,
    pub recommended_action: String,
    pub additional_details: String,
    pub advice: Option<Advice>,
    /// Labelled ids for the Summary tab (copyable).
    pub ids: Vec<(String, String)>,
    pub duration_ms: Option<u32>,
    pub file: String,
}

/// The detail of one event, with the knowledge base's advice when the error is known.
pub fn event_detail(store: &Store, index: u32, file_names: &[String]) -> Option<EventDetail> {
    let e = store.events.get(index as usize)?;
    let s = |sym| store.str(sym).to_string();
    let steps: Vec<StepView> = store
        .steps_of(e)
        .iter()
        .enumerate()
        .map(|(k, st)| StepView {
            order: k as u32 + 1,
            name: s(st.name),
            kind: st.kind.as_str().to_string(),
            status: st.status.label().to_string(),
            description: s(st.description),
            details: store
                .details_of(st)
                .iter()
                .map(|&(k, v)| (s(k), s(v)))
                .collect(),
        })
        .collect();
    let descriptions: Vec<&str> = store
        .steps_of(e)
        .iter()
        .map(|st| store.str(st.description))
        .collect();
    let entry = kb::lookup(store.str(e.error_code))
        .or_else(|| kb::lookup_text(store.str(e.error_reason), &descriptions));
    let advice = entry.map(|k| Advice {
        code: k.code.to_string(),
        title: k.title.to_string(),
        explanation: k.explanation.to_string(),
        fix: k.fix.to_string(),
        retries: match k.retries {
            kb::Retry::Automatic { note } => format!("The service retries by itself: {note}"),
            kb::Retry::FixRequired => {
                "The service retries on its escrow schedule, but the failure repeats until the cause is fixed.".to_string()
            }
            kb::Retry::NotAnError => "Not an error: nothing to retry.".to_string(),
        },
    });
    let ids = [
        ("Activity ID", e.id),
        ("Change ID", e.change_id),
        ("Cycle ID", e.cycle_id),
        ("Job ID", e.job_id),
        ("Tenant ID", e.tenant_id),
        ("Source identity ID", e.source.id),
        ("Source UPN", e.source.upn),
        ("Target identity ID", e.target.id),
        ("Target UPN", e.target.upn),
        ("Service principal", e.service_principal.name),
        ("Service principal ID", e.service_principal.id),
        ("Initiated by", e.initiated_by),
        ("Identity key", identity_key(e)),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), s(v)))
    .collect();
    Some(EventDetail {
        row: row(store, index, e),
        steps,
        modified: store
            .modified_of(e)
            .iter()
            .map(|m| (s(m.name), s(m.old), s(m.new)))
            .collect(),
        error_reason: s(e.error_reason),
        error_category: s(e.error_category),
        recommended_action: s(e.recommended_action),
        additional_details: s(e.additional_details),
        advice,
        ids,
        duration_ms: e.duration_ms,
        file: file_names.get(e.file as usize).cloned().unwrap_or_default(),
    })
}

/// Makes a CSV cell safe to open in a spreadsheet: a cell that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return would run as a formula, so it is prefixed with `'`.
pub fn neutralize_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{value}")),
        _ => std::borrow::Cow::Borrowed(value),
    }
}

fn csv_field(out: &mut String, value: &str) {
    let v = neutralize_cell(value);
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

/// Writes the events as CSV (the explorer's columns plus ids and the error reason), safe
/// against formula injection.
pub fn export_csv(store: &Store, indices: &[u32], w: &mut dyn Write) -> io::Result<()> {
    let header = [
        "Date (UTC)",
        "Identity",
        "UPN",
        "Action",
        "Source system",
        "Target system",
        "Status",
        "Error code",
        "Error reason",
        "Job ID",
        "Cycle ID",
        "Change ID",
        "Activity ID",
        "Source ID",
        "Target ID",
    ];
    let mut line = String::new();
    for (k, h) in header.iter().enumerate() {
        if k > 0 {
            line.push(',');
        }
        csv_field(&mut line, h);
    }
    line.push_str("\r\n");
    w.write_all(line.as_bytes())?;
    for &i in indices {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        line.clear();
        let r = row(store, i, e);
        let cells = [
            r.time.as_str(),
            r.identity.as_str(),
            store.str(e.source.upn),
            r.action.as_str(),
            r.source_system.as_str(),
            r.target_system.as_str(),
            r.status.as_str(),
            r.error_code.as_str(),
            store.str(e.error_reason),
            store.str(e.job_id),
            r.cycle.as_str(),
            r.change_id.as_str(),
            store.str(e.id),
            store.str(e.source.id),
            store.str(e.target.id),
        ];
        for (k, c) in cells.iter().enumerate() {
            if k > 0 {
                line.push(',');
            }
            csv_field(&mut line, c);
        }
        line.push_str("\r\n");
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Writes the events as a JSON array of Graph-shaped records (readable by provlens again).
pub fn export_json(store: &Store, indices: &[u32], w: &mut dyn Write) -> io::Result<()> {
    w.write_all(b"[")?;
    let mut first = true;
    for &i in indices {
        let Some(e) = store.events.get(i as usize) else {
            continue;
        };
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        let s = |sym| store.str(sym);
        let steps: Vec<serde_json::Value> = store
            .steps_of(e)
            .iter()
            .map(|st| {
                // Inserted one by one: collecting a map sorts first (a copy of the sort more).
                let mut details = serde_json::Map::new();
                for &(k, v) in store.details_of(st) {
                    details.insert(s(k).to_string(), serde_json::Value::from(s(v)));
                }
                serde_json::json!({
                    "name": s(st.name),
                    "provisioningStepType": st.kind.as_str(),
                    "status": st.status.as_str(),
                    "description": s(st.description),
                    "details": details,
                })
            })
            .collect();
        let modified: Vec<serde_json::Value> = store
            .modified_of(e)
            .iter()
            .map(|m| serde_json::json!({"displayName": s(m.name), "oldValue": s(m.old), "newValue": s(m.new)}))
            .collect();
        let error = (!e.error_code.is_empty() || !e.error_reason.is_empty()).then(|| {
            serde_json::json!({
                "errorCode": s(e.error_code),
                "reason": s(e.error_reason),
                "errorCategory": s(e.error_category),
                "recommendedAction": s(e.recommended_action),
                "additionalDetails": s(e.additional_details),
            })
        });
        let action = if e.raw_action.is_empty() {
            e.action.as_str()
        } else {
            s(e.raw_action)
        };
        let status = if e.raw_status.is_empty() {
            e.status.as_str()
        } else {
            s(e.raw_status)
        };
        let record = serde_json::json!({
            "id": s(e.id),
            "activityDateTime": e.time_ms.map(format_iso),
            "tenantId": s(e.tenant_id),
            "jobId": s(e.job_id),
            "cycleId": s(e.cycle_id),
            "changeId": s(e.change_id),
            "provisioningAction": action,
            "durationInMilliseconds": e.duration_ms,
            "provisioningStatusInfo": {"status": status, "errorInformation": error},
            "provisioningSteps": steps,
            "modifiedProperties": modified,
            "servicePrincipal": {"id": s(e.service_principal.id), "displayName": s(e.service_principal.name)},
            "sourceSystem": {"id": s(e.source_system.id), "displayName": s(e.source_system.name)},
            "targetSystem": {"id": s(e.target_system.id), "displayName": s(e.target_system.name)},
            "initiatedBy": {"displayName": s(e.initiated_by)},
            "sourceIdentity": {"id": s(e.source.id), "displayName": s(e.source.name), "identityType": s(e.source.kind), "details": {"UserPrincipalName": s(e.source.upn)}},
            "targetIdentity": {"id": s(e.target.id), "displayName": s(e.target.name), "identityType": s(e.target.kind), "details": {"UserPrincipalName": s(e.target.upn)}},
        });
        serde_json::to_writer(&mut *w, &record).map_err(io::Error::other)?;
    }
    w.write_all(b"]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralize_cell(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralize_cell("alice@contoso.com"), "alice@contoso.com");
        let mut out = String::new();
        csv_field(&mut out, "=1+1,\"x\"");
        assert_eq!(out, "\"'=1+1,\"\"x\"\"\"");
    }
}
