//! The incident log (claim 4.3.2): an append-only JSON Lines file, by default
//! `.safeguard/incidents.jsonl`. Each line is an [`Event`]: `created` assigns an id
//! (`INC-YYYY-NNN`) and sets fields, `updated` changes fields. An incident's current state is
//! the fold of its events in file order.
//!
//! Appends are made under an exclusive lock on `<log>.lock`, one whole line per write, so two
//! processes recording at once neither lose nor interleave lines. A last line cut short by a
//! crash is reported ([`LogState::truncated_line`]) and ignored when reading, and removed by
//! the next append; a bad line anywhere else is an error naming it.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The default log path, relative to the repository root.
pub const DEFAULT_PATH: &str = ".safeguard/incidents.jsonl";

/// What can go wrong with the log.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A line that is not the last one could not be read.
    #[error("{path}:{line}: not a valid incident event: {message}")]
    Corrupt {
        /// The log file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A timestamp is not RFC 3339 with an offset.
    #[error("{field}: {message}")]
    Timestamp {
        /// The field name.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An update names an incident that is not in the log.
    #[error("no incident `{0}` in the log; `safeguard incident list --all` shows the ids")]
    UnknownIncident(String),
    /// An update event came before any created event for its id, or an id was created twice.
    #[error("{path}:{line}: {message}")]
    Sequence {
        /// The log file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Times in the wrong order.
    #[error("incident {id}: {later} ({later_at}) is before {earlier} ({earlier_at})")]
    Order {
        /// The incident.
        id: String,
        /// The field that must come first.
        earlier: &'static str,
        /// Its value.
        earlier_at: String,
        /// The field that must come later.
        later: &'static str,
        /// Its value.
        later_at: String,
    },
    /// A new incident needs a title.
    #[error("a new incident needs a title")]
    MissingTitle,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How bad an incident is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The severity as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Open or resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IncidentStatus {
    /// Still being handled.
    #[default]
    Open,
    /// Closed.
    Resolved,
}

impl IncidentStatus {
    /// The status as written.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Resolved => "resolved",
        }
    }
}

/// Which EU Cyber Resilience Act article 14 reporting track applies, if any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CraKind {
    /// Not reportable under article 14.
    #[default]
    None,
    /// An actively exploited vulnerability (article 14(1) and (2)).
    ExploitedVulnerability,
    /// A severe incident having an impact on the security of the product (article 14(3)-(5)).
    SevereIncident,
}

impl CraKind {
    /// The kind as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CraKind::None => "none",
            CraKind::ExploitedVulnerability => "exploited-vulnerability",
            CraKind::SevereIncident => "severe-incident",
        }
    }
}

/// Fields set by an event; `None` leaves a field as it was.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fields {
    /// A short title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// Whether customers are affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affects_customers: Option<bool>,
    /// The CRA article 14 track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cra: Option<CraKind>,
    /// When the incident happened.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub occurred_at: Option<OffsetDateTime>,
    /// When the vendor became aware of it.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub detected_at: Option<OffsetDateTime>,
    /// When affected customers were told.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub customers_notified_at: Option<OffsetDateTime>,
    /// When the CRA early warning was submitted.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub early_warning_at: Option<OffsetDateTime>,
    /// When the CRA notification was submitted.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub notification_at: Option<OffsetDateTime>,
    /// When a corrective or mitigating measure became available.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub fixed_at: Option<OffsetDateTime>,
    /// When the CRA final report was submitted.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub final_report_at: Option<OffsetDateTime>,
    /// Open or resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<IncidentStatus>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Fields this event empties (a time or severity recorded by mistake). Applied after the
    /// fields it sets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clear: Vec<Clearable>,
}

/// A field an update can empty. Title, status, the customer flag and the CRA track always have
/// a value and are changed, not emptied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clearable {
    Severity,
    OccurredAt,
    DetectedAt,
    CustomersNotifiedAt,
    EarlyWarningAt,
    NotificationAt,
    FixedAt,
    FinalReportAt,
    Notes,
}

/// `created` or `updated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The first event of an incident.
    Created,
    /// A later change.
    Updated,
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// `created` or `updated`.
    pub event: EventKind,
    /// The incident id, `INC-YYYY-NNN`.
    pub id: String,
    /// Who recorded the event.
    pub by: String,
    /// When the event was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
    /// The fields it sets.
    #[serde(default)]
    pub fields: Fields,
}

