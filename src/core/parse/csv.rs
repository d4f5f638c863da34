//! CSV exports, read as they arrive: the portal's three files and Log Analytics query results.
//!
//! Bytes go through `csv_core`'s state machine, so a record may be split across any number of
//! chunks (quoted cells with commas, doubled quotes and line breaks included) and the file is
//! never held whole; only the record being read is buffered. The header row is mapped through
//! an alias table of normalized names ([`normalize_header`]), because the portal's exact headers
//! are not documented. Every data row becomes an event, a step or a modified property, or a
//! positioned rejection that says what was expected.

use std::borrow::Cow;

use csv_core::{ReadRecordResult, Reader};

use crate::core::ingest::{Builder, Position};
use crate::core::model::{EventDraft, IdentityDraft, ModifiedDraft, StepDraft, SystemDraft, Text};
use crate::core::parse::record::{
    identity_from_json, initiator_from_json, modified_from_json, status_info_from_json,
    steps_from_json, system_from_json, StatusInfoDraft,
};
use crate::core::sniff::{normalize_header, Format};
use crate::core::time::parse_time_ms;

/// Push-based CSV reader for one file.
pub struct CsvParser {
    format: Format,
    reader: Reader,
    /// The first bytes, held until it is known whether they are a UTF-8 byte-order mark.
    head: Vec<u8>,
    bom_checked: bool,
    /// The record being read: cell bytes and the end offset of each cell.
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    /// Bytes consumed so far, counted from the start of the file (byte-order mark included).
    byte: u64,
    /// 1-based line of the next byte.
    line: u64,
    /// Whether a record has started (its first byte was fed to the reader).
    in_record: bool,
    /// Quote characters in the current record; an odd count at the end of the file means a
    /// quote was never closed.
    record_quotes: u64,
    record_line: u64,
    record_byte: u64,
    /// Data rows seen after the header, for record numbers (the header is not counted).
    rows: u64,
    state: State,
    bad_utf8: Option<BadText>,
}

/// Rows whose cells were not valid UTF-8, reported once per file.
struct BadText {
    first: Position,
    column: String,
    rows: u64,
}

enum State {
    Header,
    Rows(Box<Columns>),
    /// The header could not be mapped; the file was refused and its rows are skipped.
    Refused,
}

/// The header as read and what each column holds.
struct Columns {
    names: Vec<String>,
    fields: Vec<Option<Field>>,
}

/// The longest record accepted. A longer one almost always means a quote that is never closed,
/// which would otherwise swallow the rest of the file into one cell.
const MAX_RECORD_BYTES: usize = 64 << 20;

const BOM: &[u8] = b"\xef\xbb\xbf";

impl CsvParser {
    pub fn new(format: Format) -> CsvParser {
        CsvParser {
            format,
            reader: Reader::new(),
            head: Vec::new(),
            bom_checked: false,
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            byte: 0,
            line: 1,
            in_record: false,
            record_quotes: 0,
            record_line: 1,
            record_byte: 0,
            rows: 0,
            state: State::Header,
            bad_utf8: None,
        }
    }

