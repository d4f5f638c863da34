//! The normalized provisioning event, its enums, and the compact store that holds a data set.
//!
//! Every export format is decoded into [`EventDraft`] values, which the [`Store`] turns into
//! compact [`Event`] rows: repeated strings (jobs, cycles, systems, error codes, identity ids,
//! step names, even step descriptions) are interned once and referenced by a [`Sym`].

use std::ops::Range;

/// Outcome of a provisioning event or step (`provisioningResult` in Graph).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Success,
    Failure,
    Skipped,
    Warning,
    /// A value the spec does not know (kept and counted, never dropped).
    Unknown,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Success,
        Status::Failure,
        Status::Skipped,
        Status::Warning,
        Status::Unknown,
    ];

    /// Reads a status from text (any case) or from its `provisioningResult` integer.
    pub fn parse(text: &str) -> Status {
        let t = text.trim();
        match t.len() {
            1 => match t.as_bytes()[0] {
                b'0' => Status::Success,
                b'1' => Status::Failure,
                b'2' => Status::Skipped,
                b'3' => Status::Warning,
                _ => Status::Unknown,
            },
            _ if t.eq_ignore_ascii_case("success") => Status::Success,
            _ if t.eq_ignore_ascii_case("failure") => Status::Failure,
            _ if t.eq_ignore_ascii_case("skipped") => Status::Skipped,
            _ if t.eq_ignore_ascii_case("warning") => Status::Warning,
            _ => Status::Unknown,
        }
    }

    pub fn from_int(n: i64) -> Status {
        match n {
            0 => Status::Success,
            1 => Status::Failure,
            2 => Status::Skipped,
            3 => Status::Warning,
            _ => Status::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Failure => "failure",
            Status::Skipped => "skipped",
            Status::Warning => "warning",
            Status::Unknown => "unknown",
        }
    }

    /// The portal's display spelling.
    pub fn label(self) -> &'static str {
        match self {
            Status::Success => "Success",
            Status::Failure => "Failure",
            Status::Skipped => "Skipped",
            Status::Warning => "Warning",
            Status::Unknown => "Unknown",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// What the provisioning service did to the object (`provisioningAction` in Graph).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Create,
    Update,
    Delete,
    Disable,
    StagedDelete,
    Other,
    /// A value the spec does not know (kept and counted, never dropped).
    Unknown,
}

impl Action {
    pub const ALL: [Action; 7] = [
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Disable,
        Action::StagedDelete,
        Action::Other,
        Action::Unknown,
    ];

    /// Reads an action from `provisioningAction`/`action` text (any case), its integer, or the
    /// legacy beta step-style names such as `EntryExportUpdate`.
    pub fn parse(text: &str) -> Action {
        let t = text.trim();
        if t.len() == 1 {
            return match t.as_bytes()[0] {
                b'0' => Action::Other,
                b'1' => Action::Create,
                b'2' => Action::Delete,
                b'3' => Action::Disable,
                b'4' => Action::Update,
                b'5' => Action::StagedDelete,
                _ => Action::Unknown,
            };
        }
        const NAMES: [(&str, Action); 14] = [
            ("create", Action::Create),
            ("update", Action::Update),
            ("delete", Action::Delete),
            ("disable", Action::Disable),
            ("stageddelete", Action::StagedDelete),
            ("stagedaction", Action::StagedDelete),
            ("other", Action::Other),
            // Legacy beta records carry export step names as the action.
            ("entryexportadd", Action::Create),
            ("entryexportupdate", Action::Update),
            ("entryexportdelete", Action::Delete),
            ("entryexportupdatesoftdelete", Action::Disable),
            ("add", Action::Create),
            ("entryexportstageddelete", Action::StagedDelete),
            ("unknownfuturevalue", Action::Unknown),
        ];
        NAMES
            .iter()
            .find(|(name, _)| t.eq_ignore_ascii_case(name))
            .map_or(Action::Unknown, |(_, a)| *a)
    }

