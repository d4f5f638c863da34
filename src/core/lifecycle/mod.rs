//! Lifecycle: follow each person from HR to every app. Joiner, leaver and mover latencies per
//! downstream system, orphaned access, SLA breaches, and one swimlane per person.
//!
//! Pure and deterministic: "now" is the time of the last event in the data, never the clock.

pub mod chain;
mod measure;
pub mod view;

use serde::{Deserialize, Serialize};

pub use chain::LinkKey;
pub use measure::analyze;

use crate::core::model::Status;

const HOUR_MS: i64 = 3_600_000;

/// One attribute whose changes are followed downstream, with the names systems give it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoverAttribute {
    /// The name used in the report.
    pub name: String,
    /// Names that mean the same attribute (any case; a URN's last `:` segment is used).
    pub aliases: Vec<String>,
    /// Whether the new value must match across systems (a manager is written as a DN in AD
    /// and as an object id elsewhere, so only its name can be matched).
    pub match_value: bool,
}

impl MoverAttribute {
    fn new(name: &str, aliases: &[&str], match_value: bool) -> MoverAttribute {
        MoverAttribute {
            name: name.to_string(),
            aliases: aliases.iter().map(|a| (*a).to_string()).collect(),
            match_value,
        }
    }
}

/// Lifecycle settings: service levels and the attributes followed for movers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifecycleConfig {
    /// A joiner's account must exist in every downstream system within this time.
    pub joiner_sla_ms: i64,
    /// A leaver's accounts must be disabled or deleted within this time.
    pub leaver_sla_ms: i64,
    /// An attribute change must reach every downstream system within this time.
    pub mover_sla_ms: i64,
    pub mover_attributes: Vec<MoverAttribute>,
    /// How many of the slowest cases to list per system.
    pub slowest: usize,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            joiner_sla_ms: 8 * HOUR_MS,
            leaver_sla_ms: HOUR_MS,
            mover_sla_ms: 8 * HOUR_MS,
            mover_attributes: vec![
                MoverAttribute::new("department", &["department"], true),
                MoverAttribute::new("title", &["title", "jobTitle"], true),
                MoverAttribute::new("manager", &["manager", "managerId"], false),
            ],
            slowest: 5,
        }
    }
}

/// What happened to an account in one event, as the lifecycle sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleOp {
    Create,
    Update,
    /// An update that re-enables the account (`accountEnabled`/`active` set to true).
    Enable,
    /// A disable, or an update that sets `accountEnabled`/`active` false.
    Disable,
    Delete,
    StagedDelete,
}

impl LifecycleOp {
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleOp::Create => "create",
            LifecycleOp::Update => "update",
            LifecycleOp::Enable => "enable",
            LifecycleOp::Disable => "disable",
            LifecycleOp::Delete => "delete",
            LifecycleOp::StagedDelete => "staged delete",
        }
    }
}

/// Whether a lane is the system the change came from or one it was written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneRole {
    /// The HR system the person's changes come from (seen through the HR inbound job).
    Source,
    /// A system provisioning writes to.
    Target,
}

/// One event in a lane.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneEntry {
    pub time: Option<String>,
    pub time_ms: Option<i64>,
    pub op: LifecycleOp,
    pub status: Status,
    pub job_id: String,
    pub error_code: String,
    /// Index of the event in the data set.
    pub event: u32,
}

/// One system's events for one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lane {
    pub system: String,
    pub role: LaneRole,
    /// 0 = HR inbound, 1 = cloud sync, 2 = apps.
    pub tier: u8,
    pub entries: Vec<LaneEntry>,
    /// Whether the account is enabled at the end of the data, when the events tell.
    pub enabled_at_end: Option<bool>,
}

/// One object of the person in one job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRef {
    pub job_id: String,
    pub source_system: String,
    pub target_system: String,
    pub source_id: String,
    pub target_id: String,
}

/// How two of a person's accounts were joined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub key: LinkKey,
    pub value: String,
    /// Indices into the person's `accounts`.
    pub from: u32,
    pub to: u32,
}

/// One person, followed across systems.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: u32,
    pub name: String,
    pub upns: Vec<String>,
    pub worker_ids: Vec<String>,
    pub accounts: Vec<AccountRef>,
    pub links: Vec<Link>,
    pub lanes: Vec<Lane>,
}

/// What kind of lifecycle change a measure follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Joiner,
    Leaver,
    Mover,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Joiner => "joiner",
            Movement::Leaver => "leaver",
            Movement::Mover => "mover",
        }
    }
}