    /// Reads the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8], builder: &mut Builder, file: u16) {
        if self.bom_checked {
            self.feed(chunk, false, builder, file);
            return;
        }
        self.head.extend_from_slice(chunk);
        if self.head.len() < BOM.len() && BOM.starts_with(&self.head) {
            return;
        }
        self.take_head(builder, file);
    }

    /// Ends the file: reads a last record without a line break and reports what is pending.
    pub fn finish(&mut self, builder: &mut Builder, file: u16) {
        if !self.bom_checked {
            self.take_head(builder, file);
        }
        self.feed(&[], true, builder, file);
        if let Some(bad) = self.bad_utf8.take() {
            builder.issue(
                file,
                bad.first,
                format!(
                    "{} rows hold bytes that are not UTF-8 (first in column `{}`); they were \
                     read with replacement characters (save the file as UTF-8 to keep every \
                     character)",
                    bad.rows, bad.column
                ),
            );
        }
        match &self.state {
            State::Header => builder.issue(
                file,
                Position::default(),
                "the file holds no header row and no data".to_string(),
            ),
            State::Rows(_) if self.rows == 0 => builder.issue(
                file,
                Position::default(),
                "the file has a header row but no data rows".to_string(),
            ),
            _ => {}
        }
    }

    /// Strips a UTF-8 byte-order mark from the held head and reads the rest.
    fn take_head(&mut self, builder: &mut Builder, file: u16) {
        self.bom_checked = true;
        let head = std::mem::take(&mut self.head);
        let body = match head.strip_prefix(BOM) {
            Some(rest) => {
                self.byte = BOM.len() as u64;
                rest
            }
            None => &head[..],
        };
        self.feed(body, false, builder, file);
    }

    /// Runs the state machine over `input`; `at_end` flushes the last record.
    fn feed(&mut self, mut input: &[u8], at_end: bool, builder: &mut Builder, file: u16) {
        loop {
            if !self.in_record && !at_end {
                // Skip blank lines here rather than in the reader, so that a record's
                // position is that of its first byte.
                let blank = input
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                let (skipped, rest) = input.split_at_checked(blank).unwrap_or((input, &[]));
                self.advance(skipped);
                input = rest;
                if input.is_empty() {
                    return;
                }
                self.in_record = true;
                self.record_quotes = 0;
                self.record_line = self.line;
                self.record_byte = self.byte;
            }
            let out = self.out.get_mut(self.out_len..).unwrap_or(&mut []);
            let ends = self.ends.get_mut(self.ends_len..).unwrap_or(&mut []);
            let (result, nin, nout, nends) = self.reader.read_record(input, out, ends);
            let (consumed, rest) = input.split_at_checked(nin).unwrap_or((input, &[]));
            self.advance(consumed);
            input = rest;
            self.out_len += nout;
            self.ends_len += nends;
            match result {
                ReadRecordResult::InputEmpty | ReadRecordResult::End => return,
                ReadRecordResult::OutputFull => {
                    if self.out.len() >= MAX_RECORD_BYTES {
                        self.drop_runaway_record(builder, file);
                    } else {
                        let len = (self.out.len() * 2).min(MAX_RECORD_BYTES);
                        self.out.resize(len, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                ReadRecordResult::Record => {
                    self.on_record(builder, file);
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.in_record = false;
                }
            }
        }
    }

    fn advance(&mut self, bytes: &[u8]) {
        self.byte += bytes.len() as u64;
        self.line += memchr::memchr_iter(b'\n', bytes).count() as u64;
        if self.in_record {
            self.record_quotes += memchr::memchr_iter(b'"', bytes).count() as u64;
        }
    }

    fn position(&self) -> Position {
        Position {
            record: (self.rows > 0).then_some(self.rows),
            line: Some(self.record_line),
            byte: Some(self.record_byte),
        }
    }

    /// Gives up on a record that outgrew [`MAX_RECORD_BYTES`] and reads on from here.
    fn drop_runaway_record(&mut self, builder: &mut Builder, file: u16) {
        if matches!(self.state, State::Rows(_)) {
            self.rows += 1;
        }
        builder.reject(
            file,
            self.position(),
            format!(
                "this record is longer than {} MB, so a quote opened in it is probably never \
                 closed; reading resumes at line {}",
                MAX_RECORD_BYTES >> 20,
                self.line
            ),
        );
        self.reader.reset();
        self.out_len = 0;
        self.ends_len = 0;
        self.in_record = false;
    }

    /// Handles one complete record: the header, or a data row.
    fn on_record(&mut self, builder: &mut Builder, file: u16) {
        let out = self.out.get(..self.out_len).unwrap_or(&[]);
        let ends = self.ends.get(..self.ends_len).unwrap_or(&[]);
        let mut cells: Vec<Text<'_>> = Vec::with_capacity(ends.len());
        let mut bad_cell = None;
        let mut start = 0;
        for (i, &end) in ends.iter().enumerate() {
            let bytes = out.get(start..end).unwrap_or(&[]);
            start = end;
            cells.push(match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => {
                    bad_cell.get_or_insert(i);
                    Cow::Owned(String::from_utf8_lossy(bytes).into_owned())
                }
            });
        }
        let header_position = Position {
            record: None,
            line: Some(self.record_line),
            byte: Some(self.record_byte),
        };
        match &self.state {
            State::Refused => {}
            State::Header => {
                self.state = match map_header(self.format, &cells) {
                    Ok((columns, unused)) => {
                        if !unused.is_empty() {
                            builder.issue(
                                file,
                                header_position,
                                format!(
                                    "{} columns are not used and were skipped: {}",
                                    unused.len(),
                                    ticked(&unused)
                                ),
                            );
                        }
                        State::Rows(Box::new(columns))
                    }
                    Err(why) => {
                        builder.refuse_file(file, why);
                        State::Refused
                    }
                };
            }
            State::Rows(columns) => {
                self.rows += 1;
                let position = Position {
                    record: Some(self.rows),
                    line: Some(self.record_line),
                    byte: Some(self.record_byte),
                };
                if let Some(i) = bad_cell {
                    let column = columns.names.get(i).cloned().unwrap_or_default();
                    let bad = self.bad_utf8.get_or_insert(BadText {
                        first: position,
                        column,
                        rows: 0,
                    });
                    bad.rows += 1;
                }
                let row = Row {
                    columns,
                    cells: &cells,
                    position,
                    last_line: self.record_line + line_breaks(out),
                    open_quote: self.record_quotes % 2 == 1,
                };
                read_row(self.format, &row, builder, file);
            }
        }
    }
}

/// Line breaks inside a record's cells, not counting trailing ones (a quote left open at the
/// end of the file takes the file's last line break into its cell).
fn line_breaks(cells: &[u8]) -> u64 {
    let end = cells
        .iter()
        .rposition(|b| !matches!(b, b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    let body = cells.get(..end).unwrap_or(cells);
    memchr::memchr_iter(b'\n', body).count() as u64
}

/// One data row with its header, ready to be turned into a record.
struct Row<'r, 'a> {
    columns: &'r Columns,
    cells: &'r [Text<'a>],
    position: Position,
    /// The line the row ended on (a quoted cell may span lines).
    last_line: u64,
    /// The row ran to the end of the file inside a quoted cell.
    open_quote: bool,
}

/// What a column holds. Columns that may hold a JSON object (Log Analytics) or a plain value
/// (the portal) share one field; the cell's first character decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Time,
    Id,
    ChangeId,
    /// Log Analytics `CorrelationId`: the change ID when `ChangeId` is empty.
    CorrelationId,
    CycleId,
    JobId,
    TenantId,
    /// Log Analytics `TenantId`, which is the workspace: the tenant only when nothing better.
    WorkspaceId,
    Action,
    ProvisioningAction,
    /// Status word (portal `Status`, Log Analytics `ResultType`) or status-info JSON.
    Status,
    /// `ProvisioningStatusInfo`: JSON, preferred over every other status.
    ProvisioningStatusInfo,
    /// Deprecated `StatusInfo`: JSON with an integer status.
    StatusInfo,
    Duration,
    ErrorCode,
    ErrorReason,
    ErrorCategory,
    RecommendedAction,
    AdditionalDetails,
    /// A system's name, or its JSON object.
    SourceSystem,
    TargetSystem,
    ServicePrincipal,
    ServicePrincipalId,
    /// The source identity's display name, or its JSON object.
    SourceIdentity,
    SourceId,
    SourceType,
    SourceUpn,
    TargetIdentity,
    TargetId,
    TargetType,
    InitiatedBy,
    Steps,
    Modified,
    StepName,
    StepType,
    StepStatus,
    StepDescription,
    StepDetails,
    StepOrder,
    PropertyName,
    OldValue,
    NewValue,
    /// A known column provlens has no use for (Log Analytics bookkeeping).
    Ignored,
}

/// Portal events file, spec §3; all names unverified, hence the many spellings.
const PORTAL_EVENTS: &[(&str, Field)] = &[
    ("dateutc", Field::Time),
    ("date", Field::Time),
    ("activitydatetime", Field::Time),
    ("timegenerated", Field::Time),
    ("changeid", Field::ChangeId),
    ("cycleid", Field::CycleId),
    ("jobid", Field::JobId),
    ("id", Field::Id),
    ("activityid", Field::Id),
    ("action", Field::Action),
    ("provisioningaction", Field::ProvisioningAction),
    ("status", Field::Status),
    ("provisioningstatus", Field::Status),
    ("resulttype", Field::Status),
    ("sourcesystem", Field::SourceSystem),
    ("sourcesystemname", Field::SourceSystem),
    ("targetsystem", Field::TargetSystem),
    ("targetsystemname", Field::TargetSystem),
    ("identity", Field::SourceIdentity),
    ("sourceidentityname", Field::SourceIdentity),
    ("sourceidentitydisplayname", Field::SourceIdentity),
    ("displayname", Field::SourceIdentity),
    ("sourceid", Field::SourceId),
    ("sourceidentityid", Field::SourceId),
    ("targetid", Field::TargetId),
    ("targetidentityid", Field::TargetId),
    ("targetidentityname", Field::TargetIdentity),
    ("targetidentitydisplayname", Field::TargetIdentity),
    ("sourceidentitytype", Field::SourceType),
    ("targetidentitytype", Field::TargetType),
    ("sourceupn", Field::SourceUpn),
    ("userprincipalname", Field::SourceUpn),
    ("sourceidentityupn", Field::SourceUpn),
    ("serviceprincipalname", Field::ServicePrincipal),
    ("serviceprincipal", Field::ServicePrincipal),
    ("applicationname", Field::ServicePrincipal),
    ("serviceprincipalid", Field::ServicePrincipalId),
    ("errorcode", Field::ErrorCode),
    ("resultsignature", Field::ErrorCode),
    ("reason", Field::ErrorReason),
    ("statusreason", Field::ErrorReason),
    ("errorreason", Field::ErrorReason),
    ("resultdescription", Field::ErrorReason),
    ("errorcategory", Field::ErrorCategory),
    ("recommendedaction", Field::RecommendedAction),
    ("additionaldetails", Field::AdditionalDetails),
    ("duration", Field::Duration),
    ("durationms", Field::Duration),
    ("durationinmilliseconds", Field::Duration),
    ("initiatedby", Field::InitiatedBy),
    ("tenantid", Field::TenantId),
];

/// Log Analytics `AADProvisioningLogs`, spec §6.1. Looked up before [`PORTAL_EVENTS`], so that a
/// query that renamed columns (`project ErrorCode = …`) still maps.
const LOG_ANALYTICS: &[(&str, Field)] = &[
    ("timegenerated", Field::Time),
    ("resulttype", Field::Status),
    ("resultsignature", Field::ErrorCode),
    ("resultdescription", Field::ErrorReason),
    ("durationms", Field::Duration),
    ("correlationid", Field::CorrelationId),
    ("id", Field::Id),
    ("jobid", Field::JobId),
    ("cycleid", Field::CycleId),
    ("changeid", Field::ChangeId),
    ("action", Field::Action),
    ("provisioningaction", Field::ProvisioningAction),
    ("sourcesystem", Field::SourceSystem),
    ("targetsystem", Field::TargetSystem),
    ("serviceprincipal", Field::ServicePrincipal),
    ("sourceidentity", Field::SourceIdentity),
    ("targetidentity", Field::TargetIdentity),
    ("provisioningstatusinfo", Field::ProvisioningStatusInfo),
    ("statusinfo", Field::StatusInfo),
    ("provisioningsteps", Field::Steps),
    ("modifiedproperties", Field::Modified),
    ("initiatedby", Field::InitiatedBy),
    ("aadtenantid", Field::TenantId),
    ("tenantid", Field::WorkspaceId),
    ("operationname", Field::Ignored),
    ("operationversion", Field::Ignored),
    ("category", Field::Ignored),
    ("type", Field::Ignored),
    ("sourcesystemname", Field::SourceSystem),
    ("billedsize", Field::Ignored),
    ("isbillable", Field::Ignored),
    ("resourceid", Field::Ignored),
];

const PORTAL_STEPS: &[(&str, Field)] = &[
    ("changeid", Field::ChangeId),
    ("name", Field::StepName),
    ("stepname", Field::StepName),
    ("step", Field::StepName),
    ("type", Field::StepType),
    ("provisioningsteptype", Field::StepType),
    ("steptype", Field::StepType),
    ("status", Field::StepStatus),
    ("stepstatus", Field::StepStatus),
    ("description", Field::StepDescription),
    ("details", Field::StepDetails),
    ("order", Field::StepOrder),
    ("steporder", Field::StepOrder),
    ("stepnumber", Field::StepOrder),
    ("sequence", Field::StepOrder),
];

const PORTAL_MODIFIED: &[(&str, Field)] = &[
    ("changeid", Field::ChangeId),
    ("displayname", Field::PropertyName),
    ("name", Field::PropertyName),
    ("propertyname", Field::PropertyName),
    ("attribute", Field::PropertyName),
    ("oldvalue", Field::OldValue),
    ("newvalue", Field::NewValue),
];

/// A column a file cannot be read without: any one of `fields` will do.
struct Required {
    what: &'static str,
    fields: &'static [Field],
    headers: &'static str,
}

const EVENT_DATE: Required = Required {
    what: "the date",
    fields: &[Field::Time],
    headers: "`Date (UTC)`, `Activity Date Time` or `TimeGenerated [UTC]`",
};
const EVENT_STATUS: Required = Required {
    what: "the status",
    fields: &[
        Field::Status,
        Field::ProvisioningStatusInfo,
        Field::StatusInfo,
    ],
    headers: "`Status`, `ResultType` or `ProvisioningStatusInfo`",
};
const EVENT_ACTION: Required = Required {
    what: "the action",
    fields: &[Field::Action, Field::ProvisioningAction],
    headers: "`Action` or `ProvisioningAction`",
};
const CHANGE_ID: Required = Required {
    what: "the change ID",
    fields: &[Field::ChangeId],
    headers: "`Change ID`",
};
const STEP_NAME: Required = Required {
    what: "the step",
    fields: &[Field::StepName, Field::StepDescription],
    headers: "`Step`, `Step Name`, `Name` or `Description`",
};
const PROPERTY_NAME: Required = Required {
    what: "the property name",
    fields: &[Field::PropertyName],
    headers: "`Name`, `Property Name`, `Display Name` or `Attribute`",
};
const PROPERTY_VALUE: Required = Required {
    what: "the values",
    fields: &[Field::OldValue, Field::NewValue],
    headers: "`Old Value` and/or `New Value`",
};

/// Header aliases: normalized name and the field it maps to.
type Aliases = &'static [(&'static str, Field)];

