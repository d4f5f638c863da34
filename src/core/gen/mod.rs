//! A seeded, deterministic generator of synthetic provisioning-log exports.
//!
//! [`generate`] simulates a tenant (HR inbound to Active Directory, API-driven inbound, cloud
//! sync, and a few SCIM/gallery apps) over a population of people with joiners, movers and
//! leavers, in 40-minute cycles, and plants the anomalies asked for. The result is a list of
//! [`GenEvent`]s plus a [`Truth`] manifest saying exactly where each anomaly was placed; the
//! writers in [`write`] turn the same events into every export format. Pure: no clock, no I/O,
//! no OS randomness; the same config always yields the same bytes.

mod rng;
mod scenario;
pub mod write;

use serde::Serialize;

use crate::core::model::{Action, Status, StepType};

pub use rng::Rng;
pub use write::{write_format, GenFormat, Wrap, WriteOptions};

/// 2026-11-01T00:00:00Z, the default start of the generated window.
pub const DEFAULT_START_MS: i64 = 1_793_491_200_000;

/// Length of one provisioning cycle.
pub const CYCLE_MS: i64 = 40 * 60 * 1000;

/// The provisioning jobs a generated tenant can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobKind {
    /// Workday → Active Directory (HR inbound through the provisioning agent).
    Workday,
    /// API-driven inbound → Microsoft Entra ID (contractors from a CSV/API source).
    ApiInbound,
    /// Cloud sync: Active Directory → Microsoft Entra ID.
    CloudSync,
    /// Microsoft Entra ID → Dropbox Business (SCIM gallery app).
    Dropbox,
    /// Microsoft Entra ID → Salesforce (gallery app).
    Salesforce,
    /// Microsoft Entra ID → a generic SCIM app.
    Scim,
}

impl JobKind {
    pub const ALL: [JobKind; 6] = [
        JobKind::Workday,
        JobKind::ApiInbound,
        JobKind::CloudSync,
        JobKind::Dropbox,
        JobKind::Salesforce,
        JobKind::Scim,
    ];

    pub fn name(self) -> &'static str {
        match self {
            JobKind::Workday => "workday",
            JobKind::ApiInbound => "api-inbound",
            JobKind::CloudSync => "cloud-sync",
            JobKind::Dropbox => "dropbox",
            JobKind::Salesforce => "salesforce",
            JobKind::Scim => "scim",
        }
    }

    pub fn parse(text: &str) -> Option<JobKind> {
        JobKind::ALL
            .into_iter()
            .find(|j| j.name().eq_ignore_ascii_case(text.trim()))
    }

    pub fn is_app(self) -> bool {
        matches!(self, JobKind::Dropbox | JobKind::Salesforce | JobKind::Scim)
    }
}

/// An anomaly to plant. Each is off unless listed in [`GenConfig::anomalies`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Anomaly {
    /// The job emits no cycle for `hours` hours.
    SilentJob { job: JobKind, hours: u32 },
    /// One cycle with `failures` failed events, most of them with one error code.
    FailureSpike { job: JobKind, failures: u32 },
    /// Every event of `cycles` consecutive cycles fails on expired credentials (401).
    CredentialErrors { job: JobKind, cycles: u32 },
    /// One cycle disables `disables` users at once (e.g. a group unassigned from the app).
    MassDeprovisioning { job: JobKind, disables: u32 },
    /// `people` new hires whose create fails in every cycle and never succeeds.
    FailedOnboarding { job: JobKind, people: u32 },
    /// `people` leavers whose disable fails in every cycle and never succeeds.
    FailedDeprovisioning { job: JobKind, people: u32 },
    /// The same `people` objects fail with the same error for `cycles` consecutive cycles,
    /// then succeed.
    PersistentFailure {
        job: JobKind,
        cycles: u32,
        people: u32,
    },
    /// An attribute of `people` users flips A→B→A… over `flips` consecutive cycles.
    AttributeFlapping {
        job: JobKind,
        people: u32,
        flips: u32,
    },
    /// One cycle holds `count` deletes as `StagedDelete` (accidental-deletion prevention).
    StagedDeletes { job: JobKind, count: u32 },
    /// `people` new hires in the HR job `job` who reach every downstream system on time.
    OnTimeJoiners { job: JobKind, people: u32 },
    /// A new hire whose account in `job` is created only `hours` after the HR create.
    SlowJoiner { job: JobKind, hours: u32 },
    /// A new hire who later leaves; the disable (and delete) never reaches `job`.
    OrphanedAccess { job: JobKind },
    /// A new hire whose later department change never reaches `job` (nor anything after it).
    StalledMover { job: JobKind },
}

impl Anomaly {
    /// The names the CLI accepts, in order.
    pub const NAMES: [&'static str; 9] = [
        "silent-job",
        "failure-spike",
        "credential-errors",
        "mass-deprovisioning",
        "failed-onboarding",
        "failed-deprovisioning",
        "persistent-failure",
        "attribute-flapping",
        "staged-deletes",
    ];

