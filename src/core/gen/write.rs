//! Writers that turn generated events into every export format provlens reads, byte for byte
//! as the real exports lay them out (spec §2–§6), optionally wrapped in gzip or zip.
//!
//! Every writer works on bytes in memory (the browser demo uses them too); the public
//! `write_*` functions also accept any [`std::io::Write`].

use std::io::{self, Write};

use crate::core::gen::{GenError, GenEvent, GenIdentity, GenStep, GenSystem, Rng};
use crate::core::model::{Action, Status, StepType};
use crate::core::time::{format_iso_ms, format_us};

/// The export formats the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GenFormat {
    /// Portal download: one minified JSON array, Graph camelCase, string enums.
    PortalJson,
    /// Graph v1.0 list response pages, one file per page.
    Graph,
    /// Graph beta pages: also the deprecated `action` and `statusInfo`.
    GraphBeta,
    /// `Get-MgAuditLogProvisioning | ConvertTo-Json`: PascalCase, pretty-printed array.
    Sdk,
    /// Diagnostic settings to a storage account: JSON Lines of Azure Monitor envelopes.
    Diagnostic,
    /// Diagnostic settings to an event hub: `{"records":[…]}` messages, one per line.
    EventHub,
    /// Log Analytics query result exported as CSV (`TimeGenerated [UTC]`, JSON cells, BOM).
    LaCsv,
    /// Log Analytics query result exported as JSON.
    LaJson,
    /// Portal CSV download: three files joined on Change ID.
    PortalCsv,
}

impl GenFormat {
    pub const ALL: [GenFormat; 9] = [
        GenFormat::PortalJson,
        GenFormat::Graph,
        GenFormat::GraphBeta,
        GenFormat::Sdk,
        GenFormat::Diagnostic,
        GenFormat::EventHub,
        GenFormat::LaCsv,
        GenFormat::LaJson,
        GenFormat::PortalCsv,
    ];

    pub fn name(self) -> &'static str {
        match self {
            GenFormat::PortalJson => "portal-json",
            GenFormat::Graph => "graph",
            GenFormat::GraphBeta => "graph-beta",
            GenFormat::Sdk => "sdk",
            GenFormat::Diagnostic => "diagnostic",
            GenFormat::EventHub => "eventhub",
            GenFormat::LaCsv => "la-csv",
            GenFormat::LaJson => "la-json",
            GenFormat::PortalCsv => "portal-csv",
        }
    }

    pub fn parse(text: &str) -> Option<GenFormat> {
        GenFormat::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(text.trim()))
    }
}

/// How written files are packed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Wrap {
    #[default]
    None,
    /// Each file gzip-compressed, `.gz` appended to its name.
    Gzip,
    /// All files of one format in one `<format>.zip`.
    Zip,
}

/// Writer options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// Records per Graph page.
    pub page_size: usize,
    /// Records per Event Hub message.
    pub batch_size: usize,
    pub wrap: Wrap,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            page_size: 1_000,
            batch_size: 500,
            wrap: Wrap::None,
        }
    }
}

/// Writes `events` in one format: a list of (file name, bytes).
pub fn write_format(
    format: GenFormat,
    events: &[GenEvent],
    options: &WriteOptions,
) -> Vec<(String, Vec<u8>)> {
    let files: Vec<(String, Vec<u8>)> = match format {
        GenFormat::PortalJson => vec![("ProvisioningLogs.json".into(), portal_json(events))],
        GenFormat::Graph => graph_pages(events, options.page_size, false),
        GenFormat::GraphBeta => graph_pages(events, options.page_size, true),
        GenFormat::Sdk => vec![("Get-MgAuditLogProvisioning.json".into(), sdk_json(events))],
        GenFormat::Diagnostic => vec![("PT1H.json".into(), diagnostic_jsonl(events))],
        GenFormat::EventHub => vec![(
            "eventhub-provisioninglogs.json".into(),
            eventhub_json(events, options.batch_size),
        )],
        GenFormat::LaCsv => vec![("AADProvisioningLogs.csv".into(), la_csv(events))],
        GenFormat::LaJson => vec![("AADProvisioningLogs.json".into(), la_json(events))],
        GenFormat::PortalCsv => portal_csv(events),
    };
    match options.wrap {
        Wrap::None => files,
        Wrap::Gzip => files
            .into_iter()
            .map(|(name, bytes)| (format!("{name}.gz"), gzip(&bytes)))
            .collect(),
        Wrap::Zip => match zip(&files) {
            Ok(bytes) => vec![(format!("{}.zip", format.name()), bytes)],
            // Writing into memory cannot fail short of allocation failure; keep the files.
            Err(_) => files,
        },
    }
}