    pub fn from_int(n: i64) -> Action {
        match n {
            0 => Action::Other,
            1 => Action::Create,
            2 => Action::Delete,
            3 => Action::Disable,
            4 => Action::Update,
            5 => Action::StagedDelete,
            _ => Action::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Disable => "disable",
            Action::StagedDelete => "stagedDelete",
            Action::Other => "other",
            Action::Unknown => "unknown",
        }
    }

    /// The portal's display spelling.
    pub fn label(self) -> &'static str {
        match self {
            Action::Create => "Create",
            Action::Update => "Update",
            Action::Delete => "Delete",
            Action::Disable => "Disable",
            Action::StagedDelete => "StagedDelete",
            Action::Other => "Other",
            Action::Unknown => "Unknown",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The kind of a provisioning step (`provisioningStepType` in Graph).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum StepType {
    Import,
    Scoping,
    Matching,
    Processing,
    ReferenceResolution,
    Export,
    Unknown,
}

impl StepType {
    pub fn parse(text: &str) -> StepType {
        let t = text.trim();
        if let Ok(n) = t.parse::<i64>() {
            return StepType::from_int(n);
        }
        const NAMES: [(&str, StepType); 6] = [
            ("import", StepType::Import),
            ("scoping", StepType::Scoping),
            ("matching", StepType::Matching),
            ("processing", StepType::Processing),
            ("referenceresolution", StepType::ReferenceResolution),
            ("export", StepType::Export),
        ];
        NAMES
            .iter()
            .find(|(name, _)| t.eq_ignore_ascii_case(name))
            .map_or(StepType::Unknown, |(_, s)| *s)
    }

    pub fn from_int(n: i64) -> StepType {
        match n {
            0 => StepType::Import,
            1 => StepType::Scoping,
            2 => StepType::Matching,
            3 => StepType::Processing,
            4 => StepType::ReferenceResolution,
            5 => StepType::Export,
            _ => StepType::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepType::Import => "import",
            StepType::Scoping => "scoping",
            StepType::Matching => "matching",
            StepType::Processing => "processing",
            StepType::ReferenceResolution => "referenceResolution",
            StepType::Export => "export",
            StepType::Unknown => "unknown",
        }
    }
}

/// An interned string. `Sym::EMPTY` stands for an absent or empty value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    pub const EMPTY: Sym = Sym(0);

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// Interns strings; index 0 is always the empty string.
#[derive(Clone, Debug)]
pub struct Interner {
    /// The text of every string, in blocks of [`BLOCK`] bytes (a longer string has a block of
    /// its own): one allocation per block instead of one per string, neighbours in memory, and
    /// no copy of the text when it grows (a doubling buffer would copy it all, and hold both
    /// copies at once, at the peak of a large load).
    blocks: Vec<String>,
    /// Where string `i` is: its block, start and length. String 0 is the empty string.
    spans: Vec<Span>,
    /// (hash, index into `spans`): the hash is kept so that growing the table never reads
    /// the strings again.
    index: hashbrown::HashTable<(u64, u32)>,
    /// All strings lowercased end to end, built on the first search after the last change.
    search: std::sync::OnceLock<SearchIndex>,
}

/// Lowercased text of every interned string, concatenated, with where each one starts; one
/// substring scan over it answers "which strings contain this text".
#[derive(Clone, Debug, Default)]
struct SearchIndex {
    text: Vec<u8>,
    /// Start of string `i` in `text`; string `i` ends where `i + 1` starts.
    starts: Vec<usize>,
}

/// A string's place in the interner's blocks.
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    block: u32,
    start: u32,
    len: u32,
}

/// Size of one block of interned text.
const BLOCK: usize = 1 << 20;

impl Default for Interner {
    fn default() -> Self {
        Interner {
            blocks: Vec::new(),
            spans: vec![Span::default()],
            index: hashbrown::HashTable::new(),
            search: std::sync::OnceLock::new(),
        }
    }
}

/// The text of `span` in `blocks`.
fn text_of(blocks: &[String], span: Span) -> &str {
    let start = span.start as usize;
    blocks
        .get(span.block as usize)
        .and_then(|b| b.get(start..start + span.len as usize))
        .unwrap_or_default()
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if s.is_empty() {
            return Sym::EMPTY;
        }
        let hash = hash_str(s);
        let (blocks, spans) = (&self.blocks, &self.spans);
        let eq = |&(h, i): &(u64, u32)| {
            h == hash
                && spans
                    .get(i as usize)
                    .is_some_and(|&t| text_of(blocks, t) == s)
        };
        if let Some(&(_, i)) = self.index.find(hash, eq) {
            return Sym(i);
        }
        let i = u32::try_from(self.spans.len()).unwrap_or(u32::MAX);
        let fits = self
            .blocks
            .last()
            .is_some_and(|b| b.capacity() - b.len() >= s.len());
        if !fits {
            self.blocks.push(String::with_capacity(s.len().max(BLOCK)));
        }
        let block = self.blocks.len() - 1;
        let start = self.blocks.last().map_or(0, String::len);
        if let Some(b) = self.blocks.last_mut() {
            b.push_str(s);
        }
        // Offsets within a block and lengths fit: a block holds at most one string longer
        // than BLOCK, and no string reaches 4 GB (the parser's records are far smaller).
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.spans.push(Span {
            block: to_u32(block),
            start: to_u32(start),
            len: to_u32(s.len()),
        });
        self.index.insert_unique(hash, (hash, i), |&(h, _)| h);
        if self.search.get().is_some() {
            self.search = std::sync::OnceLock::new();
        }
        Sym(i)
    }