    /// The lifecycle chains the CLI accepts (planted only when asked for, like the others).
    pub const LIFECYCLE_NAMES: [&'static str; 4] = [
        "on-time-joiners",
        "slow-joiner",
        "orphaned-access",
        "stalled-mover",
    ];

    /// The anomaly with its default parameters, by name.
    pub fn named(name: &str) -> Option<Anomaly> {
        let a = match name.trim().to_ascii_lowercase().as_str() {
            "silent-job" => Anomaly::SilentJob {
                job: JobKind::Salesforce,
                hours: 10,
            },
            "failure-spike" => Anomaly::FailureSpike {
                job: JobKind::Dropbox,
                failures: 180,
            },
            "credential-errors" => Anomaly::CredentialErrors {
                job: JobKind::CloudSync,
                cycles: 6,
            },
            "mass-deprovisioning" => Anomaly::MassDeprovisioning {
                job: JobKind::Dropbox,
                disables: 620,
            },
            "failed-onboarding" => Anomaly::FailedOnboarding {
                job: JobKind::Workday,
                people: 2,
            },
            "failed-deprovisioning" => Anomaly::FailedDeprovisioning {
                job: JobKind::Workday,
                people: 1,
            },
            "persistent-failure" => Anomaly::PersistentFailure {
                job: JobKind::Scim,
                cycles: 8,
                people: 5,
            },
            "attribute-flapping" => Anomaly::AttributeFlapping {
                job: JobKind::CloudSync,
                people: 2,
                flips: 6,
            },
            "staged-deletes" => Anomaly::StagedDeletes {
                job: JobKind::Salesforce,
                count: 45,
            },
            "on-time-joiners" => Anomaly::OnTimeJoiners {
                job: JobKind::Workday,
                people: 3,
            },
            "slow-joiner" => Anomaly::SlowJoiner {
                job: JobKind::Salesforce,
                hours: 30,
            },
            "orphaned-access" => Anomaly::OrphanedAccess {
                job: JobKind::Dropbox,
            },
            "stalled-mover" => Anomaly::StalledMover {
                job: JobKind::CloudSync,
            },
            _ => return None,
        };
        Some(a)
    }

    pub fn name(&self) -> &'static str {
        let lifecycle = |i: usize| Anomaly::LIFECYCLE_NAMES[i];
        let i = match self {
            Anomaly::OnTimeJoiners { .. } => return lifecycle(0),
            Anomaly::SlowJoiner { .. } => return lifecycle(1),
            Anomaly::OrphanedAccess { .. } => return lifecycle(2),
            Anomaly::StalledMover { .. } => return lifecycle(3),
            Anomaly::SilentJob { .. } => 0,
            Anomaly::FailureSpike { .. } => 1,
            Anomaly::CredentialErrors { .. } => 2,
            Anomaly::MassDeprovisioning { .. } => 3,
            Anomaly::FailedOnboarding { .. } => 4,
            Anomaly::FailedDeprovisioning { .. } => 5,
            Anomaly::PersistentFailure { .. } => 6,
            Anomaly::AttributeFlapping { .. } => 7,
            Anomaly::StagedDeletes { .. } => 8,
        };
        Anomaly::NAMES[i]
    }

    pub fn job(&self) -> JobKind {
        match self {
            Anomaly::SilentJob { job, .. }
            | Anomaly::FailureSpike { job, .. }
            | Anomaly::CredentialErrors { job, .. }
            | Anomaly::MassDeprovisioning { job, .. }
            | Anomaly::FailedOnboarding { job, .. }
            | Anomaly::FailedDeprovisioning { job, .. }
            | Anomaly::PersistentFailure { job, .. }
            | Anomaly::AttributeFlapping { job, .. }
            | Anomaly::StagedDeletes { job, .. }
            | Anomaly::OnTimeJoiners { job, .. }
            | Anomaly::SlowJoiner { job, .. }
            | Anomaly::OrphanedAccess { job }
            | Anomaly::StalledMover { job } => *job,
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    pub seed: u64,
    /// Target number of events (the result is within a few percent).
    pub events: u32,
    pub days: u32,
    pub start_ms: i64,
    /// The jobs of the tenant; an anomaly on a job not listed is not planted.
    pub jobs: Vec<JobKind>,
    pub anomalies: Vec<Anomaly>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            events: 5_000,
            days: 7,
            start_ms: DEFAULT_START_MS,
            jobs: JobKind::ALL.to_vec(),
            anomalies: Vec::new(),
        }
    }
}

/// A system (source, target) as every format describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GenSystem {
    pub id: String,
    pub name: String,
    /// `ApplicationId`, `ServicePrincipalId`, `ServicePrincipalDisplayName` for app systems.
    pub details: Vec<(String, String)>,
}