/// Writes the portal JSON download to `w`.
pub fn write_portal_json<W: Write>(w: &mut W, events: &[GenEvent]) -> io::Result<()> {
    w.write_all(&portal_json(events))
}

/// Writes diagnostic-settings JSON Lines to `w`.
pub fn write_diagnostic<W: Write>(w: &mut W, events: &[GenEvent]) -> io::Result<()> {
    w.write_all(&diagnostic_jsonl(events))
}

/// Writes a Log Analytics CSV export to `w`.
pub fn write_la_csv<W: Write>(w: &mut W, events: &[GenEvent]) -> io::Result<()> {
    w.write_all(&la_csv(events))
}

/// Gzip-compresses bytes (deterministic: the header carries no time or name).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writes into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Packs files into a zip archive (deflate, fixed 1980 timestamps: deterministic).
pub fn zip(files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        w.start_file(name.as_str(), options)?;
        w.write_all(bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

/// ISO 8601 with 7 fractional digits, as Entra writes `activityDateTime`.
fn iso7(ms: i64) -> String {
    let s = format_iso_ms(ms);
    match s.strip_suffix('Z') {
        Some(head) => format!("{head}0000Z"),
        None => s,
    }
}

/// A small streaming JSON writer with optional pretty printing; keys keep their order.
struct J {
    out: String,
    pretty: bool,
    first: Vec<bool>,
}

impl J {
    fn new(pretty: bool) -> J {
        J {
            out: String::with_capacity(1 << 16),
            pretty,
            first: Vec::new(),
        }
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.first.len() {
                self.out.push_str("  ");
            }
        }
    }

    /// Separator before the next key or array item.
    fn sep(&mut self) {
        if let Some(first) = self.first.last_mut() {
            if *first {
                *first = false;
            } else {
                self.out.push(',');
            }
        }
        self.newline();
    }

    fn obj(&mut self) {
        self.out.push('{');
        self.first.push(true);
    }

    fn arr(&mut self) {
        self.out.push('[');
        self.first.push(true);
    }

    fn close(&mut self, c: char) {
        let empty = self.first.pop().unwrap_or(true);
        if !empty {
            self.newline();
        }
        self.out.push(c);
    }

    fn end(&mut self) {
        self.close('}');
    }

    fn end_arr(&mut self) {
        self.close(']');
    }

    fn item(&mut self) {
        self.sep();
    }

    fn k(&mut self, key: &str) {
        self.sep();
        esc(&mut self.out, key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    fn s(&mut self, v: &str) {
        esc(&mut self.out, v);
    }

    fn n(&mut self, v: i64) {
        self.out.push_str(&v.to_string());
    }

    fn null(&mut self) {
        self.out.push_str("null");
    }

    fn opt(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.s(v),
            None => self.null(),
        }
    }

    fn ks(&mut self, key: &str, v: &str) {
        self.k(key);
        self.s(v);
    }

    fn kn(&mut self, key: &str, v: i64) {
        self.k(key);
        self.n(v);
    }

    fn map(&mut self, pairs: &[(String, String)]) {
        self.obj();
        for (k, v) in pairs {
            self.ks(k, v);
        }
        self.end();
    }
}

/// Appends a JSON string literal.
fn esc(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn status_int(s: Status) -> i64 {
    match s {
        Status::Success => 0,
        Status::Failure => 1,
        Status::Skipped => 2,
        Status::Warning => 3,
        Status::Unknown => 4,
    }
}

fn step_int(t: StepType) -> i64 {
    match t {
        StepType::Import => 0,
        StepType::Scoping => 1,
        StepType::Matching => 2,
        StepType::Processing => 3,
        StepType::ReferenceResolution => 4,
        StepType::Export => 5,
        StepType::Unknown => 6,
    }
}

fn step_label(t: StepType) -> &'static str {
    match t {
        StepType::Import => "Import",
        StepType::Scoping => "Scoping",
        StepType::Matching => "Matching",
        StepType::Processing => "Processing",
        StepType::ReferenceResolution => "ReferenceResolution",
        StepType::Export => "Export",
        StepType::Unknown => "Unknown",
    }
}

fn identity_details(i: &GenIdentity) -> Vec<(String, String)> {
    if i.upn.is_empty() {
        Vec::new()
    } else {
        vec![("UserPrincipalName".to_string(), i.upn.clone())]
    }
}

/// Writes one record in Graph's camelCase shape (portal JSON and Graph pages).
fn graph_record(j: &mut J, e: &GenEvent, beta: bool) {
    j.obj();
    j.ks("id", &e.id);
    j.ks("activityDateTime", &iso7(e.time_ms));
    j.ks("tenantId", &e.tenant_id);
    j.ks("jobId", &e.job_id);
    j.ks("cycleId", &e.cycle_id);
    j.ks("changeId", &e.change_id);
    j.ks("provisioningAction", e.action.as_str());
    if beta {
        j.ks("action", e.action.label());
    }
    j.kn("durationInMilliseconds", i64::from(e.duration_ms));
    j.k("provisioningStatusInfo");
    j.obj();
    j.ks("status", e.status.as_str());
    j.k("errorInformation");
    error_information(j, e.error.as_ref());
    j.end();
    if beta {
        j.k("statusInfo");
        j.obj();
        match &e.error {
            Some(err) => {
                j.ks("@odata.type", "#microsoft.graph.statusDetails");
                j.ks("status", e.status.as_str());
                j.ks("errorCode", &err.code);
                j.ks("reason", &err.reason);
                j.k("additionalDetails");
                j.opt(err.additional.as_deref());
                j.ks("errorCategory", &err.category);
                j.k("recommendedAction");
                j.opt(err.recommended.as_deref());
            }
            None => {
                j.ks("@odata.type", "#microsoft.graph.statusBase");
                j.ks("status", e.status.as_str());
            }
        }
        j.end();
    }
    j.k("provisioningSteps");
    j.arr();
    for s in &e.steps {
        j.item();
        j.obj();
        j.ks("name", &s.name);
        j.ks("provisioningStepType", s.kind.as_str());
        j.ks("status", s.status.as_str());
        j.ks("description", &s.description);
        j.k("details");
        j.map(&s.details);
        j.end();
    }
    j.end_arr();
    j.k("modifiedProperties");
    j.arr();
    for m in &e.modified {
        j.item();
        j.obj();
        j.ks("displayName", &m.name);
        j.k("oldValue");
        j.opt(m.old.as_deref());
        j.k("newValue");
        j.opt(m.new.as_deref());
        j.end();
    }
    j.end_arr();
    j.k("servicePrincipal");
    j.obj();
    j.ks("id", &e.service_principal.id);
    j.ks("displayName", &e.service_principal.name);
    j.end();
    for (key, sys) in [
        ("sourceSystem", &e.source_system),
        ("targetSystem", &e.target_system),
    ] {
        j.k(key);
        j.obj();
        j.ks("id", &sys.id);
        j.ks("displayName", &sys.name);
        j.k("details");
        j.map(&sys.details);
        j.end();
    }
    j.k("initiatedBy");
    j.obj();
    j.ks("id", "");
    j.ks("displayName", "Azure AD Provisioning Service");
    j.ks("initiatorType", "system");
    j.end();
    for (key, i) in [("sourceIdentity", &e.source), ("targetIdentity", &e.target)] {
        j.k(key);
        j.obj();
        j.ks("id", &i.id);
        j.ks("displayName", &i.name);
        j.ks("identityType", &i.kind);
        j.k("details");
        j.map(&identity_details(i));
        j.end();
    }
    j.end();
}

/// The portal's JSON download: a bare minified array.
pub fn portal_json(events: &[GenEvent]) -> Vec<u8> {
    let mut j = J::new(false);
    j.arr();
    for e in events {
        j.item();
        graph_record(&mut j, e, false);
    }
    j.end_arr();
    j.out.into_bytes()
}

/// Graph list-response pages of `page_size` records, with `@odata.nextLink` on all but the last.
pub fn graph_pages(events: &[GenEvent], page_size: usize, beta: bool) -> Vec<(String, Vec<u8>)> {
    let version = if beta { "beta" } else { "v1.0" };
    let size = page_size.max(1);
    let pages: Vec<&[GenEvent]> = if events.is_empty() {
        vec![&[]]
    } else {
        events.chunks(size).collect()
    };
    let n = pages.len();
    let mut token_rng = Rng::new(events.first().map_or(0, |e| e.time_ms as u64) ^ size as u64);
    let mut files = Vec::with_capacity(n);
    for (i, page) in pages.into_iter().enumerate() {
        let mut j = J::new(false);
        j.obj();
        j.ks(
            "@odata.context",
            &format!("https://graph.microsoft.com/{version}/$metadata#auditLogs/provisioning"),
        );
        j.k("value");
        j.arr();
        for e in page {
            j.item();
            graph_record(&mut j, e, beta);
        }
        j.end_arr();
        let token = format!("{:016x}{:016x}", token_rng.next_u64(), token_rng.next_u64());
        if i + 1 < n {
            j.ks(
                "@odata.nextLink",
                &format!(
                    "https://graph.microsoft.com/{version}/auditLogs/provisioning?$top={size}&$skiptoken={token}"
                ),
            );
        }
        j.end();
        files.push((
            format!("graph-{version}-page-{:04}.json", i + 1),
            j.out.into_bytes(),
        ));
    }
    files
}

/// `Get-MgAuditLogProvisioning -All | ConvertTo-Json -Depth 10`: PascalCase keys in the SDK
/// model's alphabetical order, pretty-printed with two spaces.
pub fn sdk_json(events: &[GenEvent]) -> Vec<u8> {
    let mut j = J::new(true);
    j.arr();
    for e in events {
        j.item();
        j.obj();
        j.ks("ActivityDateTime", &iso7(e.time_ms));
        j.ks("ChangeId", &e.change_id);
        j.ks("CycleId", &e.cycle_id);
        j.kn("DurationInMilliseconds", i64::from(e.duration_ms));
        j.ks("Id", &e.id);
        j.k("InitiatedBy");
        j.obj();
        j.ks("DisplayName", "Azure AD Provisioning Service");
        j.ks("Id", "");
        j.ks("InitiatorType", "system");
        j.end();
        j.ks("JobId", &e.job_id);
        j.k("ModifiedProperties");
        j.arr();
        for m in &e.modified {
            j.item();
            j.obj();
            j.ks("DisplayName", &m.name);
            j.k("NewValue");
            j.opt(m.new.as_deref());
            j.k("OldValue");
            j.opt(m.old.as_deref());
            j.end();
        }
        j.end_arr();
        j.ks("ProvisioningAction", e.action.as_str());
        j.k("ProvisioningStatusInfo");
        j.obj();
        j.k("ErrorInformation");
        match &e.error {
            Some(err) => {
                j.obj();
                j.k("AdditionalDetails");
                j.opt(err.additional.as_deref());
                j.ks("ErrorCategory", &err.category);
                j.ks("ErrorCode", &err.code);
                j.ks("Reason", &err.reason);
                j.k("RecommendedAction");
                j.opt(err.recommended.as_deref());
                j.end();
            }
            None => j.null(),
        }
        j.ks("Status", e.status.as_str());
        j.end();
        j.k("ProvisioningSteps");
        j.arr();
        for s in &e.steps {
            j.item();
            j.obj();
            j.ks("Description", &s.description);
            j.k("Details");
            j.map(&s.details);
            j.ks("Name", &s.name);
            j.ks("ProvisioningStepType", s.kind.as_str());
            j.ks("Status", s.status.as_str());
            j.end();
        }
        j.end_arr();
        j.k("ServicePrincipal");
        j.obj();
        j.ks("DisplayName", &e.service_principal.name);
        j.ks("Id", &e.service_principal.id);
        j.end();
        sdk_identity(&mut j, "SourceIdentity", &e.source);
        sdk_system(&mut j, "SourceSystem", &e.source_system);
        sdk_identity(&mut j, "TargetIdentity", &e.target);
        sdk_system(&mut j, "TargetSystem", &e.target_system);
        j.ks("TenantId", &e.tenant_id);
        j.k("AdditionalProperties");
        j.obj();
        j.end();
        j.end();
    }
    j.end_arr();
    j.out.into_bytes()
}

fn sdk_identity(j: &mut J, key: &str, i: &GenIdentity) {
    j.k(key);
    j.obj();
    j.k("Details");
    j.map(&identity_details(i));
    j.ks("DisplayName", &i.name);
    j.ks("Id", &i.id);
    j.ks("IdentityType", &i.kind);
    j.end();
}

fn sdk_system(j: &mut J, key: &str, s: &GenSystem) {
    j.k(key);
    j.obj();
    j.k("Details");
    j.map(&s.details);
    j.ks("DisplayName", &s.name);
    j.ks("Id", &s.id);
    j.end();
}

/// The `Id`/`Name` system object of diagnostic and Log Analytics records.
fn diag_system(j: &mut J, s: &GenSystem, details: bool) {
    j.obj();
    if details {
        j.k("details");
        j.map(&s.details);
    }
    j.ks("Id", &s.id);
    j.ks("Name", &s.name);
    j.end();
}

fn diag_identity(j: &mut J, i: &GenIdentity, source: bool) {
    j.obj();
    j.ks("identityType", &i.kind);
    j.k("details");
    if source && !i.id.is_empty() {
        j.obj();
        j.ks("id", &i.id);
        j.ks(
            "odatatype",
            if i.kind.is_empty() { "User" } else { &i.kind },
        );
        j.ks("DisplayName", &i.name);
        if !i.upn.is_empty() {
            j.ks("UserPrincipalName", &i.upn);
        }
        j.end();
    } else {
        j.map(&identity_details(i));
    }
    j.ks("Id", &i.id);
    j.ks("Name", &i.name);
    j.end();
}

fn diag_initiator(j: &mut J) {
    j.obj();
    j.ks("Type", "system");
    j.ks("Id", "");
    j.ks("Name", "Azure AD Provisioning Service");
    j.end();
}

/// The `errorInformation` value: the error's fields, or `null` when the event did not fail.
fn error_information(j: &mut J, error: Option<&GenError>) {
    match error {
        Some(err) => {
            j.obj();
            j.ks("errorCode", &err.code);
            j.ks("reason", &err.reason);
            j.k("additionalDetails");
            j.opt(err.additional.as_deref());
            j.ks("errorCategory", &err.category);
            j.k("recommendedAction");
            j.opt(err.recommended.as_deref());
            j.end();
        }
        None => j.null(),
    }
}

fn diag_status_info(j: &mut J, e: &GenEvent) {
    j.obj();
    j.ks("Status", e.status.as_str());
    j.k("errorInformation");
    error_information(j, e.error.as_ref());
    j.end();
}

fn diag_steps(j: &mut J, steps: &[GenStep]) {
    j.arr();
    for s in steps {
        j.item();
        j.obj();
        j.ks("name", &s.name);
        j.kn("provisioningStepType", step_int(s.kind));
        j.kn("status", status_int(s.status));
        j.ks("description", &s.description);
        j.k("details");
        j.map(&s.details);
        j.end();
    }
    j.end_arr();
}

fn diag_modified(j: &mut J, e: &GenEvent) {
    j.arr();
    for m in &e.modified {
        j.item();
        j.obj();
        j.ks("displayName", &m.name);
        j.k("oldValue");
        j.opt(m.old.as_deref());
        j.k("newValue");
        j.opt(m.new.as_deref());
        j.end();
    }
    j.end_arr();
}

/// One Azure Monitor envelope with its `properties` (spec §5).
fn diagnostic_record(j: &mut J, e: &GenEvent) {
    let time = iso7(e.time_ms);
    j.obj();
    j.ks("time", &time);
    j.ks(
        "resourceId",
        &format!("/tenants/{}/providers/Microsoft.aadiam", e.tenant_id),
    );
    j.ks("operationName", "Provisioning activity");
    j.ks("operationVersion", "1.0");
    j.ks("category", "ProvisioningLogs");
    j.ks("tenantId", &e.tenant_id);
    j.ks("resultType", e.status.label());
    // Whether failures carry resultSignature/resultDescription is unverified; Elastic's
    // pipeline reads them when present, so failures carry the error code and reason here.
    if let Some(err) = &e.error {
        j.ks("resultSignature", &err.code);
        j.ks("resultDescription", &err.reason);
    }
    j.kn("durationMs", i64::from(e.duration_ms));
    j.ks("correlationId", &e.change_id);
    j.ks("identity", &e.id);
    j.kn("Level", 4);
    j.k("properties");
    j.obj();
    j.ks("id", &e.id);
    j.ks("activityDateTime", &time);
    j.ks("tenantId", &e.tenant_id);
    j.ks("jobId", &e.job_id);
    j.ks("cycleId", &e.cycle_id);
    j.ks("changeId", &e.change_id);
    j.ks("action", e.action.label());
    j.ks("provisioningAction", e.action.as_str());
    j.k("servicePrincipal");
    diag_system(j, &e.service_principal, false);
    j.k("sourceSystem");
    diag_system(j, &e.source_system, true);
    j.k("targetSystem");
    diag_system(j, &e.target_system, true);
    j.k("initiatedBy");
    diag_initiator(j);
    j.k("sourceIdentity");
    diag_identity(j, &e.source, true);
    j.k("targetIdentity");
    diag_identity(j, &e.target, false);
    j.k("provisioningStatusInfo");
    diag_status_info(j, e);
    j.k("statusInfo");
    j.obj();
    j.kn("Status", status_int(e.status));
    j.end();
    j.k("provisioningSteps");
    diag_steps(j, &e.steps);
    j.k("modifiedProperties");
    diag_modified(j, e);
    j.kn("durationInMilliseconds", i64::from(e.duration_ms));
    j.end();
    j.end();
}

/// Diagnostic settings to storage: one envelope per line (`PT1H.json`).
pub fn diagnostic_jsonl(events: &[GenEvent]) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 3_000);
    for e in events {
        let mut j = J::new(false);
        diagnostic_record(&mut j, e);
        out.push_str(&j.out);
        out.push('\n');
    }
    out.into_bytes()
}