/// The alias tables to look headers up in (in order) and the columns a format requires.
fn tables(format: Format) -> (&'static [Aliases], &'static [Required]) {
    match format {
        Format::LogAnalyticsCsv => (
            &[LOG_ANALYTICS, PORTAL_EVENTS],
            &[EVENT_DATE, EVENT_STATUS, EVENT_ACTION],
        ),
        Format::PortalCsvSteps => (&[PORTAL_STEPS], &[CHANGE_ID, STEP_NAME]),
        Format::PortalCsvModified => (
            &[PORTAL_MODIFIED],
            &[CHANGE_ID, PROPERTY_NAME, PROPERTY_VALUE],
        ),
        _ => (&[PORTAL_EVENTS], &[EVENT_DATE, EVENT_STATUS, EVENT_ACTION]),
    }
}

/// Maps a header row; returns the columns and the headers that were not used, or why the file
/// cannot be read (with the headers seen and those expected).
fn map_header(format: Format, cells: &[Text<'_>]) -> Result<(Columns, Vec<String>), String> {
    let (tables, required) = tables(format);
    let names: Vec<String> = cells
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut fields: Vec<Option<Field>> = Vec::with_capacity(names.len());
    let mut unused = Vec::new();
    for name in &names {
        let key = normalize_header(name);
        let field = tables
            .iter()
            .find_map(|t| t.iter().find(|(alias, _)| *alias == key).map(|(_, f)| *f));
        // A second column for the same field is not used: the first one wins.
        let field = field.filter(|f| *f == Field::Ignored || !fields.contains(&Some(*f)));
        if field.is_none() && !name.is_empty() {
            unused.push(name.clone());
        }
        fields.push(field);
    }
    let missing: Vec<&Required> = required
        .iter()
        .filter(|r| !r.fields.iter().any(|f| fields.contains(&Some(*f))))
        .collect();
    if missing.is_empty() {
        return Ok((Columns { names, fields }, unused));
    }
    let what: Vec<&str> = missing.iter().map(|r| r.what).collect();
    let expected: Vec<String> = required
        .iter()
        .map(|r| format!("{} ({})", r.what, r.headers))
        .collect();
    Err(format!(
        "its header has no column for {}, so it cannot be read as {}. Headers seen: {}. \
         Headers expected: {}; other columns are optional",
        what.join(", "),
        format.label(),
        ticked(&names),
        expected.join(", ")
    ))
}

fn ticked(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_string();
    }
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Turns one data row into an event, a step or a modified property, or rejects it.
fn read_row(format: Format, row: &Row<'_, '_>, builder: &mut Builder, file: u16) {
    let cells = row.cells;
    if cells.iter().all(|c| c.trim().is_empty()) {
        // Blank rows (`,,,,` as spreadsheets leave them) carry nothing to reject.
        return;
    }
    if row.open_quote {
        builder.reject(
            file,
            row.position,
            format!(
                "a quote opened in this row is never closed, so the row runs to the end of the \
                 file (lines {}–{}); close the quote to read these lines",
                row.position.line.unwrap_or_default(),
                row.last_line
            ),
        );
        return;
    }
    let expected = row.columns.fields.len();
    // Extra cells are tolerated when empty: spreadsheets often leave trailing commas.
    let extra_filled = cells.iter().skip(expected).any(|c| !c.trim().is_empty());
    if cells.len() < expected || extra_filled {
        let mut message = format!(
            "expected {expected} columns as in the header, found {}",
            cells.len()
        );
        if let Some(line) = row.position.line.filter(|l| *l < row.last_line) {
            message.push_str(&format!(
                " (the row spans lines {line}–{}; is a quote left open?)",
                row.last_line
            ));
        }
        builder.reject(file, row.position, message);
        return;
    }
    let result = match format {
        Format::PortalCsvSteps => read_step(row, builder, file),
        Format::PortalCsvModified => read_modified(row, builder, file),
        _ => read_event(row, builder, file),
    };
    if let Err(why) = result {
        builder.reject(file, row.position, why);
    }
}

/// The cells of a row paired with what their column holds.
fn cells<'r, 'a>(row: &'r Row<'_, 'a>) -> impl Iterator<Item = (Field, &'r str, &'r Text<'a>)> {
    row.columns
        .fields
        .iter()
        .zip(&row.columns.names)
        .zip(row.cells)
        .filter_map(|((f, name), cell)| f.map(|f| (f, name.as_str(), cell)))
}

/// A cell without surrounding blanks, still borrowed when it was.
fn trimmed<'a>(cell: &Text<'a>) -> Text<'a> {
    match cell {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim()),
        Cow::Owned(s) => Cow::Owned(s.trim().to_string()),
    }
}