    /// For every symbol, whether its text contains `needle` (case-insensitive).
    pub fn matching(&self, needle: &str) -> Vec<bool> {
        let mut hits = vec![false; self.spans.len()];
        let needle = needle.to_lowercase().replace('\0', "");
        if needle.is_empty() {
            return hits;
        }
        let index = self.search.get_or_init(|| {
            let mut text = Vec::with_capacity(self.text_bytes() + self.spans.len());
            let mut starts = Vec::with_capacity(self.spans.len() + 1);
            for s in self.spans.iter().map(|&span| text_of(&self.blocks, span)) {
                starts.push(text.len());
                if s.is_ascii() {
                    text.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
                } else {
                    text.extend_from_slice(s.to_lowercase().as_bytes());
                }
                // A separator no needle contains keeps matches inside one string.
                text.push(0);
            }
            starts.push(text.len());
            SearchIndex { text, starts }
        });
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let mut from = 0;
        while let Some(off) = finder.find(index.text.get(from..).unwrap_or(&[])) {
            let at = from + off;
            // The string holding position `at`, then continue after its end.
            let i = index.starts.partition_point(|&s| s <= at).saturating_sub(1);
            if let Some(h) = hits.get_mut(i) {
                *h = true;
            }
            from = index.starts.get(i + 1).copied().unwrap_or(index.text.len());
        }
        hits
    }

    /// Looks a string up without adding it.
    pub fn find(&self, s: &str) -> Option<Sym> {
        if s.is_empty() {
            return Some(Sym::EMPTY);
        }
        let (blocks, spans) = (&self.blocks, &self.spans);
        let hash = hash_str(s);
        self.index
            .find(hash, |&(h, i)| {
                h == hash
                    && spans
                        .get(i as usize)
                        .is_some_and(|&t| text_of(blocks, t) == s)
            })
            .map(|&(_, i)| Sym(i))
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        self.spans
            .get(sym.0 as usize)
            .map_or("", |&span| text_of(&self.blocks, span))
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.len() <= 1
    }

    /// Bytes of interned text.
    pub fn text_bytes(&self) -> usize {
        self.blocks.iter().map(String::len).sum()
    }

    /// Bytes the interner holds: text blocks, spans and the hash table.
    pub fn heap_bytes(&self) -> usize {
        self.blocks.iter().map(String::capacity).sum::<usize>()
            + self.spans.capacity() * std::mem::size_of::<Span>()
            + self.index.capacity() * (std::mem::size_of::<(u64, u32)>() + 1)
    }
}