/// Diagnostic settings to an event hub: `{"records":[…]}` messages of `batch` records, one per
/// line.
pub fn eventhub_json(events: &[GenEvent], batch: usize) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 3_000);
    for chunk in events.chunks(batch.max(1)) {
        let mut j = J::new(false);
        j.obj();
        j.k("records");
        j.arr();
        for e in chunk {
            j.item();
            diagnostic_record(&mut j, e);
        }
        j.end_arr();
        j.end();
        out.push_str(&j.out);
        out.push('\n');
    }
    out.into_bytes()
}

/// Compact JSON text of one nested value, as Log Analytics stores dynamic columns.
fn json_text(f: impl FnOnce(&mut J)) -> String {
    let mut j = J::new(false);
    f(&mut j);
    j.out
}

/// The Log Analytics columns of one event, in the export's order (spec §6.3).
fn la_columns(e: &GenEvent, us_time: bool) -> Vec<(&'static str, String)> {
    let err = e.error.as_ref();
    vec![
        (
            if us_time {
                "TimeGenerated [UTC]"
            } else {
                "TimeGenerated"
            },
            if us_time {
                format_us(e.time_ms)
            } else {
                format_iso_ms(e.time_ms)
            },
        ),
        ("OperationName", "Provisioning activity".into()),
        ("Category", "ProvisioningLogs".into()),
        ("ResultType", e.status.label().into()),
        (
            "ResultSignature",
            err.map(|x| x.code.clone()).unwrap_or_default(),
        ),
        (
            "ResultDescription",
            err.map(|x| x.reason.clone()).unwrap_or_default(),
        ),
        ("DurationMs", e.duration_ms.to_string()),
        ("CorrelationId", e.change_id.clone()),
        ("Id", e.id.clone()),
        ("JobId", e.job_id.clone()),
        ("CycleId", e.cycle_id.clone()),
        ("ChangeId", e.change_id.clone()),
        ("Action", e.action.label().into()),
        ("ProvisioningAction", e.action.as_str().into()),
        (
            "SourceSystem",
            json_text(|j| diag_system(j, &e.source_system, true)),
        ),
        (
            "TargetSystem",
            json_text(|j| diag_system(j, &e.target_system, true)),
        ),
        (
            "ServicePrincipal",
            json_text(|j| diag_system(j, &e.service_principal, false)),
        ),
        (
            "SourceIdentity",
            json_text(|j| diag_identity(j, &e.source, true)),
        ),
        (
            "TargetIdentity",
            json_text(|j| diag_identity(j, &e.target, false)),
        ),
        (
            "ProvisioningStatusInfo",
            json_text(|j| diag_status_info(j, e)),
        ),
        (
            "StatusInfo",
            format!("{{\"Status\":{}}}", status_int(e.status)),
        ),
        ("ProvisioningSteps", json_text(|j| diag_steps(j, &e.steps))),
        ("ModifiedProperties", json_text(|j| diag_modified(j, e))),
        ("InitiatedBy", json_text(diag_initiator)),
        ("AADTenantId", e.tenant_id.clone()),
        ("Type", "AADProvisioningLogs".into()),
    ]
}