/// An incident's current state: the fold of its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Incident {
    /// `INC-YYYY-NNN`.
    pub id: String,
    /// Title.
    pub title: String,
    /// Severity, when set.
    pub severity: Option<Severity>,
    /// Whether customers are affected (false until set).
    pub affects_customers: bool,
    /// The CRA article 14 track.
    pub cra: CraKind,
    /// When it happened.
    #[serde(with = "time::serde::rfc3339::option")]
    pub occurred_at: Option<OffsetDateTime>,
    /// When the vendor became aware of it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub detected_at: Option<OffsetDateTime>,
    /// When customers were told.
    #[serde(with = "time::serde::rfc3339::option")]
    pub customers_notified_at: Option<OffsetDateTime>,
    /// CRA early warning.
    #[serde(with = "time::serde::rfc3339::option")]
    pub early_warning_at: Option<OffsetDateTime>,
    /// CRA notification.
    #[serde(with = "time::serde::rfc3339::option")]
    pub notification_at: Option<OffsetDateTime>,
    /// Corrective or mitigating measure available.
    #[serde(with = "time::serde::rfc3339::option")]
    pub fixed_at: Option<OffsetDateTime>,
    /// CRA final report.
    #[serde(with = "time::serde::rfc3339::option")]
    pub final_report_at: Option<OffsetDateTime>,
    /// Open or resolved.
    pub status: IncidentStatus,
    /// Free text.
    pub notes: Option<String>,
    /// Who created it.
    pub created_by: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// How many events it has.
    pub events: usize,
}

impl Incident {
    fn new(e: &Event) -> Self {
        Incident {
            id: e.id.clone(),
            title: String::new(),
            severity: None,
            affects_customers: false,
            cra: CraKind::None,
            occurred_at: None,
            detected_at: None,
            customers_notified_at: None,
            early_warning_at: None,
            notification_at: None,
            fixed_at: None,
            final_report_at: None,
            status: IncidentStatus::Open,
            notes: None,
            created_by: e.by.clone(),
            created_at: e.recorded_at,
            updated_at: e.recorded_at,
            events: 0,
        }
    }

    fn apply(&mut self, e: &Event) {
        let f = &e.fields;
        macro_rules! set {
            ($($name:ident),*) => { $( if let Some(v) = &f.$name { self.$name = Some(v.clone()); } )* };
        }
        if let Some(t) = &f.title {
            self.title = t.clone();
        }
        if let Some(a) = f.affects_customers {
            self.affects_customers = a;
        }
        if let Some(c) = f.cra {
            self.cra = c;
        }
        if let Some(s) = f.status {
            self.status = s;
        }
        set!(
            severity,
            occurred_at,
            detected_at,
            customers_notified_at,
            early_warning_at,
            notification_at,
            fixed_at,
            final_report_at,
            notes
        );
        for c in &f.clear {
            match c {
                Clearable::Severity => self.severity = None,
                Clearable::OccurredAt => self.occurred_at = None,
                Clearable::DetectedAt => self.detected_at = None,
                Clearable::CustomersNotifiedAt => self.customers_notified_at = None,
                Clearable::EarlyWarningAt => self.early_warning_at = None,
                Clearable::NotificationAt => self.notification_at = None,
                Clearable::FixedAt => self.fixed_at = None,
                Clearable::FinalReportAt => self.final_report_at = None,
                Clearable::Notes => self.notes = None,
            }
        }
        self.updated_at = e.recorded_at;
        self.events += 1;
    }

    /// Check that the times are in a possible order: detection not before occurrence, customer
    /// notification not before detection.
    pub fn check_order(&self) -> Result<(), LogError> {
        let pairs = [
            (
                "occurred_at",
                self.occurred_at,
                "detected_at",
                self.detected_at,
            ),
            (
                "detected_at",
                self.detected_at,
                "customers_notified_at",
                self.customers_notified_at,
            ),
        ];
        for (earlier, a, later, b) in pairs {
            if let (Some(a), Some(b)) = (a, b)
                && b < a
            {
                return Err(LogError::Order {
                    id: self.id.clone(),
                    earlier,
                    earlier_at: fmt(a),
                    later,
                    later_at: fmt(b),
                });
            }
        }
        Ok(())
    }
}

fn fmt(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_else(|_| t.to_string())
}

/// Parse an RFC 3339 timestamp given for `field`; a date-time without an offset is an error
/// naming the field.
pub fn parse_timestamp(field: &str, value: &str) -> Result<OffsetDateTime, LogError> {
    let v = value.trim();
    match OffsetDateTime::parse(v, &Rfc3339) {
        Ok(t) => Ok(t),
        Err(e) => {
            let no_offset = time::PrimitiveDateTime::parse(
                v,
                time::macros::format_description!(
                    "[year]-[month]-[day][first [T][t][ ]][hour]:[minute]:[second][optional [.[subsecond]]]"
                ),
            )
            .is_ok();
            let message = if no_offset {
                format!("`{v}` has no UTC offset; add `Z` or an offset such as `+01:00` (RFC 3339)")
            } else {
                format!("`{v}` is not an RFC 3339 date-time such as `2025-06-01T09:30:00Z`: {e}")
            };
            Err(LogError::Timestamp {
                field: field.to_string(),
                message,
            })
        }
    }
}

/// What the log holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogState {
    /// Every incident, in id order.
    pub incidents: Vec<Incident>,
    /// The 1-based line of an incomplete last line (left by a crash), which was ignored.
    pub truncated_line: Option<usize>,
    /// How many events were read.
    pub events: usize,
}

/// An incident log file.
#[derive(Clone, Debug)]
pub struct Log {
    path: PathBuf,
}