fn owned(cell: &Text<'_>) -> Text<'static> {
    Cow::Owned(cell.trim().to_string())
}

/// Sets `slot` unless an earlier column already filled it.
fn fill<'a>(slot: &mut Text<'a>, value: Text<'a>) {
    if slot.is_empty() {
        *slot = value;
    }
}

fn fill_system<'a>(slot: &mut SystemDraft<'a>, value: SystemDraft<'a>) {
    fill(&mut slot.id, value.id);
    fill(&mut slot.name, value.name);
}

fn fill_identity<'a>(slot: &mut IdentityDraft<'a>, value: IdentityDraft<'a>) {
    fill(&mut slot.id, value.id);
    fill(&mut slot.name, value.name);
    fill(&mut slot.kind, value.kind);
    fill(&mut slot.upn, value.upn);
}

/// Whether a cell holds JSON text (an object or an array) rather than a plain value.
fn is_json(cell: &str) -> bool {
    matches!(cell.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Whether a JSON cell holds nothing (empty, or the JSON `null`).
fn is_blank_json(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty() || t == "null"
}

fn json_error(column: &str, expected: &str, e: &serde_json::Error) -> String {
    let s = e.to_string();
    let s = s.rfind(" at line ").and_then(|i| s.get(..i)).unwrap_or(&s);
    format!("column `{column}` is not valid JSON ({s}); expected {expected}")
}

/// Where the status and error come from, in order of preference (spec §6.1).
#[derive(Default)]
struct StatusSources<'a> {
    provisioning: Option<StatusInfoDraft<'static>>,
    legacy: Option<StatusInfoDraft<'static>>,
    word: Text<'a>,
    /// From `Error Code`/`ResultSignature` and friends: used when the status info has none.
    code: Text<'a>,
    reason: Text<'a>,
    category: Text<'a>,
    recommended: Text<'a>,
    additional: Text<'a>,
}

/// Reads an event row (portal events file or Log Analytics).
fn read_event(row: &Row<'_, '_>, builder: &mut Builder, file: u16) -> Result<(), String> {
    let mut draft = EventDraft::default();
    let mut time_ms = None;
    let mut status = StatusSources::default();
    let (mut provisioning_action, mut action) = (Text::default(), Text::default());
    let (mut correlation, mut workspace) = (Text::default(), Text::default());
    for (field, column, cell) in cells(row) {
        let value = trimmed(cell);
        match field {
            Field::Time => {
                // A row whose date cannot be read is rejected rather than kept without a time:
                // every view (timeline, cycles, "what changed when") places events by time, and
                // an event that is counted in the totals but missing from every timeline gives
                // numbers that disagree between views. The rejection names the value and the
                // spellings read, which tells an admin exactly what to fix.
                if value.is_empty() {
                    return Err(format!(
                        "column `{column}` is empty; every event needs its date"
                    ));
                }
                match parse_time_ms(&value) {
                    Some(ms) => time_ms = Some(ms),
                    None => {
                        return Err(format!(
                            "column `{column}`: `{value}` is not a date (expected ISO 8601 or \
                             `M/D/YYYY, h:mm:ss AM/PM`)"
                        ))
                    }
                }
            }
            Field::Id => fill(&mut draft.id, value),
            Field::ChangeId => fill(&mut draft.change_id, value),
            Field::CorrelationId => fill(&mut correlation, value),
            Field::CycleId => fill(&mut draft.cycle_id, value),
            Field::JobId => fill(&mut draft.job_id, value),
            Field::TenantId => fill(&mut draft.tenant_id, value),
            Field::WorkspaceId => fill(&mut workspace, value),
            Field::Action => fill(&mut action, value),
            Field::ProvisioningAction => fill(&mut provisioning_action, value),
            Field::Status | Field::ProvisioningStatusInfo | Field::StatusInfo => {
                if is_json(&value) {
                    let info = status_info_from_json(&value).map_err(|e| {
                        json_error(column, "an object such as {\"status\":\"failure\"}", &e)
                    })?;
                    let slot = match field {
                        Field::StatusInfo => &mut status.legacy,
                        _ => &mut status.provisioning,
                    };
                    slot.get_or_insert(info);
                } else if !is_blank_json(&value) {
                    fill(&mut status.word, value);
                }
            }
            Field::Duration => {
                if !value.is_empty() {
                    match crate::core::number::parse_decimal(&value) {
                        Some(d) if d.is_finite() && d >= 0.0 => {
                            draft.duration_ms = Some(d.min(f64::from(u32::MAX)) as u32);
                        }
                        _ => builder.issue(
                            file,
                            row.position,
                            format!(
                                "column `{column}`: `{value}` is not a duration in \
                                 milliseconds; the event is kept without one"
                            ),
                        ),
                    }
                }
            }
            Field::ErrorCode => fill(&mut status.code, value),
            Field::ErrorReason => fill(&mut status.reason, value),
            Field::ErrorCategory => fill(&mut status.category, value),
            Field::RecommendedAction => fill(&mut status.recommended, value),
            Field::AdditionalDetails => fill(&mut status.additional, value),
            Field::SourceSystem | Field::TargetSystem | Field::ServicePrincipal => {
                let slot = match field {
                    Field::SourceSystem => &mut draft.source_system,
                    Field::TargetSystem => &mut draft.target_system,
                    _ => &mut draft.service_principal,
                };
                if is_json(&value) {
                    let system = system_from_json(&value).map_err(|e| {
                        json_error(column, "an object such as {\"Id\":…,\"Name\":…}", &e)
                    })?;
                    fill_system(slot, system);
                } else if !is_blank_json(&value) {
                    fill(&mut slot.name, value);
                }
            }
            Field::ServicePrincipalId => fill(&mut draft.service_principal.id, value),
            Field::SourceIdentity | Field::TargetIdentity => {
                let slot = match field {
                    Field::SourceIdentity => &mut draft.source,
                    _ => &mut draft.target,
                };
                if is_json(&value) {
                    let identity = identity_from_json(&value).map_err(|e| {
                        json_error(
                            column,
                            "an object such as {\"Id\":…,\"Name\":…,\"identityType\":…}",
                            &e,
                        )
                    })?;
                    fill_identity(slot, identity);
                } else if !is_blank_json(&value) {
                    fill(&mut slot.name, value);
                }
            }
            Field::SourceId => fill(&mut draft.source.id, value),
            Field::SourceType => fill(&mut draft.source.kind, value),
            Field::SourceUpn => fill(&mut draft.source.upn, value),
            Field::TargetId => fill(&mut draft.target.id, value),
            Field::TargetType => fill(&mut draft.target.kind, value),
            Field::InitiatedBy => {
                if is_json(&value) {
                    let name = initiator_from_json(&value).map_err(|e| {
                        json_error(column, "an object such as {\"Type\":…,\"Name\":…}", &e)
                    })?;
                    fill(&mut draft.initiated_by, Cow::Owned(name));
                } else if !is_blank_json(&value) {
                    fill(&mut draft.initiated_by, value);
                }
            }
            Field::Steps => {
                if !is_blank_json(&value) {
                    let steps = steps_from_json(&value)
                        .map_err(|e| json_error(column, "an array of step objects", &e))?;
                    if draft.steps.is_empty() {
                        draft.steps = steps;
                    }
                }
            }
            Field::Modified => {
                if !is_blank_json(&value) {
                    let modified = modified_from_json(&value).map_err(|e| {
                        json_error(
                            column,
                            "an array of {\"displayName\",\"oldValue\",\"newValue\"} objects",
                            &e,
                        )
                    })?;
                    if draft.modified.is_empty() {
                        draft.modified = modified;
                    }
                }
            }
            Field::StepName
            | Field::StepType
            | Field::StepStatus
            | Field::StepDescription
            | Field::StepDetails
            | Field::StepOrder
            | Field::PropertyName
            | Field::OldValue
            | Field::NewValue
            | Field::Ignored => {}
        }
    }
    // Header mapping guarantees a date column, and an empty or unreadable date returned above.
    draft.time_ms = time_ms;
    fill(&mut draft.change_id, correlation);
    // Log Analytics `TenantId` is the workspace; it stands in only when `AADTenantId` is absent,
    // as the JSON decoder does for the same table.
    fill(&mut draft.tenant_id, workspace);
    draft.action = if provisioning_action.is_empty() {
        action
    } else {
        provisioning_action
    };
    resolve_status(&mut draft, status);
    builder.add_event(file, &draft);
    Ok(())
}

/// Chooses status and error fields: `ProvisioningStatusInfo`, then `StatusInfo`, then the
/// plain columns (`ResultType`, `ResultSignature`, `ResultDescription`, or the portal's).
fn resolve_status<'a>(draft: &mut EventDraft<'a>, s: StatusSources<'a>) {
    let infos: Vec<StatusInfoDraft<'static>> =
        [s.provisioning, s.legacy].into_iter().flatten().collect();
    for info in &infos {
        fill(&mut draft.status, info.status.clone());
        let e = &info.error;
        for (slot, value) in [
            (&mut draft.error_code, &e.code),
            (&mut draft.error_reason, &e.reason),
            (&mut draft.error_category, &e.category),
            (&mut draft.recommended_action, &e.recommended),
            (&mut draft.additional_details, &e.additional),
        ] {
            if let Some(v) = value {
                fill(slot, Cow::Owned(v.trim().to_string()));
            }
        }
    }
    fill(&mut draft.status, s.word);
    fill(&mut draft.error_code, s.code);
    fill(&mut draft.error_reason, s.reason);
    fill(&mut draft.error_category, s.category);
    fill(&mut draft.recommended_action, s.recommended);
    fill(&mut draft.additional_details, s.additional);
}