/// A Log Analytics query result exported as JSON: an array of rows, nested columns as text.
pub fn la_json(events: &[GenEvent]) -> Vec<u8> {
    let mut j = J::new(false);
    j.arr();
    for e in events {
        j.item();
        j.obj();
        for (k, v) in la_columns(e, false) {
            if k == "DurationMs" {
                j.kn(k, i64::from(e.duration_ms));
            } else {
                j.ks(k, &v);
            }
        }
        j.end();
    }
    j.end_arr();
    j.out.into_bytes()
}

const BOM: &str = "\u{feff}";

/// Appends one CSV cell, quoted when it holds a comma, quote, line break or edge space.
fn csv_cell(out: &mut String, v: &str) {
    let needs = v.contains([',', '"', '\n', '\r']) || v.starts_with(' ') || v.ends_with(' ');
    if needs {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(v);
    }
}

fn csv_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, c);
    }
    out.push_str("\r\n");
}

/// A Log Analytics query result exported as CSV: BOM, `TimeGenerated [UTC]` in US style, JSON
/// in quoted cells with doubled quotes.
pub fn la_csv(events: &[GenEvent]) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 3_500);
    out.push_str(BOM);
    let header: Vec<&str> = la_columns_header();
    csv_row(&mut out, header);
    for e in events {
        let cols = la_columns(e, true);
        csv_row(&mut out, cols.iter().map(|(_, v)| v.as_str()));
    }
    out.into_bytes()
}