fn hash_str(s: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(s.as_bytes());
    h.finish()
}

/// A system taking part in provisioning (source, target, or the service principal).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemRef {
    pub id: Sym,
    pub name: Sym,
}

/// An identity as the log describes it on one side of the flow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdentityRef {
    pub id: Sym,
    pub name: Sym,
    /// `identityType`, as written (case kept; compare case-insensitively).
    pub kind: Sym,
    pub upn: Sym,
}

/// One step of an event, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub name: Sym,
    pub kind: StepType,
    pub status: Status,
    pub description: Sym,
    /// Range into [`Store::details`].
    pub details: Range<u32>,
}

/// One modified property (attribute change) of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modified {
    pub name: Sym,
    pub old: Sym,
    pub new: Sym,
}

/// One normalized provisioning event, compact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Milliseconds since the Unix epoch, UTC; `None` when the record had no readable time.
    pub time_ms: Option<i64>,
    pub id: Sym,
    pub change_id: Sym,
    pub cycle_id: Sym,
    pub job_id: Sym,
    pub tenant_id: Sym,
    pub action: Action,
    /// The action text as written, kept when it did not map to a known action.
    pub raw_action: Sym,
    pub status: Status,
    /// The status text as written, kept when it did not map to a known status.
    pub raw_status: Sym,
    pub duration_ms: Option<u32>,
    pub error_code: Sym,
    pub error_reason: Sym,
    pub error_category: Sym,
    pub recommended_action: Sym,
    pub additional_details: Sym,
    pub source_system: SystemRef,
    pub target_system: SystemRef,
    pub service_principal: SystemRef,
    pub initiated_by: Sym,
    pub source: IdentityRef,
    pub target: IdentityRef,
    /// First `ReportableIdentifier` found in the steps' details.
    pub reportable_id: Sym,
    /// Range into [`Store::steps`].
    pub steps: Range<u32>,
    /// Range into [`Store::modified`].
    pub modified: Range<u32>,
    /// Index into the data set's file list: which file this event came from.
    pub file: u16,
}

/// Text decoded by a parser: borrowed from the input where it had no escapes, owned otherwise.
pub type Text<'a> = std::borrow::Cow<'a, str>;