/// The change ID of a child row; an empty one cannot be joined and rejects the row.
fn change_id(row: &Row<'_, '_>) -> Result<String, String> {
    let found = cells(row).find(|(f, _, _)| *f == Field::ChangeId);
    match found {
        Some((_, _, cell)) if !cell.trim().is_empty() => Ok(cell.trim().to_string()),
        Some((_, column, _)) => Err(format!(
            "column `{column}` is empty, so this row cannot be joined to its event"
        )),
        None => Err("the row has no change ID".to_string()),
    }
}

/// Reads a row of the portal steps file and queues it for its event.
fn read_step(row: &Row<'_, '_>, builder: &mut Builder, file: u16) -> Result<(), String> {
    let change = change_id(row)?;
    let mut step = StepDraft::default();
    let mut order = None;
    for (field, column, cell) in cells(row) {
        match field {
            Field::StepName => fill(&mut step.name, owned(cell)),
            Field::StepType => fill(&mut step.kind, owned(cell)),
            Field::StepStatus => fill(&mut step.status, owned(cell)),
            Field::StepDescription => fill(&mut step.description, owned(cell)),
            Field::StepDetails if step.details.is_empty() => step.details = details(cell),
            Field::StepOrder => {
                let t = cell.trim();
                match t.parse::<u32>() {
                    Ok(n) => order = Some(n),
                    Err(_) if t.is_empty() => {}
                    Err(_) => builder.issue(
                        file,
                        row.position,
                        format!(
                            "column `{column}`: `{t}` is not a step number; the step keeps its \
                             place in the file"
                        ),
                    ),
                }
            }
            _ => {}
        }
    }
    builder.pending_step_ordered(file, change, order, step);
    Ok(())
}