fn la_columns_header() -> Vec<&'static str> {
    vec![
        "TimeGenerated [UTC]",
        "OperationName",
        "Category",
        "ResultType",
        "ResultSignature",
        "ResultDescription",
        "DurationMs",
        "CorrelationId",
        "Id",
        "JobId",
        "CycleId",
        "ChangeId",
        "Action",
        "ProvisioningAction",
        "SourceSystem",
        "TargetSystem",
        "ServicePrincipal",
        "SourceIdentity",
        "TargetIdentity",
        "ProvisioningStatusInfo",
        "StatusInfo",
        "ProvisioningSteps",
        "ModifiedProperties",
        "InitiatedBy",
        "AADTenantId",
        "Type",
    ]
}

/// The portal's CSV download: three files joined on Change ID, each with a BOM (headers as the
/// spec's illustrative layout; the real header text is unverified).
pub fn portal_csv(events: &[GenEvent]) -> Vec<(String, Vec<u8>)> {
    let mut main = String::from(BOM);
    let mut steps = String::from(BOM);
    let mut modified = String::from(BOM);
    csv_row(
        &mut main,
        [
            "Date (UTC)",
            "Change ID",
            "Cycle ID",
            "Job ID",
            "Id",
            "Action",
            "Status",
            "Source System",
            "Target System",
            "Identity",
            "Source ID",
            "Target ID",
            "Source Identity Type",
            "Target Identity Type",
            "Service Principal",
            "Error Code",
            "Reason",
            "Duration (ms)",
        ],
    );
    csv_row(
        &mut steps,
        [
            "Change ID",
            "Step",
            "Type",
            "Status",
            "Description",
            "Details",
        ],
    );
    csv_row(
        &mut modified,
        ["Change ID", "Name", "Old Value", "New Value"],
    );
    for e in events {
        let err = e.error.as_ref();
        let time = iso7(e.time_ms);
        let duration = e.duration_ms.to_string();
        csv_row(
            &mut main,
            [
                time.as_str(),
                &e.change_id,
                &e.cycle_id,
                &e.job_id,
                &e.id,
                action_label(e.action),
                e.status.label(),
                &e.source_system.name,
                &e.target_system.name,
                &e.source.name,
                &e.source.id,
                &e.target.id,
                &e.source.kind,
                &e.target.kind,
                &e.service_principal.name,
                err.map_or("", |x| x.code.as_str()),
                err.map_or("", |x| x.reason.as_str()),
                &duration,
            ],
        );
        for s in &e.steps {
            let details = json_text(|j| j.map(&s.details));
            csv_row(
                &mut steps,
                [
                    e.change_id.as_str(),
                    &s.name,
                    step_label(s.kind),
                    s.status.label(),
                    &s.description,
                    &details,
                ],
            );
        }
        for m in &e.modified {
            csv_row(
                &mut modified,
                [
                    e.change_id.as_str(),
                    &m.name,
                    m.old.as_deref().unwrap_or(""),
                    m.new.as_deref().unwrap_or(""),
                ],
            );
        }
    }
    vec![
        ("ProvisioningLogs.csv".into(), main.into_bytes()),
        (
            "ProvisioningLogs_ProvisioningSteps.csv".into(),
            steps.into_bytes(),
        ),
        (
            "ProvisioningLogs_ModifiedProperties.csv".into(),
            modified.into_bytes(),
        ),
    ]
}

