//! KQL over the `AADProvisioningLogs` table (Log Analytics, Sentinel) that finds what each rule
//! finds, the dashboard's panels as queries, and Azure Monitor alert rules built from them.
//!
//! Column names follow the table reference (export-formats §6.1). JSON columns are read through
//! `parse_json`, so the queries work whether the workspace stores them as strings or dynamic.

use serde_json::{json, Value};

use crate::core::findings::{FindingKind, FindingsConfig, Severity};

/// The table every query reads.
pub const TABLE: &str = "AADProvisioningLogs";

/// A KQL string literal: double quotes, with backslashes and quotes escaped.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A KQL real literal that always parses as a real (`4.0`, not `4`).
fn real(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    if v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v}")
    }
}

/// The table, the look-back window and, for one job's finding, its filter.
fn source(lookback: &str, job_id: Option<&str>) -> String {
    let mut s = format!("{TABLE}\n| where TimeGenerated > ago({lookback})");
    if let Some(job) = job_id.filter(|j| !j.is_empty()) {
        s.push_str(&format!("\n| where JobId == {}", string_literal(job)));
    }
    s
}

/// The query that finds `kind` in Log Analytics, with the thresholds of `config`; restricted to
/// one job when `job_id` is given.
pub fn for_kind(kind: FindingKind, config: &FindingsConfig, job_id: Option<&str>) -> String {
    let c = config;
    match kind {
        FindingKind::SilentJob => format!(
            "// Jobs silent for far longer than their own cadence, inside the window or up to now.
let multiple = {multiple};
let minGap = {min_gap}m;
let minCycles = {min_cycles};
let jobCycles = {src}
| summarize CycleStart = min(TimeGenerated), CycleEnd = max(TimeGenerated) by JobId, CycleId;
let cadence = jobCycles
| sort by JobId asc, CycleStart asc
| extend Interval = iff(prev(JobId) == JobId, CycleStart - prev(CycleStart), timespan(null))
| summarize TypicalInterval = percentile(Interval, 50), Cycles = count() by JobId;
let inside = jobCycles
| sort by JobId asc, CycleStart asc
| extend SilenceStart = prev(CycleEnd), Silence = iff(prev(JobId) == JobId, CycleStart - prev(CycleEnd), timespan(null))
| where isnotnull(Silence)
| project JobId, SilenceStart, Silence, Stopped = false;
let trailing = jobCycles
| summarize SilenceStart = max(CycleEnd) by JobId
| extend Silence = now() - SilenceStart, Stopped = true;
union inside, trailing
| join kind=inner cadence on JobId
| where Cycles >= minCycles and Silence > max_of(multiple * TypicalInterval, minGap)
| project JobId, SilenceStart, Silence, Stopped, TypicalInterval, Cycles
| order by Silence desc",
            multiple = real(c.silent_gap_multiple),
            min_gap = c.silent_min_gap_min,
            min_cycles = c.silent_min_cycles,
            src = source("14d", job_id),
        ),
        FindingKind::FailureSpike => format!(
            "// Cycles with far more failures than the job's median (robust z-score over median and MAD).
let zThreshold = {z};
let minFailures = {min_failures};
let minCycles = {min_cycles};
let shareFactor = {share_factor};
let minShare = {min_share};
let events = {src};
let perCycle = events
| summarize Failures = countif(ResultType == \"Failure\"), Events = count(), CycleStart = min(TimeGenerated) by JobId, CycleId
| extend Share = todouble(Failures) / Events;
let baseline = perCycle
| summarize MedianFailures = percentile(Failures, 50), MedianShare = percentile(Share, 50), Cycles = count() by JobId;
let spread = perCycle
| join kind=inner baseline on JobId
| extend Deviation = abs(Failures - MedianFailures)
| summarize Mad = percentile(Deviation, 50) by JobId;
let dominant = events
| where ResultType == \"Failure\"
| summarize N = count() by JobId, CycleId, ResultSignature
| summarize arg_max(N, ResultSignature) by JobId, CycleId;
perCycle
| join kind=inner baseline on JobId
| join kind=inner spread on JobId
| extend Z = (Failures - MedianFailures) / max_of(1.4826 * Mad, 1.0)
| where Cycles >= minCycles and Failures >= minFailures and Z >= zThreshold and Share >= max_of(shareFactor * MedianShare, minShare)
| join kind=leftouter dominant on JobId, CycleId
| extend CredentialFailure = ResultSignature matches regex @\"(?i)unauthorized|invalidcredential|expiredcredential|401\"
| project JobId, CycleId, CycleStart, Failures, Events, MedianFailures, Z, DominantError = ResultSignature, CredentialFailure
| order by Z desc",
            z = real(c.spike_z),
            min_failures = c.spike_min_failures,
            min_cycles = c.baseline_min_cycles,
            share_factor = real(c.spike_share_factor),
            min_share = real(c.spike_min_share),
            src = source("14d", job_id),
        ),
        FindingKind::MassDeprovisioning => format!(
            "// Deletes + disables (+ staged deletes) per cycle against the deletion threshold and the job's median.
let threshold = {threshold};
let multiple = {multiple};
let minCount = {min_count};
let minCycles = {min_cycles};
let perCycle = {src}
| summarize Deletes = countif(Action == \"Delete\" and ResultType != \"Skipped\"), Disables = countif(Action == \"Disable\" and ResultType != \"Skipped\"), StagedDeletes = countif(Action == \"StagedDelete\" or ProvisioningAction =~ \"stagedDelete\"), CycleStart = min(TimeGenerated) by JobId, CycleId
| extend Deprovisions = Deletes + Disables + StagedDeletes;
let baseline = perCycle
| summarize Median = percentile(Deprovisions, 50), Cycles = count() by JobId;
perCycle
| join kind=inner baseline on JobId
| extend WouldTripThreshold = Deprovisions >= threshold
| where WouldTripThreshold or StagedDeletes > 0 or (Cycles >= minCycles and Deprovisions >= minCount and Deprovisions >= multiple * max_of(Median, 1.0))
| project JobId, CycleId, CycleStart, Deprovisions, Deletes, Disables, StagedDeletes, Median, WouldTripThreshold
| order by Deprovisions desc",
            threshold = c.deletion_threshold,
            multiple = real(c.mass_deprovision_multiple),
            min_count = c.mass_deprovision_min,
            min_cycles = c.baseline_min_cycles,
            src = source("14d", job_id),
        ),
        FindingKind::FailedOnboarding => unresolved_query(
            "Identities whose create failed and never succeeded afterwards.",
            "Action == \"Create\"",
            "Action in (\"Create\", \"Update\")",
            &source("30d", job_id),
        ),
        FindingKind::FailedDeprovisioning => unresolved_query(
            "Leavers whose disable or delete failed and never succeeded afterwards: dormant accounts.",
            "Action in (\"Disable\", \"Delete\")",
            "Action in (\"Disable\", \"Delete\")",
            &source("30d", job_id),
        ),
        FindingKind::PersistentFailure => format!(
            "// Identities failing in consecutive cycles with no success or skip in between (escrow retries).
let minCycles = {min_cycles};
{src}
| extend Identity = tostring(parse_json(SourceIdentity).Id), Name = tostring(parse_json(SourceIdentity).Name)
| where isnotempty(Identity)
| summarize Failed = countif(ResultType == \"Failure\"), Other = countif(ResultType in (\"Success\", \"Skipped\")), CycleStart = min(TimeGenerated), Error = take_anyif(ResultSignature, ResultType == \"Failure\"), Name = take_any(Name) by JobId, Identity, CycleId
| where Failed > 0 or Other > 0
| sort by JobId asc, Identity asc, CycleStart asc
| extend Failing = Failed > 0 and Other == 0
| extend Run = row_cumsum(iff(Failing, 0, 1), JobId != prev(JobId) or Identity != prev(Identity))
| where Failing
| summarize Cycles = count(), First = min(CycleStart), Last = max(CycleStart), Error = take_any(Error), Name = take_any(Name) by JobId, Identity, Run
| where Cycles >= minCycles
| summarize LongestRun = max(Cycles), First = min(First), Last = max(Last), Error = take_any(Error), Name = take_any(Name) by JobId, Identity
| order by LongestRun desc",
            min_cycles = c.persistent_cycles,
            src = source("30d", job_id),
        ),
        FindingKind::AttributeFlapping => format!(
            "// Attributes that go back to an earlier value (A -> B -> A) or are rewritten cycle after cycle; accountDisabled (logged on every update) and group members are ignored; CyclesRewritten counts cycles, consecutive or not.
let minFlips = {min_flips};
let rewriteCycles = {rewrite_cycles};
{src}
| where ResultType in (\"Success\", \"Warning\")
| extend Identity = tostring(parse_json(SourceIdentity).Id)
| mv-expand Property = parse_json(ModifiedProperties)
| extend Attribute = tostring(Property.displayName), NewValue = tostring(Property.newValue)
| where isnotempty(Attribute) and Attribute !in~ (\"accountDisabled\", \"members\", \"member\")
| sort by JobId asc, Identity asc, Attribute asc, TimeGenerated asc
| extend Flip = JobId == prev(JobId, 2) and Identity == prev(Identity, 2) and Attribute == prev(Attribute, 2) and NewValue == prev(NewValue, 2) and NewValue != prev(NewValue)
| summarize Flips = countif(Flip), CyclesRewritten = dcount(CycleId), Values = make_set(NewValue, 10) by JobId, Identity, Attribute
| where Flips >= minFlips or (CyclesRewritten >= rewriteCycles and array_length(Values) >= 2)
| order by Flips desc",
            min_flips = c.flap_min_flips,
            rewrite_cycles = c.flap_rewrite_cycles,
            src = source("30d", job_id),
        ),
        FindingKind::QuarantineRisk => format!(
            "// Failures per job against the escrow rules; reference failures are left out of the share and the 40,000 rule.
let minFailures = {min_failures};
let maxPercent = {percent};
let maxFailures = {max_failures};
let absoluteMax = {absolute};
let watchFailures = {watch};
{src}
| extend Steps = tostring(ProvisioningSteps)
| extend Reference = ResultType == \"Failure\" and (ResultSignature contains \"UnableToResolveReferenceAttributeValue\" or ResultDescription contains \"UnableToResolveReferenceAttributeValue\" or Steps contains \"UnableToResolveReferenceAttributeValue\" or Steps matches regex @\"\"\"provisioningStepType\"\"\\s*:\\s*(4|\"\"referenceResolution\"\")[^}}]*\"\"status\"\"\\s*:\\s*(1|\"\"failure\"\")\")
| summarize Events = count(), Failures = countif(ResultType == \"Failure\"), ReferenceFailures = countif(Reference) by JobId, App = tostring(parse_json(ServicePrincipal).Name)
| extend Counted = Failures - ReferenceFailures
| extend FailurePercent = 100.0 * Counted / Events
| extend MeetsQuarantineRules = (Counted >= minFailures and FailurePercent > maxPercent) or Counted > maxFailures or Failures > absoluteMax
| where MeetsQuarantineRules or (FailurePercent > maxPercent and Counted >= watchFailures)
| order by FailurePercent desc",
            min_failures = c.quarantine_min_failures,
            percent = real(c.quarantine_percent),
            max_failures = c.quarantine_max_failures,
            absolute = c.quarantine_absolute_max,
            watch = c.quarantine_watch_min_failures,
            src = source("30d", job_id),
        ),
        FindingKind::SkippedNoise => format!(
            "// Skipped events by class, per job and day; a rising unexpected class (validation, matching, other) is the signal.
{src}
| where ResultType == \"Skipped\"
| extend Steps = tostring(ProvisioningSteps)
| extend SkipClass = case(
    Steps contains \"AttributeValidationFailed\", \"attribute_validation_failed\",
    ResultSignature == \"ImportSkipped\" or Steps contains \"matching attribute\", \"missing_matching_attribute\",
    Steps contains \"not effectively entitled\" or Steps matches regex @\"(Assigned to the application|User has the required role)\"\"\\s*:\\s*\"\"False\", \"not_assigned\",
    Steps matches regex @\"Scoping filter evaluation passed\"\"\\s*:\\s*\"\"False\", \"scoping_filter_failed\",
    Steps matches regex @\"Active in the source system\"\"\\s*:\\s*\"\"False\" or Steps contains \"out of scope\", \"out_of_scope\",
    Steps contains \"already\" or Steps contains \"no change\", \"already_in_sync\",
    \"other\")
| summarize Events = count() by JobId, SkipClass, Day = bin(TimeGenerated, 1d)
| order by JobId asc, Day asc, Events desc",
            src = source("14d", job_id),
        ),
        FindingKind::OrphanedAccess => format!(
            "// Leavers disabled or deleted in the HR system whose downstream accounts were never
// disabled or deleted afterwards (joined by UPN), older than the leaver SLA.
let leaverSla = {leaver}m;
let leavers = {src}
| where ResultType == \"Success\" and ProvisioningAction in (\"disable\", \"delete\")
| extend SourceName = tostring(parse_json(SourceSystem).Name)
| where SourceName has_any (\"Workday\", \"SuccessFactors\", \"API\")
| extend Upn = tolower(tostring(parse_json(TargetIdentity).details.UserPrincipalName)), Person = tostring(parse_json(SourceIdentity).Name)
| where isnotempty(Upn)
| summarize LeftAt = min(TimeGenerated) by Person, Upn;
let accounts = {table}
| where TimeGenerated > ago(30d) and ResultType == \"Success\"
| extend Upn = tolower(tostring(parse_json(SourceIdentity).details.UserPrincipalName)), Target = tostring(parse_json(TargetSystem).Name)
| where isnotempty(Upn)
| summarize Created = countif(ProvisioningAction == \"create\"), Removed = maxif(TimeGenerated, ProvisioningAction in (\"disable\", \"delete\")) by Upn, Target;
leavers
| join kind=inner accounts on Upn
| where Created > 0 and (isnull(Removed) or Removed < LeftAt)
| where now() - LeftAt > leaverSla
| project Person, Upn, Target, LeftAt",
            leaver = c.lifecycle.leaver_sla_ms / 60_000,
            src = source("30d", job_id),
            table = TABLE,
        ),
        FindingKind::LifecycleSla => format!(
            "// Joiners whose downstream accounts were created later than the joiner SLA after the
// HR create (joined by UPN); the leaver and mover checks follow the same pattern.
let joinerSla = {joiner}m;
let hires = {src}
| where ResultType == \"Success\" and ProvisioningAction == \"create\"
| extend SourceName = tostring(parse_json(SourceSystem).Name)
| where SourceName has_any (\"Workday\", \"SuccessFactors\", \"API\")
| extend Upn = tolower(tostring(parse_json(TargetIdentity).details.UserPrincipalName)), Person = tostring(parse_json(SourceIdentity).Name)
| where isnotempty(Upn)
| summarize HiredAt = min(TimeGenerated) by Person, Upn;
{table}
| where TimeGenerated > ago(30d) and ResultType == \"Success\" and ProvisioningAction == \"create\"
| extend Upn = tolower(tostring(parse_json(SourceIdentity).details.UserPrincipalName)), Target = tostring(parse_json(TargetSystem).Name)
| join kind=inner hires on Upn
| summarize CreatedAt = min(TimeGenerated) by Person, Upn, Target, HiredAt
| extend Latency = CreatedAt - HiredAt
| where Latency > joinerSla
| order by Latency desc",
            joiner = c.lifecycle.joiner_sla_ms / 60_000,
            src = source("30d", job_id),
            table = TABLE,
        ),
        FindingKind::ErrorTemplate => format!(
            "// Failure reasons clustered into templates: quoted values, GUIDs, UPNs and numbers masked.
let minCount = {min_count};
{src}
| where ResultType == \"Failure\" and isnotempty(ResultDescription)
| extend Template = replace_regex(ResultDescription, @\"'[^']*'\", \"'<value>'\")
| extend Template = replace_regex(Template, @\"[0-9a-fA-F]{{8}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{4}}-[0-9a-fA-F]{{12}}\", \"<guid>\")
| extend Template = replace_regex(Template, @\"[^\\s'\"\"(),;<>]+@[^\\s'\"\"(),;<>]+\", \"<upn>\")
| extend Template = replace_regex(Template, @\"\\b\\d[\\d.,]*\\b\", \"<n>\")
| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Jobs = dcount(JobId), ErrorCode = take_any(ResultSignature), Example = take_any(ResultDescription) by Template
| where Count >= minCount
| order by Count desc
| take {max}",
            min_count = c.template_min_count,
            max = c.template_max,
            src = source("14d", job_id),
        ),
    }
}

fn unresolved_query(comment: &str, wanted: &str, resolves: &str, src: &str) -> String {
    format!(
        "// {comment}
{src}
| extend Identity = tostring(parse_json(SourceIdentity).Id), Name = tostring(parse_json(SourceIdentity).Name), Upn = tostring(parse_json(SourceIdentity).details.UserPrincipalName)
| extend Wanted = {wanted}, Resolves = {resolves}
| where Wanted or Resolves
| summarize FirstFailure = minif(TimeGenerated, Wanted and ResultType == \"Failure\"), LastFailure = maxif(TimeGenerated, Wanted and ResultType == \"Failure\"), Attempts = countif(Wanted and ResultType == \"Failure\"), LastSuccess = maxif(TimeGenerated, Resolves and ResultType == \"Success\"), Error = take_anyif(ResultSignature, ResultType == \"Failure\"), Name = take_any(Name), Upn = take_any(Upn) by JobId, Identity
| where Attempts > 0 and (isnull(LastSuccess) or LastSuccess < LastFailure)
| extend FailingFor = now() - FirstFailure
| project JobId, Identity, Name, Upn, Error, Attempts, FirstFailure, LastFailure, FailingFor
| order by FailingFor desc"
    )
}

/// The dashboard's panels as Log Analytics queries, by panel name.
pub fn dashboard_queries() -> Vec<(String, String)> {
    let src = source("7d", None);
    let identity = "tostring(parse_json(SourceIdentity).Id)";
    let panels = [
        (
            "Events by status over time",
            format!(
                "{src}
| extend Status = iff(isempty(ResultType), \"Unknown\", ResultType)
| summarize Events = count() by bin(TimeGenerated, 1h), Status
| render timechart"
            ),
        ),
        (
            "Events by action",
            format!(
                "{src}
| summarize Events = count() by bin(TimeGenerated, 1d), Action
| render columnchart"
            ),
        ),
        (
            "Unique sync count by status",
            format!(
                "{src}
| summarize Total = count(), SuccessCount = countif(ResultType == \"Success\"), FailureCount = countif(ResultType == \"Failure\"), SkippedCount = countif(ResultType == \"Skipped\"), WarningCount = countif(ResultType == \"Warning\"), Objects = dcount({identity}) by Action
| order by Total desc"
            ),
        ),
        (
            "Success rate",
            format!(
                "{src}
| summarize Events = count() by ResultType
| render piechart"
            ),
        ),
        (
            "Top errors",
            format!(
                "{src}
| where ResultType == \"Failure\"
| summarize Count = count(), Identities = dcount({identity}), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Example = take_any(ResultDescription) by ErrorCode = ResultSignature
| order by Count desc
| take 20"
            ),
        ),
        (
            "Jobs",
            format!(
                "{src}
| summarize Events = count(), Failures = countif(ResultType == \"Failure\"), Cycles = dcount(CycleId), First = min(TimeGenerated), Last = max(TimeGenerated) by JobId, App = tostring(parse_json(ServicePrincipal).Name), Source = tostring(parse_json(SourceSystem).Name), Target = tostring(parse_json(TargetSystem).Name)
| extend FailureRate = round(100.0 * Failures / Events, 1)
| order by Events desc"
            ),
        ),
        (
            "Cycles",
            format!(
                "{src}
| summarize Start = min(TimeGenerated), End = max(TimeGenerated), Events = count(), Failures = countif(ResultType == \"Failure\"), Identities = dcount({identity}) by JobId, CycleId
| extend Duration = End - Start
| order by Start desc"
            ),
        ),
        (
            "Identity types",
            format!(
                "{src}
| extend IdentityType = tolower(tostring(parse_json(SourceIdentity).identityType))
| summarize Objects = dcount({identity}), Events = count() by IdentityType
| order by Objects desc"
            ),
        ),
        (
            "Attribute changes",
            format!(
                "{src}
| mv-expand Property = parse_json(ModifiedProperties)
| extend Attribute = tostring(Property.displayName)
| where isnotempty(Attribute)
| summarize Changes = count() by Attribute
| order by Changes desc
| take 50"
            ),
        ),
    ];
    panels
        .into_iter()
        .map(|(name, q)| (name.to_string(), q))
        .collect()
}

/// An Azure Monitor scheduled-query alert rule (ARM template) for one finding kind, with the
/// default thresholds.
pub fn alert_rule_arm(kind: FindingKind) -> Value {
    alert_rule_arm_with(kind, &FindingsConfig::default())
}

/// An Azure Monitor scheduled-query alert rule (`Microsoft.Insights/scheduledQueryRules`) that
/// raises an alert whenever the kind's query returns a row.
pub fn alert_rule_arm_with(kind: FindingKind, config: &FindingsConfig) -> Value {
    let severity = match kind.max_severity() {
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
        Severity::Info => 4,
    };
    // Rules that compare against the job's history look back further than they run.
    let (frequency, window) = match kind {
        FindingKind::SilentJob | FindingKind::FailureSpike | FindingKind::MassDeprovisioning => {
            ("PT1H", "P2D")
        }
        _ => ("P1D", "P2D"),
    };
    let name = format!("provlens-{}", kind.as_str().replace('_', "-"));
    json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "workspaceResourceId": {
                "type": "string",
                "metadata": { "description": "Resource id of the Log Analytics workspace that receives AADProvisioningLogs." }
            },
            "actionGroupResourceId": {
                "type": "string",
                "defaultValue": "",
                "metadata": { "description": "Action group to notify (optional)." }
            },
            "location": {
                "type": "string",
                "defaultValue": "[resourceGroup().location]"
            }
        },
        "resources": [{
            "type": "Microsoft.Insights/scheduledQueryRules",
            "apiVersion": "2023-12-01",
            "name": name,
            "location": "[parameters('location')]",
            "properties": {
                "displayName": format!("Provisioning: {}", kind.label()),
                "description": format!("provlens rule {}: raised when the query returns rows.", kind.as_str()),
                "severity": severity,
                "enabled": true,
                "evaluationFrequency": frequency,
                "windowSize": window,
                "scopes": ["[parameters('workspaceResourceId')]"],
                "criteria": {
                    "allOf": [{
                        "query": for_kind(kind, config, None),
                        "timeAggregation": "Count",
                        "operator": "GreaterThan",
                        "threshold": 0,
                        "failingPeriods": {
                            "numberOfEvaluationPeriods": 1,
                            "minFailingPeriodsToAlert": 1
                        }
                    }]
                },
                "autoMitigate": false,
                "actions": {
                    "actionGroups": "[if(empty(parameters('actionGroupResourceId')), createArray(), createArray(parameters('actionGroupResourceId')))]"
                }
            }
        }]
    })
}