/// Step details from a cell: a JSON object's keys and values, or the text as one `details`.
fn details(cell: &Text<'_>) -> Vec<(Text<'static>, Text<'static>)> {
    let t = cell.trim();
    if t.is_empty() || t == "{}" || t == "null" {
        return Vec::new();
    }
    if t.starts_with('{') {
        // The step decoder reads details exactly as the JSON formats carry them.
        let wrapped = format!("[{{\"details\":{t}}}]");
        if let Ok(steps) = steps_from_json(&wrapped) {
            if let Some(step) = steps.into_iter().next() {
                return step.details;
            }
        }
    }
    vec![(Cow::Borrowed("details"), Cow::Owned(t.to_string()))]
}

/// Reads a row of the portal modified-properties file and queues it for its event.
fn read_modified(row: &Row<'_, '_>, builder: &mut Builder, file: u16) -> Result<(), String> {
    let change = change_id(row)?;
    let mut m = ModifiedDraft::default();
    for (field, _, cell) in cells(row) {
        match field {
            Field::PropertyName => fill(&mut m.name, owned(cell)),
            // Values keep their blanks: a leading space can be the very change being logged.
            Field::OldValue => fill(&mut m.old, Cow::Owned(cell.to_string())),
            Field::NewValue => fill(&mut m.new, Cow::Owned(cell.to_string())),
            _ => {}
        }
    }
    if m.name.is_empty() {
        return Err("the property name is empty".to_string());
    }
    builder.pending_modified(file, change, m);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ingest::DataSet;
    use crate::core::time::format_iso;

    /// Reads `input` as one file of `format`, fed in chunks of `chunk` bytes.
    fn run(format: Format, input: &[u8], chunk: usize) -> DataSet {
        let mut builder = Builder::default();
        let file = builder.add_file("t.csv", input.len() as u64);
        let mut parser = CsvParser::new(format);
        for c in input.chunks(chunk.max(1)) {
            parser.push(c, &mut builder, file);
        }
        parser.finish(&mut builder, file);
        builder.finish()
    }

    /// One line per event and per issue, with the fields these tests look at.
    fn render(data: &DataSet) -> String {
        let s = &data.store;
        let mut out = String::new();
        for e in &s.events {
            out.push_str(&format!(
                "{} {} {} change={} id={} job={} tenant={} src={}/{}/{} tgt={}/{} sys={}>{} \
                 sp={} by={} err={}|{} ms={:?} steps={} mod={}\n",
                e.time_ms.map(format_iso).unwrap_or_default(),
                e.status.as_str(),
                e.action.as_str(),
                s.str(e.change_id),
                s.str(e.id),
                s.str(e.job_id),
                s.str(e.tenant_id),
                s.str(e.source.id),
                s.str(e.source.name),
                s.str(e.source.upn),
                s.str(e.target.id),
                s.str(e.target.kind),
                s.str(e.source_system.name),
                s.str(e.target_system.name),
                s.str(e.service_principal.name),
                s.str(e.initiated_by),
                s.str(e.error_code),
                s.str(e.error_reason),
                e.duration_ms,
                s.steps_of(e).len(),
                s.modified_of(e).len(),
            ));
        }
        for i in &data.issues {
            out.push_str(&format!("! {}: {}\n", i.position, i.message));
        }
        out
    }

    /// Reads `input` whole and in chunks of 1, 3 and 64 bytes; all must give `expected`.
    fn check(format: Format, input: &[u8], expected: &str) {
        let whole = render(&run(format, input, input.len()));
        for chunk in [1, 3, 64] {
            let chunked = render(&run(format, input, chunk));
            assert_eq!(
                chunked, whole,
                "chunks of {chunk} bytes differ from the whole"
            );
        }
        assert_eq!(whole.trim(), expected.trim(), "\n{whole}");
    }

    const PORTAL_HEADER: &str = "Date (UTC),Change ID,Cycle ID,Job ID,Action,Status,\
        Source System,Target System,Identity,Source ID,Target ID,Error Code,Reason";

    #[test]
    fn portal_events_with_bom_crlf_quotes_and_line_breaks() {
        let input = format!(
            "\u{feff}{PORTAL_HEADER}\r\n\
             2022-08-23T13:36:50.3538931Z,c1,cy,job1,Create,Skipped,Azure Active Directory,\
             Dropbox,Ellie,u1,,,\r\n\
             \"8/23/2022, 1:40:00.000 PM\",c2,cy,job1,Update,Failure,Azure Active Directory,\
             Dropbox,\"Miller, Joel\",u2,t2,Conflict,\"He said \"\"no\"\",\r\nthen left\"\r\n"
        );
        check(
            Format::PortalCsvEvents,
            input.as_bytes(),
            "2022-08-23T13:36:50.353Z skipped create change=c1 id= job=job1 tenant= \
             src=u1/Ellie/ tgt=/ sys=Azure Active Directory>Dropbox sp= by= err=| ms=None \
             steps=0 mod=0\n\
             2022-08-23T13:40:00Z failure update change=c2 id= job=job1 tenant= \
             src=u2/Miller, Joel/ tgt=t2/ sys=Azure Active Directory>Dropbox sp= by= \
             err=Conflict|He said \"no\",\r\nthen left ms=None steps=0 mod=0",
        );
    }

    #[test]
    fn unused_columns_are_noted_once_and_a_last_row_needs_no_line_break() {
        check(
            Format::PortalCsvEvents,
            b"Date,Change ID,Action,Status,Colour,Duration (ms),Shoe size\n\
              2022-08-23T13:36:50Z,c1,Delete,Success,red,12,44\n\
              2022-08-23T13:36:51Z,c2,Disable,Warning,blue,oops,45",
            "2022-08-23T13:36:50Z success delete change=c1 id= job= tenant= src=// tgt=/ \
             sys=> sp= by= err=| ms=Some(12) steps=0 mod=0\n\
             2022-08-23T13:36:51Z warning disable change=c2 id= job= tenant= src=// tgt=/ \
             sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             ! line 1, byte 0: 2 columns are not used and were skipped: `Colour`, `Shoe size`\n\
             ! record 2, line 3, byte 109: column `Duration (ms)`: `oops` is not a duration in \
             milliseconds; the event is kept without one",
        );
    }

    #[test]
    fn a_header_that_cannot_be_mapped_refuses_the_file_with_seen_and_expected() {
        let data = run(
            Format::PortalCsvEvents,
            b"\xef\xbb\xbfWhen,Change ID,Outcome\n2022-08-23,c1,Success\n",
            64,
        );
        assert_eq!(data.store.events.len(), 0);
        let refused = data.files.first().and_then(|f| f.refused.clone());
        assert_eq!(
            refused.as_deref(),
            Some(
                "t.csv cannot be read: its header has no column for the date, the status, \
                 the action, so it cannot be read as Portal CSV (events). Headers seen: `When`, \
                 `Change ID`, `Outcome`. Headers expected: the date (`Date (UTC)`, `Activity \
                 Date Time` or `TimeGenerated [UTC]`), the status (`Status`, `ResultType` or \
                 `ProvisioningStatusInfo`), the action (`Action` or `ProvisioningAction`); \
                 other columns are optional."
            )
        );
        let steps = run(
            Format::PortalCsvSteps,
            b"Step,Type,Status\nA,Import,Success\n",
            3,
        );
        let message = steps
            .issues
            .first()
            .map(|i| i.message.clone())
            .unwrap_or_default();
        assert!(message.contains("no column for the change ID"), "{message}");
        assert!(
            message.contains("Headers seen: `Step`, `Type`, `Status`"),
            "{message}"
        );
    }

    #[test]
    fn ragged_rows_are_rejected_and_the_rest_is_read() {
        check(
            Format::PortalCsvEvents,
            b"Date,Change ID,Action,Status\n\
              2022-08-23T13:36:50Z,c1,Create\n\
              2022-08-23T13:36:51Z,c2,Create,Success,surprise\n\
              2022-08-23T13:36:52Z,c3,Create,Success,,\n\
              ,,,\n\
              \n\
              2022-08-23T13:36:53Z,c4,Create,Success\n",
            "2022-08-23T13:36:52Z success create change=c3 id= job= tenant= src=// tgt=/ \
             sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             2022-08-23T13:36:53Z success create change=c4 id= job= tenant= src=// tgt=/ \
             sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             ! record 1, line 2, byte 29: expected 4 columns as in the header, found 3\n\
             ! record 2, line 3, byte 60: expected 4 columns as in the header, found 5",
        );
    }

    #[test]
    fn bad_and_empty_dates_reject_the_row() {
        check(
            Format::PortalCsvEvents,
            b"Date (UTC),Change ID,Action,Status\n\
              13/45/2022,c1,Create,Success\n\
              ,c2,Create,Success\n\
              2022-08-23T13:36:53Z,c3,Create,Success\n",
            "2022-08-23T13:36:53Z success create change=c3 id= job= tenant= src=// tgt=/ \
             sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             ! record 1, line 2, byte 35: column `Date (UTC)`: `13/45/2022` is not a date \
             (expected ISO 8601 or `M/D/YYYY, h:mm:ss AM/PM`)\n\
             ! record 2, line 3, byte 64: column `Date (UTC)` is empty; every event needs its \
             date",
        );
    }

    #[test]
    fn a_quote_left_open_swallows_lines_and_says_so() {
        check(
            Format::PortalCsvEvents,
            b"Date,Change ID,Action,Status\n\
              2022-08-23T13:36:50Z,c1,Create,\"Success\n\
              2022-08-23T13:36:51Z,c2,Create,Success\n",
            "! record 1, line 2, byte 29: a quote opened in this row is never closed, so the \
             row runs to the end of the file (lines 2–3); close the quote to read these lines",
        );
    }

    #[test]
    fn invalid_utf8_is_read_lossily_with_one_note() {
        check(
            Format::PortalCsvEvents,
            b"Date,Change ID,Action,Status,Identity\n\
              2022-08-23T13:36:50Z,c1,Create,Success,Jos\xe9\n\
              2022-08-23T13:36:51Z,c2,Create,Success,Ren\xe9e\n",
            "2022-08-23T13:36:50Z success create change=c1 id= job= tenant= src=/Jos\u{fffd}/ \
             tgt=/ sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             2022-08-23T13:36:51Z success create change=c2 id= job= tenant= \
             src=/Ren\u{fffd}e/ tgt=/ sys=> sp= by= err=| ms=None steps=0 mod=0\n\
             ! record 1, line 2, byte 38: 2 rows hold bytes that are not UTF-8 (first in \
             column `Identity`); they were read with replacement characters (save the file as \
             UTF-8 to keep every character)",
        );
    }

    #[test]
    fn header_only_and_empty_files_say_so() {
        check(
            Format::PortalCsvModified,
            b"\xef\xbb\xbfChange ID,Name,Old Value,New Value\r\n",
            "! whole file: the file has a header row but no data rows",
        );
        check(
            Format::PortalCsvSteps,
            b"\xef\xbb\xbf",
            "! whole file: the file holds no header row and no data",
        );
        check(
            Format::PortalCsvSteps,
            b"",
            "! whole file: the file holds no header row and no data",
        );
    }

    const LA_HEADER: &str = "TimeGenerated [UTC],ResultType,ResultSignature,ResultDescription,\
        DurationMs,Id,JobId,ChangeId,CorrelationId,Action,ProvisioningAction,SourceSystem,\
        TargetSystem,ServicePrincipal,SourceIdentity,TargetIdentity,ProvisioningStatusInfo,\
        ProvisioningSteps,ModifiedProperties,InitiatedBy,AADTenantId,TenantId,Type";

    #[test]
    fn log_analytics_prefers_status_info_and_provisioning_action() {
        let input = format!(
            "{LA_HEADER}\n\
             \"8/23/2022, 1:36:50.353 PM\",Success,SigCode,SigReason,828,id1,,,corr1,Update,\
             create,\"{{\"\"Id\"\":\"\"s\"\",\"\"Name\"\":\"\"AAD\"\"}}\",\
             \"{{\"\"Id\"\":\"\"t\"\",\"\"Name\"\":\"\"Dropbox\"\"}}\",\
             \"{{\"\"Id\"\":\"\"p\"\",\"\"Name\"\":\"\"Dropbox Business\"\"}}\",\
             \"{{\"\"Id\"\":\"\"u1\"\",\"\"Name\"\":\"\"Ellie\"\",\"\"details\"\":\
             {{\"\"UserPrincipalName\"\":\"\"ellie@x\"\"}}}}\",\
             \"{{\"\"Id\"\":\"\"\"\",\"\"identityType\"\":\"\"User\"\"}}\",\
             \"{{\"\"Status\"\":\"\"failure\"\",\"\"errorInformation\"\":\
             {{\"\"errorCode\"\":\"\"Info\"\"}}}}\",\
             \"[{{\"\"name\"\":\"\"EntryImportAdd\"\",\"\"provisioningStepType\"\":0,\
             \"\"status\"\":0}}]\",[],\
             \"{{\"\"Type\"\":\"\"system\"\",\"\"Name\"\":\"\"Azure AD Provisioning Service\"\"}}\",\
             ,workspace1,AADProvisioningLogs\n\
             2022-08-23T13:36:51Z,Skipped,,,,id2,job2,c2,,Delete,,,,,,,,,,,tenant2,ws,x\n"
        );
        check(
            Format::LogAnalyticsCsv,
            input.as_bytes(),
            "2022-08-23T13:36:50.353Z failure create change=corr1 id=id1 job= \
             tenant=workspace1 src=u1/Ellie/ellie@x tgt=/User sys=AAD>Dropbox \
             sp=Dropbox Business by=Azure AD Provisioning Service err=Info|SigReason \
             ms=Some(828) steps=1 mod=0\n\
             2022-08-23T13:36:51Z skipped delete change=c2 id=id2 job=job2 tenant=tenant2 \
             src=// tgt=/ sys=> sp= by= err=| ms=None steps=0 mod=0",
        );
    }

    #[test]
    fn invalid_json_in_a_cell_rejects_only_that_row() {
        let input = "TimeGenerated [UTC],ResultType,Action,SourceIdentity,ProvisioningSteps\n\
             2022-08-23T13:36:50Z,Success,Create,\"{\"\"Id\"\":\"\"u1\"\",}\",[]\n\
             2022-08-23T13:36:51Z,Success,Create,,\"[{\"\"name\"\":1\"\n\
             2022-08-23T13:36:52Z,Success,Create,,\n";
        check(
            Format::LogAnalyticsCsv,
            input.as_bytes(),
            "2022-08-23T13:36:52Z success create change= id= job= tenant= src=// tgt=/ sys=> \
             sp= by= err=| ms=None steps=0 mod=0\n\
             ! record 1, line 2, byte 71: column `SourceIdentity` is not valid JSON (trailing \
             comma); expected an object such as {\"Id\":…,\"Name\":…,\"identityType\":…}\n\
             ! record 2, line 3, byte 129: column `ProvisioningSteps` is not valid JSON \
             (EOF while parsing an object); expected an array of step objects",
        );
    }
}