fn action_label(a: Action) -> &'static str {
    a.label()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        let mut s = String::new();
        csv_row(&mut s, ["a", "b,c", "say \"hi\"", "line\nbreak", ""]);
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",\r\n");
    }

    #[test]
    fn json_writer_escapes_and_nests() {
        let mut j = J::new(false);
        j.obj();
        j.ks("a", "q\"\\\n");
        j.k("b");
        j.arr();
        j.item();
        j.n(1);
        j.item();
        j.null();
        j.end_arr();
        j.k("c");
        j.obj();
        j.end();
        j.end();
        assert_eq!(j.out, r#"{"a":"q\"\\\n","b":[1,null],"c":{}}"#);
        let v: serde_json::Value = serde_json::from_str(&j.out).unwrap_or_default();
        assert_eq!(v["b"][0], 1);
    }

    #[test]
    fn pretty_json_is_valid() {
        let mut j = J::new(true);
        j.arr();
        j.item();
        j.obj();
        j.ks("A", "x");
        j.k("B");
        j.obj();
        j.end();
        j.end();
        j.end_arr();
        assert_eq!(j.out, "[\n  {\n    \"A\": \"x\",\n    \"B\": {}\n  }\n]");
    }

    #[test]
    fn times_have_seven_fraction_digits() {
        assert_eq!(iso7(1_793_491_200_123), "2026-11-01T00:00:00.1230000Z");
    }
}