/// An identity on one side of an event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GenIdentity {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub upn: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenStep {
    pub name: String,
    pub kind: StepType,
    pub status: Status,
    pub description: String,
    pub details: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenModified {
    pub name: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenError {
    pub code: String,
    pub reason: String,
    pub category: String,
    pub recommended: Option<String>,
    pub additional: Option<String>,
}

/// One generated provisioning event, independent of any export format.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenEvent {
    pub id: String,
    pub time_ms: i64,
    pub tenant_id: String,
    pub job_id: String,
    pub cycle_id: String,
    pub change_id: String,
    pub action: Action,
    pub status: Status,
    pub duration_ms: u32,
    pub error: Option<GenError>,
    pub source_system: GenSystem,
    pub target_system: GenSystem,
    pub service_principal: GenSystem,
    pub source: GenIdentity,
    pub target: GenIdentity,
    pub steps: Vec<GenStep>,
    pub modified: Vec<GenModified>,
}

/// One job of the generated tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JobTruth {
    pub kind: JobKind,
    pub job_id: String,
    pub name: String,
    /// Cycles that ran (a silent window removes some).
    pub cycles: u32,
}

/// Where one anomaly was planted: enough for a test to check a detector exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Planted {
    pub anomaly: Anomaly,
    pub job_id: String,
    /// The window the anomaly covers (for a silent job: no event of the job inside it).
    pub start_ms: i64,
    pub end_ms: i64,
    /// Cycles holding the planted events, in time order.
    pub cycle_ids: Vec<String>,
    /// The planted events, in time order.
    pub event_ids: Vec<String>,
    /// Source identity ids of the objects involved.
    pub source_ids: Vec<String>,
    /// The (dominant) error code, for failure anomalies.
    pub error_code: Option<String>,
    /// The attribute involved, for flapping.
    pub attribute: Option<String>,
    /// The planted count: failures with the dominant code, disables, staged deletes, flips…
    pub count: u32,
    /// For lifecycle anomalies: each planted person's change and when it reached each system.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<PlantedChain>,
}

/// One planted person's change followed from HR to every downstream system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlantedChain {
    pub display_name: String,
    pub upn: String,
    /// The HR worker id (employee id).
    pub worker_id: String,
    /// `joiner`, `leaver` or `mover`.
    pub movement: String,
    /// For movers: the attribute (as the HR job names it) and its new value.
    pub attribute: Option<String>,
    pub value: Option<String>,
    pub upstream_system: String,
    /// The HR job's first event with the change (its first attempt).
    pub upstream_event_id: Option<String>,
    pub upstream_ms: Option<i64>,
    /// Every downstream system the person has an account in, in flow order.
    pub hops: Vec<PlantedHop>,
}

/// When the change reached one system: its first successful event, or `None` if never.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PlantedHop {
    pub system: String,
    pub job_id: String,
    pub event_id: Option<String>,
    pub time_ms: Option<i64>,
}

/// The manifest of a generated data set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Truth {
    pub seed: u64,
    pub tenant_id: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub events: u32,
    pub jobs: Vec<JobTruth>,
    pub planted: Vec<Planted>,
}

/// Generated events (in time order) and the manifest.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub events: Vec<GenEvent>,
    pub truth: Truth,
}

/// Generates a synthetic tenant's provisioning events.
pub fn generate(config: &GenConfig) -> Generated {
    scenario::run(config)
}

/// The configuration of the app's built-in demo.
pub fn demo_config() -> GenConfig {
    GenConfig {
        seed: 20_261_101,
        events: 3_000,
        days: 5,
        anomalies: vec![
            Anomaly::FailureSpike {
                job: JobKind::Dropbox,
                failures: 120,
            },
            Anomaly::SilentJob {
                job: JobKind::Salesforce,
                hours: 10,
            },
            Anomaly::CredentialErrors {
                job: JobKind::CloudSync,
                cycles: 4,
            },
            Anomaly::FailedOnboarding {
                job: JobKind::Workday,
                people: 1,
            },
            // Lifecycle chains across jobs, for the lifecycle view: a new hire who reaches an
            // app a day late, a leaver still enabled in an app, a change that stops halfway.
            Anomaly::SlowJoiner {
                job: JobKind::Salesforce,
                hours: 30,
            },
            Anomaly::OrphanedAccess {
                job: JobKind::Dropbox,
            },
            Anomaly::StalledMover {
                job: JobKind::CloudSync,
            },
        ],
        ..GenConfig::default()
    }
}

/// The built-in demo: a few thousand events as a portal JSON download, plus the Workday job's
/// events as a diagnostic-settings JSON Lines file (so the demo shows multi-format merging).
pub fn demo_files() -> Vec<(String, Vec<u8>)> {
    let g = generate(&demo_config());
    let workday = g
        .truth
        .jobs
        .iter()
        .find(|j| j.kind == JobKind::Workday)
        .map(|j| j.job_id.clone())
        .unwrap_or_default();
    let (hr, rest): (Vec<GenEvent>, Vec<GenEvent>) =
        g.events.into_iter().partition(|e| e.job_id == workday);
    // The same files `write_format` writes for these two formats, unwrapped. The writers are
    // called directly so that the browser build links only these two, not every format's
    // writer nor the gzip and zip encoders.
    vec![
        ("ProvisioningLogs.json".into(), write::portal_json(&rest)),
        ("PT1H.json".into(), write::diagnostic_jsonl(&hr)),
    ]
}