/// One change followed from upstream to one downstream system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub movement: Movement,
    pub person: u32,
    pub person_name: String,
    pub system: String,
    /// The upstream event (the first HR create, disable or attribute change).
    pub upstream_event: u32,
    pub upstream_ms: i64,
    /// The downstream event that completed the change; `None` when it never did.
    pub downstream_event: Option<u32>,
    pub downstream_ms: Option<i64>,
    /// Downstream minus upstream time; for an open change, the time since (to the end of data).
    pub latency_ms: i64,
    /// For movers: the attribute and its new value.
    pub attribute: Option<String>,
    pub value: Option<String>,
}

impl Measure {
    pub fn completed(&self) -> bool {
        self.downstream_event.is_some()
    }
}

/// The latency distribution of one movement into one system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemLatency {
    pub system: String,
    /// Completed changes.
    pub count: usize,
    pub median_ms: i64,
    pub p90_ms: i64,
    pub max_ms: i64,
    /// Completed changes slower than the SLA.
    pub over_sla: usize,
    /// Changes that had not arrived by the end of the data.
    pub open: usize,
    /// The slowest completed changes, slowest first.
    pub slowest: Vec<Measure>,
}

/// One movement's results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementReport {
    pub sla_ms: i64,
    /// Distinct persons (joiners, leavers) or changes (movers) followed.
    pub followed: usize,
    pub by_system: Vec<SystemLatency>,
    /// Every completed measure, by person then system.
    pub completed: Vec<Measure>,
    /// Changes that never arrived within the data, longest-waiting first.
    pub open: Vec<Measure>,
}

/// Severity, in the findings engine's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

/// The kind of a lifecycle issue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    OrphanedAccess,
    JoinerSla,
    LeaverSla,
    MoverSla,
}

impl IssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::OrphanedAccess => "orphaned_access",
            IssueKind::JoinerSla => "joiner_sla",
            IssueKind::LeaverSla => "leaver_sla",
            IssueKind::MoverSla => "mover_sla",
        }
    }
}

/// One event that backs an issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub event: u32,
    pub time: Option<String>,
    pub system: String,
    pub note: String,
}

/// An orphaned account or an SLA breach, shaped so that it maps onto a finding one to one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleIssue {
    pub kind: IssueKind,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    pub recommended_action: String,
    pub person: u32,
    pub person_name: String,
    /// The downstream systems concerned.
    pub systems: Vec<String>,
    /// How late (or, if open, how long since the upstream change).
    pub latency_ms: i64,
    pub sla_ms: i64,
}

/// An account of a person who was disabled upstream and is still enabled downstream.
pub type OrphanedAccess = LifecycleIssue;

/// One account taking part in an ambiguous link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbiguousAccount {
    pub person: u32,
    pub person_name: String,
    pub job_id: String,
    pub system: String,
    pub source_id: String,
}

/// A key that would have joined chains that cannot be one person; they were kept apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmbiguousLink {
    pub key: LinkKey,
    pub value: String,
    pub reason: String,
    pub accounts: Vec<AmbiguousAccount>,
}

/// The full lifecycle report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleReport {
    /// The time of the last event: "now" for open changes.
    pub end_ms: Option<i64>,
    pub end: Option<String>,
    pub config: LifecycleConfig,
    pub persons: Vec<Person>,
    pub joiners: MovementReport,
    pub leavers: MovementReport,
    pub movers: MovementReport,
    /// High severity: leavers still enabled downstream longer than the leaver SLA.
    pub orphans: Vec<OrphanedAccess>,
    /// Leavers still enabled downstream, but within the leaver SLA (deprovisioning under way).
    pub pending_deprovisioning: Vec<Measure>,
    pub breaches: Vec<LifecycleIssue>,
    pub ambiguous: Vec<AmbiguousLink>,
}

impl Default for MoverAttribute {
    fn default() -> Self {
        MoverAttribute::new("", &[], true)
    }
}

impl LifecycleReport {
    /// Persons whose name, UPN, worker id or an account id matches `query` (any case):
    /// exact matches if there are any, else substring matches.
    pub fn find_persons(&self, query: &str) -> Vec<&Person> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let texts = |p: &Person| -> Vec<String> {
            let mut t = vec![p.name.to_lowercase()];
            t.extend(p.upns.iter().map(|s| s.to_lowercase()));
            t.extend(p.worker_ids.iter().map(|s| s.to_lowercase()));
            for a in &p.accounts {
                t.push(a.source_id.to_lowercase());
                t.push(a.target_id.to_lowercase());
            }
            t
        };
        let exact: Vec<&Person> = self
            .persons
            .iter()
            .filter(|p| texts(p).contains(&q))
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        self.persons
            .iter()
            .filter(|p| texts(p).iter().any(|t| !t.is_empty() && t.contains(&q)))
            .collect()
    }
}