/// A decoded record before interning: text straight from the parser, mostly borrowed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventDraft<'a> {
    pub time_ms: Option<i64>,
    pub id: Text<'a>,
    pub change_id: Text<'a>,
    pub cycle_id: Text<'a>,
    pub job_id: Text<'a>,
    pub tenant_id: Text<'a>,
    pub action: Text<'a>,
    pub status: Text<'a>,
    pub duration_ms: Option<u32>,
    pub error_code: Text<'a>,
    pub error_reason: Text<'a>,
    pub error_category: Text<'a>,
    pub recommended_action: Text<'a>,
    pub additional_details: Text<'a>,
    pub source_system: SystemDraft<'a>,
    pub target_system: SystemDraft<'a>,
    pub service_principal: SystemDraft<'a>,
    pub initiated_by: Text<'a>,
    pub source: IdentityDraft<'a>,
    pub target: IdentityDraft<'a>,
    pub steps: Vec<StepDraft<'a>>,
    pub modified: Vec<ModifiedDraft<'a>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SystemDraft<'a> {
    pub id: Text<'a>,
    pub name: Text<'a>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdentityDraft<'a> {
    pub id: Text<'a>,
    pub name: Text<'a>,
    pub kind: Text<'a>,
    pub upn: Text<'a>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepDraft<'a> {
    pub name: Text<'a>,
    pub kind: Text<'a>,
    pub status: Text<'a>,
    pub description: Text<'a>,
    pub details: Vec<(Text<'a>, Text<'a>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModifiedDraft<'a> {
    pub name: Text<'a>,
    pub old: Text<'a>,
    pub new: Text<'a>,
}

/// The compact store of all events of a data set.
#[derive(Clone, Debug, Default)]
pub struct Store {
    pub strings: Interner,
    pub events: Vec<Event>,
    pub steps: Vec<Step>,
    pub details: Vec<(Sym, Sym)>,
    pub modified: Vec<Modified>,
}

fn range_len(start: usize, end: usize) -> Range<u32> {
    let s = u32::try_from(start).unwrap_or(u32::MAX);
    let e = u32::try_from(end).unwrap_or(u32::MAX);
    s..e
}

impl Store {
    /// Interns a draft and appends it; returns the new event's index.
    pub fn push(&mut self, draft: &EventDraft<'_>, file: u16) -> usize {
        let system = |s: &mut Interner, d: &SystemDraft<'_>| SystemRef {
            id: s.intern(&d.id),
            name: s.intern(&d.name),
        };
        let identity = |s: &mut Interner, d: &IdentityDraft<'_>| IdentityRef {
            id: s.intern(&d.id),
            name: s.intern(&d.name),
            kind: s.intern(&d.kind),
            upn: s.intern(&d.upn),
        };
        let action = Action::parse(&draft.action);
        let status = Status::parse(&draft.status);
        let steps_start = self.steps.len();
        for step in &draft.steps {
            self.push_step(step);
        }
        let modified_start = self.modified.len();
        for m in &draft.modified {
            self.push_modified(m);
        }
        let s = &mut self.strings;
        let event = Event {
            time_ms: draft.time_ms,
            id: s.intern(&draft.id),
            change_id: s.intern(&draft.change_id),
            cycle_id: s.intern(&draft.cycle_id),
            job_id: s.intern(&draft.job_id),
            tenant_id: s.intern(&draft.tenant_id),
            action,
            raw_action: if action == Action::Unknown {
                s.intern(&draft.action)
            } else {
                Sym::EMPTY
            },
            status,
            raw_status: if status == Status::Unknown {
                s.intern(&draft.status)
            } else {
                Sym::EMPTY
            },
            duration_ms: draft.duration_ms,
            error_code: s.intern(&draft.error_code),
            error_reason: s.intern(&draft.error_reason),
            error_category: s.intern(&draft.error_category),
            recommended_action: s.intern(&draft.recommended_action),
            additional_details: s.intern(&draft.additional_details),
            source_system: system(s, &draft.source_system),
            target_system: system(s, &draft.target_system),
            service_principal: system(s, &draft.service_principal),
            initiated_by: s.intern(&draft.initiated_by),
            source: identity(s, &draft.source),
            target: identity(s, &draft.target),
            reportable_id: Sym::EMPTY,
            steps: range_len(steps_start, self.steps.len()),
            modified: range_len(modified_start, self.modified.len()),
            file,
        };
        self.events.push(event);
        let index = self.events.len() - 1;
        self.refresh_reportable_id(index);
        index
    }

    /// Appends one step (with its details) and returns its index.
    pub fn push_step(&mut self, step: &StepDraft<'_>) -> usize {
        let details_start = self.details.len();
        for (k, v) in &step.details {
            let key = self.strings.intern(k);
            let value = self.strings.intern(v);
            self.details.push((key, value));
        }
        let s = &mut self.strings;
        self.steps.push(Step {
            name: s.intern(&step.name),
            kind: StepType::parse(&step.kind),
            status: Status::parse(&step.status),
            description: s.intern(&step.description),
            details: range_len(details_start, self.details.len()),
        });
        self.steps.len() - 1
    }

    /// Appends one modified property and returns its index.
    pub fn push_modified(&mut self, m: &ModifiedDraft<'_>) -> usize {
        let s = &mut self.strings;
        self.modified.push(Modified {
            name: s.intern(&m.name),
            old: s.intern(&m.old),
            new: s.intern(&m.new),
        });
        self.modified.len() - 1
    }

    /// Sets an event's `reportable_id` from its steps' details (after steps were attached).
    pub fn refresh_reportable_id(&mut self, index: usize) {
        let Some(event) = self.events.get(index) else {
            return;
        };
        let mut found = Sym::EMPTY;
        'steps: for step in self.steps_of(event) {
            for &(k, v) in self.details_of(step) {
                if self
                    .strings
                    .resolve(k)
                    .eq_ignore_ascii_case("ReportableIdentifier")
                {
                    found = v;
                    break 'steps;
                }
            }
        }
        if let Some(e) = self.events.get_mut(index) {
            if e.reportable_id.is_empty() {
                e.reportable_id = found;
            }
        }
    }

    pub fn str(&self, sym: Sym) -> &str {
        self.strings.resolve(sym)
    }

    pub fn steps_of(&self, event: &Event) -> &[Step] {
        self.steps
            .get(event.steps.start as usize..event.steps.end as usize)
            .unwrap_or(&[])
    }

    pub fn details_of(&self, step: &Step) -> &[(Sym, Sym)] {
        self.details
            .get(step.details.start as usize..step.details.end as usize)
            .unwrap_or(&[])
    }

    pub fn modified_of(&self, event: &Event) -> &[Modified] {
        self.modified
            .get(event.modified.start as usize..event.modified.end as usize)
            .unwrap_or(&[])
    }

    /// Approximate heap bytes used by the store, for memory reporting.
    pub fn approx_bytes(&self) -> usize {
        self.events.capacity() * std::mem::size_of::<Event>()
            + self.steps.capacity() * std::mem::size_of::<Step>()
            + self.details.capacity() * std::mem::size_of::<(Sym, Sym)>()
            + self.modified.capacity() * std::mem::size_of::<Modified>()
            + self.strings.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_text_any_case_and_integers() {
        assert_eq!(Status::parse("Failure"), Status::Failure);
        assert_eq!(Status::parse("2"), Status::Skipped);
        assert_eq!(Status::parse("weird"), Status::Unknown);
        assert_eq!(Action::parse("StagedDelete"), Action::StagedDelete);
        assert_eq!(Action::parse("stageddelete"), Action::StagedDelete);
        assert_eq!(Action::parse("EntryExportUpdate"), Action::Update);
        assert_eq!(Action::parse("4"), Action::Update);
        assert_eq!(Action::parse("Rename"), Action::Unknown);
        assert_eq!(StepType::parse("Export"), StepType::Export);
        assert_eq!(StepType::parse("5"), StepType::Export);
    }

    #[test]
    fn interner_keeps_empty_at_zero_and_dedups() {
        let mut i = Interner::default();
        assert_eq!(i.intern(""), Sym::EMPTY);
        let a = i.intern("job");
        assert_eq!(i.intern("job"), a);
        assert_eq!(i.resolve(a), "job");
        assert_eq!(i.find("nope"), None);
    }

    #[test]
    fn text_search_is_case_insensitive_and_stays_inside_one_string() {
        let mut i = Interner::default();
        let a = i.intern("Ellie@Contoso.com");
        let b = i.intern("ÉLODIE Müller");
        let c = i.intern("con");
        let d = i.intern("toso");
        let hits = i.matching("CONTOSO");
        assert!(hits[a.0 as usize]);
        assert!(!hits[c.0 as usize] && !hits[d.0 as usize]);
        assert!(i.matching("élodie")[b.0 as usize]);
        assert!(i.matching("müller")[b.0 as usize]);
        // A string added after a search is found by the next one.
        let e = i.intern("late contoso");
        assert!(i.matching("contoso")[e.0 as usize]);
        assert!(i.matching("").iter().all(|h| !h));
    }

    #[test]
    fn store_keeps_unknown_enum_text() {
        let mut store = Store::default();
        let draft = EventDraft {
            action: "Rename".into(),
            status: "Partial".into(),
            ..EventDraft::default()
        };
        let i = store.push(&draft, 0);
        let e = &store.events[i];
        assert_eq!(e.action, Action::Unknown);
        assert_eq!(store.str(e.raw_action), "Rename");
        assert_eq!(store.str(e.raw_status), "Partial");
    }
}