impl Log {
    /// The log at `path` (created on the first record).
    pub fn open(path: impl Into<PathBuf>) -> Self {
        Log { path: path.into() }
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        let mut s = self.path.clone().into_os_string();
        s.push(".lock");
        PathBuf::from(s)
    }

    /// Every incident in the log.
    pub fn incidents(&self) -> Result<Vec<Incident>, LogError> {
        Ok(self.read()?.incidents)
    }

    /// Read the log: incidents, and an incomplete last line if there is one.
    pub fn read(&self) -> Result<LogState, LogError> {
        match fs::read(&self.path) {
            Ok(bytes) => parse(&self.path, &String::from_utf8_lossy(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LogState::default()),
            Err(e) => Err(io(&self.path)(e)),
        }
    }

    /// Record a new incident: assigns `INC-<year of now>-NNN` and appends a `created` event.
    pub fn record(
        &self,
        fields: Fields,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Incident, LogError> {
        if fields.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(LogError::MissingTitle);
        }
        self.append(|state| {
            let year = now
                .checked_to_offset(time::UtcOffset::UTC)
                .unwrap_or(now)
                .year();
            let prefix = format!("INC-{year}-");
            let next = state
                .incidents
                .iter()
                .filter_map(|i| i.id.strip_prefix(&prefix)?.parse::<u32>().ok())
                .max()
                .unwrap_or(0)
                .saturating_add(1);
            Ok(Event {
                event: EventKind::Created,
                id: format!("{prefix}{next:03}"),
                by: by.to_string(),
                recorded_at: now,
                fields,
            })
        })
    }

    /// Append an `updated` event to incident `id`.
    pub fn update(
        &self,
        id: &str,
        fields: Fields,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Incident, LogError> {
        self.append(|state| {
            if !state.incidents.iter().any(|i| i.id == id) {
                return Err(LogError::UnknownIncident(id.to_string()));
            }
            Ok(Event {
                event: EventKind::Updated,
                id: id.to_string(),
                by: by.to_string(),
                recorded_at: now,
                fields,
            })
        })
    }

    fn append(
        &self,
        make: impl FnOnce(&LogState) -> Result<Event, LogError>,
    ) -> Result<Incident, LogError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let lock_path = self.lock_path();
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.lock().map_err(io(&lock_path))?;

        let path = &self.path;
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io(path))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io(path))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut state = parse(path, &text)?;
        let mut prefix = String::new();
        if state.truncated_line.is_some() {
            // Remove the torn last line before appending.
            let keep = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            file.set_len(keep as u64).map_err(io(path))?;
        } else if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            // A complete last event whose newline was lost.
            prefix.push('\n');
        }
        let event = make(&state)?;
        let mut incident = state
            .incidents
            .iter()
            .find(|i| i.id == event.id)
            .cloned()
            .unwrap_or_else(|| Incident::new(&event));
        incident.apply(&event);
        incident.check_order()?;
        let line = serde_json::to_string(&event).map_err(|e| LogError::Corrupt {
            path: path.clone(),
            line: state.events + 1,
            message: e.to_string(),
        })?;
        let out = format!("{prefix}{line}\n");
        file.write_all(out.as_bytes()).map_err(io(path))?;
        file.sync_data().map_err(io(path))?;
        drop(lock);
        state.incidents.clear();
        Ok(incident)
    }
}

/// Parse log text: fold the events into incidents. `path` only names the file in errors.
pub fn parse(path: &Path, text: &str) -> Result<LogState, LogError> {
    let mut incidents: BTreeMap<String, Incident> = BTreeMap::new();
    let mut truncated_line = None;
    let mut events = 0;
    let total = text.lines().count();
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let event: Event = match serde_json::from_str(line) {
            Ok(e) => e,
            Err(e) if number == total && !text.ends_with('\n') => {
                let _ = e;
                truncated_line = Some(number);
                break;
            }
            Err(e) => {
                return Err(LogError::Corrupt {
                    path: path.to_path_buf(),
                    line: number,
                    message: e.to_string(),
                });
            }
        };
        events += 1;
        match (event.event, incidents.get_mut(&event.id)) {
            (EventKind::Created, Some(_)) => {
                return Err(LogError::Sequence {
                    path: path.to_path_buf(),
                    line: number,
                    message: format!("incident {} is created a second time", event.id),
                });
            }
            (EventKind::Updated, None) => {
                return Err(LogError::Sequence {
                    path: path.to_path_buf(),
                    line: number,
                    message: format!("incident {} is updated before it is created", event.id),
                });
            }
            (EventKind::Updated, Some(inc)) => inc.apply(&event),
            (EventKind::Created, None) => {
                let mut inc = Incident::new(&event);
                inc.apply(&event);
                incidents.insert(event.id.clone(), inc);
            }
        }
    }
    let incidents: Vec<Incident> = incidents.into_values().collect();
    for i in &incidents {
        i.check_order()?;
    }
    Ok(LogState {
        incidents,
        truncated_line,
        events,
    })
}
