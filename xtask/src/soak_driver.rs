//! A load test of the fake with a model check (issue 8): many concurrent connections send a
//! mix of `add_acs_user` (by id, by new and by existing key), `remove_acs_user` and reads, and
//! every answer and the final state are checked against a model. `cargo xtask soak` runs it
//! against a `seam-fake serve` process; the tests below run small ones against a
//! [`FakeServer`](seamapi_fake::FakeServer) in this process.
//!
//! It lived in `seamapi-fake` (`seamapi_fake::soak`) until the fake stopped depending on the client
//! it checks: it drives the fake with the async client `seam`, so it belongs with the tasks.
//!
//! The design makes the model exact under concurrency:
//!
//! - Worker `w` (one per connection) owns [`ACS_USERS_PER_WORKER`] of the
//!   [extra ACS users](seamapi_fake::State::seeded_with_extra_acs_users), all in access system
//!   `w % 3`. No other worker touches them, so the worker knows each one's link at every
//!   moment, and its final state is the one left by its worker's last acknowledged call.
//! - Workers `3g`, `3g + 1` and `3g + 2` (one per access system) share the keys
//!   `soak-g<g>-k<n>`, from a window that slides as they go: they race to create the identity
//!   of each new key, then add to and remove from it. An identity can only hold ACS users of
//!   its key's group, and in each access system only those of one worker, so that worker
//!   alone decides whether a call breaks the one-ACS-user-per-system rule.
//! - The extra ACS users have no email address or phone number, so a new identity copies
//!   neither and two identities can only collide on their key, which `add_acs_user`
//!   resolves under the fake's lock.
//!
//! Every call's outcome is predicted before it is sent: success, or one of the two expected
//! errors, `acs_user_already_linked` (the ACS user is linked to another identity) and
//! `user_identity_already_has_acs_user_in_acs_system`. Any other error, or an outcome other
//! than the predicted one, is a violation. Reads check what they see against the model
//! (which of the worker's ACS users an identity holds, whom an ACS user is linked to, one
//! identity per key). After the run the final state, read with the list routes, must hold
//! exactly the model's links, no key may have two identities and no ACS user two identities.
//!
//! ```text
//! use crate::soak_driver::{self, Config};
//! let config = Config::new(2_000, 32);
//! let fake = seamapi_fake::FakeSeam::with_state(seamapi_fake::State::seeded_with_extra_acs_users(
//!     config.extra_acs_users(),
//! ));
//! let server = seamapi_fake::FakeServer::start("127.0.0.1:0", fake)
//!     .await
//!     .map_err(|e| e.to_string())?;
//! let report = soak_driver::run(server.endpoint(), &config).await?;
//! println!("{report}");
//! assert!(report.violations.is_empty());
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use seamapi::{Error, RetryPolicy, Seam};
use seamapi_api::resources::AcsUser;
use seamapi_api::routes::{
    AddAcsUser, GetAcsUser, GetUserIdentity, ListAcsUsers, ListUserIdentities,
    ListUserIdentityAcsUsers, RemoveAcsUser, UserIdentityRef,
};
use seamapi_core::Route;
use seamapi_fake::seed;

/// How many extra ACS users each worker owns.
pub const ACS_USERS_PER_WORKER: usize = 4;

/// The most violations a report keeps word for word (all are counted).
const KEPT_VIOLATIONS: usize = 20;

/// The two errors the model predicts.
const ALREADY_LINKED: &str = "acs_user_already_linked";
const ALREADY_IN_SYSTEM: &str = "user_identity_already_has_acs_user_in_acs_system";

/// How many calls a worker makes per new key, and how many recent keys it picks from.
const CALLS_PER_KEY: u64 = 8;
const KEY_WINDOW: u64 = 8;

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Calls in the load phase (the setup and the final check add a few list calls).
    pub requests: u64,
    /// Concurrent workers, each a task with its own call in flight, so as many connections.
    pub connections: usize,
    /// The longest the load phase may run; past it the workers stop and the run fails.
    pub max_time: Duration,
    /// Seeds the workers' choices, so that a run can be repeated.
    pub seed: u64,
}

impl Config {
    /// `requests` calls from `connections` workers, at most 10 minutes, seed 1.
    pub fn new(requests: u64, connections: usize) -> Self {
        Self {
            requests,
            connections: connections.max(1),
            max_time: Duration::from_secs(600),
            seed: 1,
        }
    }

    /// How many [extra ACS users](seamapi_fake::State::seeded_with_extra_acs_users) the server must
    /// have: [`ACS_USERS_PER_WORKER`] for each worker of each access system.
    pub fn extra_acs_users(&self) -> usize {
        3 * ACS_USERS_PER_WORKER * self.connections.div_ceil(3)
    }
}

/// What a run did and found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Calls made in the load phase.
    pub requests: u64,
    /// Calls by route name (`user_identities.add_acs_user`, …).
    pub by_route: BTreeMap<&'static str, u64>,
    /// `add_acs_user` calls by how the identity was named: `by id`, `by new key` (the first
    /// call sent with that key: it creates the identity, or races a call of another worker of
    /// the same moment to it), `by existing key`.
    pub add_by: BTreeMap<&'static str, u64>,
    /// Errors received, by type.
    pub errors: BTreeMap<String, u64>,
    /// Errors the model predicted, by type.
    pub predicted_errors: BTreeMap<String, u64>,
    /// How long the load phase took.
    pub elapsed: Duration,
    /// The most calls in flight at once (each worker has at most one).
    pub max_in_flight: u64,
    /// Client connections to the server open after the load phase (from `/proc/net/tcp`;
    /// `None` where that cannot be read). The client's pool keeps every connection it opened,
    /// so this is how many it needed; it may open a few more than the calls in flight (a new
    /// connection races a busy one to become free, and the loser stays in the pool).
    pub connections_open: Option<usize>,
    /// Identities the load created (keys `soak-…`), as found by the final check.
    pub identities_created: usize,
    /// ACS users linked at the end, as found by the final check.
    pub links_at_end: usize,
    /// Calls the setup and the final check made.
    pub check_requests: u64,
    /// Every violation found (the first ones word for word).
    pub violations: Vec<String>,
    /// All violations, including those not kept.
    pub violation_count: u64,
}

impl Report {
    /// Load-phase calls per second.
    pub fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn violation(&mut self, message: String) {
        self.violation_count += 1;
        if self.violations.len() < KEPT_VIOLATIONS {
            self.violations.push(message);
        }
    }

    fn merge(&mut self, other: Report) {
        self.requests += other.requests;
        for (k, v) in other.by_route {
            *self.by_route.entry(k).or_default() += v;
        }
        for (k, v) in other.add_by {
            *self.add_by.entry(k).or_default() += v;
        }
        for (k, v) in other.errors {
            *self.errors.entry(k).or_default() += v;
        }
        for (k, v) in other.predicted_errors {
            *self.predicted_errors.entry(k).or_default() += v;
        }
        self.violation_count += other.violation_count;
        for v in other.violations {
            if self.violations.len() < KEPT_VIOLATIONS {
                self.violations.push(v);
            }
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "requests: {} in {:.2} s ({:.0}/s), plus {} for setup and the final check",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.rps(),
            self.check_requests
        )?;
        writeln!(
            f,
            "calls in flight at once, at most: {}",
            self.max_in_flight
        )?;
        match self.connections_open {
            Some(n) => writeln!(f, "connections open after the load: {n}")?,
            None => writeln!(f, "connections open after the load: unknown")?,
        }
        writeln!(f, "by route:")?;
        for (route, n) in &self.by_route {
            writeln!(f, "  {route:<34} {n:>8}")?;
        }
        writeln!(f, "add_acs_user by:")?;
        for (how, n) in &self.add_by {
            writeln!(f, "  {how:<34} {n:>8}")?;
        }
        writeln!(f, "errors (received / predicted):")?;
        let mut types: Vec<&String> = self.errors.keys().collect();
        types.extend(self.predicted_errors.keys());
        types.sort();
        types.dedup();
        if types.is_empty() {
            writeln!(f, "  none")?;
        }
        for t in types {
            writeln!(
                f,
                "  {t:<50} {:>7} / {:>7}",
                self.errors.get(t).copied().unwrap_or(0),
                self.predicted_errors.get(t).copied().unwrap_or(0)
            )?;
        }
        writeln!(
            f,
            "final state: {} identities created, {} ACS users linked",
            self.identities_created, self.links_at_end
        )?;
        write!(f, "violations: {}", self.violation_count)?;
        for v in &self.violations {
            write!(f, "\n  {v}")?;
        }
        Ok(())
    }
}

/// Runs the soak against the fake at `endpoint` (seeded with at least
/// [`Config::extra_acs_users`] extra ACS users, otherwise untouched) and checks the final
/// state. `Err` when it could not run at all (no server, too few ACS users); the violations
/// are in the report.
pub async fn run(endpoint: &str, config: &Config) -> Result<Report, String> {
    let seam = Seam::builder()
        .api_key(seed::API_KEY)
        .endpoint(endpoint)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| format!("soak: client: {e}"))?;
    let mut report = Report::default();
    let owned = setup(&seam, config, &mut report).await?;

    let shared = Arc::new(Shared {
        tickets: AtomicU64::new(0),
        ids: Mutex::new(HashMap::new()),
        added: Mutex::new(std::collections::HashSet::new()),
        in_flight: AtomicU64::new(0),
        max_in_flight: AtomicU64::new(0),
        requests: config.requests,
        deadline: Instant::now() + config.max_time,
    });
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (w, users) in owned.into_iter().enumerate() {
        let worker = Worker {
            seam: seam.clone(),
            shared: Arc::clone(&shared),
            group: w / 3,
            linked: vec![None; users.len()],
            users,
            rng: config
                .seed
                .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .wrapping_add(w as u64 + 1),
            calls: 0,
            report: Report::default(),
        };
        tasks.spawn(worker.run());
    }
    let mut models = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((worker_report, model)) => {
                report.merge(worker_report);
                models.push(model);
            }
            Err(e) => report.violation(format!("a worker failed: {e}")),
        }
    }
    report.elapsed = start.elapsed();
    report.max_in_flight = shared.max_in_flight.load(Ordering::SeqCst);
    if Instant::now() > shared.deadline {
        report.violation(format!(
            "the load phase passed its time limit of {:?} after {} calls",
            config.max_time, report.requests
        ));
    }
    report.connections_open = port_of(endpoint).and_then(open_connections_to);
    let ids = shared
        .ids
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    final_check(&seam, &models, &ids, &mut report).await;
    Ok(report)
}

/// Checks the server has the extra ACS users, unlinked, and hands each worker its own.
async fn setup(
    seam: &Seam,
    config: &Config,
    report: &mut Report,
) -> Result<Vec<Vec<String>>, String> {
    let needed = config.extra_acs_users();
    let users = all_acs_users(seam, report)
        .await
        .map_err(|e| format!("soak: could not list the ACS users: {e}"))?;
    let free: std::collections::HashSet<&str> = users
        .iter()
        .filter(|u| u.user_identity_id.is_none())
        .map(|u| u.acs_user_id.as_str())
        .collect();
    let missing = (0..needed)
        .filter(|&i| !free.contains(seed::extra_acs_user_id(i).as_str()))
        .count();
    if missing > 0 {
        return Err(format!(
            "soak: {missing} of the {needed} extra ACS users it needs are missing or linked; \
             start a fresh server with `seam-fake serve --extra-acs-users {needed}`"
        ));
    }
    // Extra user i is in system i % 3, at place i / 3 of it: worker w = 3r + s owns places
    // r * ACS_USERS_PER_WORKER .. of system s.
    Ok((0..config.connections)
        .map(|w| {
            let (r, s) = (w / 3, w % 3);
            (0..ACS_USERS_PER_WORKER)
                .map(|j| seed::extra_acs_user_id(3 * (r * ACS_USERS_PER_WORKER + j) + s))
                .collect()
        })
        .collect())
}

/// State the workers share: the call tickets, each key's identity id as seen by reads, and
/// the keys some `add_acs_user` was sent with.
struct Shared {
    tickets: AtomicU64,
    ids: Mutex<HashMap<String, String>>,
    added: Mutex<std::collections::HashSet<String>>,
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    requests: u64,
    deadline: Instant,
}

impl Shared {
    /// Whether no `add_acs_user` was sent with `key` before (a new key: this call creates
    /// its identity, or races a call of another worker of the same moment to it).
    fn first_add(&self, key: &str) -> bool {
        self.added
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key.to_owned())
    }

    fn id_of(&self, key: &str) -> Option<String> {
        self.ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Records that `key` is identity `id`; `Err` names the other id when a read already
    /// saw another identity with that key.
    fn learn(&self, key: &str, id: &str) -> Result<(), String> {
        let mut ids = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match ids.get(key) {
            Some(known) if known != id => Err(known.clone()),
            Some(_) => Ok(()),
            None => {
                ids.insert(key.to_owned(), id.to_owned());
                Ok(())
            }
        }
    }
}

/// One worker's final model: its ACS users and the key each is linked to.
struct Model {
    users: Vec<String>,
    linked: Vec<Option<String>>,
}

struct Worker {
    seam: Seam,
    shared: Arc<Shared>,
    group: usize,
    users: Vec<String>,
    /// The key each of `users` is linked to, as far as the acknowledged calls say.
    linked: Vec<Option<String>>,
    rng: u64,
    calls: u64,
    report: Report,
}

/// What the model expects of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Ok,
    Error(&'static str),
}

impl Worker {
    async fn run(mut self) -> (Report, Model) {
        while self.shared.tickets.fetch_add(1, Ordering::Relaxed) < self.shared.requests
            && Instant::now() < self.shared.deadline
        {
            let now = self.shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
            self.step().await;
            self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            self.calls += 1;
        }
        let model = Model {
            users: self.users,
            linked: self.linked,
        };
        (self.report, model)
    }

    /// A number in `0..n` (splitmix64).
    fn pick(&mut self, n: u64) -> u64 {
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }

    fn key(&self, n: u64) -> String {
        format!("soak-g{}-k{n}", self.group)
    }

    /// A key from the window of recent ones: the newest is often not created yet.
    fn pick_key(&mut self) -> String {
        let newest = self.calls / CALLS_PER_KEY;
        let n = newest.saturating_sub(self.pick(KEY_WINDOW));
        self.key(n)
    }

    /// A key from the window whose identity surely exists (identities are never deleted):
    /// its id was seen, or one of the worker's ACS users was linked to it; else, when there
    /// is one, the key of one of the worker's links.
    fn existing_key(&mut self) -> Option<String> {
        let key = self.pick_key();
        if self.shared.id_of(&key).is_some() || self.linked.iter().any(|k| k.as_ref() == Some(&key))
        {
            return Some(key);
        }
        let j = self.pick_user();
        self.linked[j]
            .clone()
            .or_else(|| self.linked.iter().flatten().next().cloned())
    }

    fn pick_user(&mut self) -> usize {
        self.pick(self.users.len() as u64) as usize
    }

    fn violation(&mut self, message: String) {
        self.report.violation(message);
    }

    async fn step(&mut self) {
        match self.pick(100) {
            0..35 => {
                let j = self.pick_user();
                // Now and then the key it is linked to: an idempotent re-add.
                let key = match self.linked[j].clone() {
                    Some(key) if self.pick(3) == 0 => key,
                    _ => self.pick_key(),
                };
                self.add(j, key, false).await;
            }
            35..50 => {
                let (j, key) = (self.pick_user(), self.pick_key());
                self.add(j, key, true).await;
            }
            50..65 => self.remove().await,
            65..75 => match self.existing_key() {
                Some(key) => self.get_identity(&key).await,
                None => self.get_acs_user().await,
            },
            75..85 => self.list_acs_users().await,
            85..95 => self.get_acs_user().await,
            _ => self.list_identities().await,
        }
    }

    fn count(&mut self, route: &'static str) {
        self.report.requests += 1;
        *self.report.by_route.entry(route).or_default() += 1;
    }

    /// Compares an outcome with the prediction and counts both; `true` when the call
    /// succeeded (predicted or not: the model follows what the server acknowledged).
    fn settle<T>(&mut self, what: &str, expect: Expect, outcome: &Result<T, Error>) -> bool {
        if let Expect::Error(t) = expect {
            *self
                .report
                .predicted_errors
                .entry(t.to_owned())
                .or_default() += 1;
        }
        if let Err(e) = outcome {
            let t = e.error_type().unwrap_or("(no type)").to_owned();
            *self.report.errors.entry(t).or_default() += 1;
        }
        match (expect, outcome) {
            (Expect::Ok, Ok(_)) => true,
            (Expect::Error(t), Err(e)) if e.error_type() == Some(t) => false,
            (expect, Ok(_)) => {
                self.violation(format!("{what}: succeeded, the model expected {expect:?}"));
                true
            }
            (expect, Err(e)) => {
                self.violation(format!("{what}: {e}; the model expected {expect:?}"));
                false
            }
        }
    }

    /// `add_acs_user` of the worker's `j`th ACS user to the identity of `key`, named by its
    /// id when `by_id` and the id is known, by its key otherwise.
    async fn add(&mut self, j: usize, key: String, by_id: bool) {
        let id = if by_id { self.shared.id_of(&key) } else { None };
        let expect = match &self.linked[j] {
            Some(current) if *current == key => Expect::Ok,
            Some(_) => Expect::Error(ALREADY_LINKED),
            None if self.linked.iter().any(|k| k.as_deref() == Some(&key)) => {
                Expect::Error(ALREADY_IN_SYSTEM)
            }
            None => Expect::Ok,
        };
        let how = match &id {
            Some(_) => "by id",
            None if self.shared.first_add(&key) => "by new key",
            None => "by existing key",
        };
        *self.report.add_by.entry(how).or_default() += 1;
        let identity = match id {
            Some(id) => UserIdentityRef::id(id),
            None => UserIdentityRef::key(key.clone()),
        };
        self.count(AddAcsUser::INFO.name);
        let acs_user_id = self.users[j].clone();
        let outcome = self
            .seam
            .user_identities()
            .add_acs_user(AddAcsUser::new(acs_user_id.clone(), identity))
            .await;
        let what = format!("add_acs_user({acs_user_id}, {key} {how})");
        if self.settle(&what, expect, &outcome) {
            self.linked[j] = Some(key);
        }
    }

    /// `remove_acs_user` of one of the worker's ACS users from the identity it is linked to
    /// (or, when it is linked to none, from some identity: a no-op that succeeds).
    async fn remove(&mut self) {
        let j = self.pick_user();
        let Some(key) = self.linked[j].clone().or_else(|| self.existing_key()) else {
            // Nothing to remove from yet: link instead.
            let key = self.pick_key();
            return self.add(j, key, false).await;
        };
        let Some(id) = self.shared.id_of(&key) else {
            // The id is not known yet: read it instead.
            return self.get_identity(&key).await;
        };
        self.count(RemoveAcsUser::INFO.name);
        let acs_user_id = self.users[j].clone();
        let outcome = self
            .seam
            .user_identities()
            .remove_acs_user(RemoveAcsUser::new(id, acs_user_id.clone()))
            .await;
        let what = format!("remove_acs_user({acs_user_id}, {key})");
        if self.settle(&what, Expect::Ok, &outcome) && self.linked[j].as_deref() == Some(&key) {
            self.linked[j] = None;
        }
    }

    /// Checks that of the worker's ACS users, `holds` lists exactly those linked to `key`.
    fn check_holds<'a>(
        &mut self,
        what: &str,
        key: &str,
        holds: impl Iterator<Item = &'a str> + Clone,
    ) {
        for j in 0..self.users.len() {
            let expected = self.linked[j].as_deref() == Some(key);
            let seen = holds.clone().any(|a| a == self.users[j]);
            if expected != seen {
                let user = self.users[j].clone();
                self.violation(format!(
                    "{what}: {key} {} ACS user {user}, the model says it {}",
                    if seen { "holds" } else { "lacks" },
                    if expected { "should" } else { "should not" },
                ));
            }
        }
    }

    /// `user_identities.get` of a key that exists: learns the id, checks the worker's links.
    async fn get_identity(&mut self, key: &str) {
        self.count(GetUserIdentity::INFO.name);
        let outcome = self.seam.user_identities().get(identity_by_key(key)).await;
        let what = format!("get({key})");
        if let Ok(identity) = &outcome {
            if identity.user_identity_key.as_deref() != Some(key) {
                self.violation(format!(
                    "get({key}) answered the identity of key {:?}",
                    identity.user_identity_key
                ));
            }
            if let Err(other) = self.shared.learn(key, &identity.user_identity_id) {
                self.violation(format!(
                    "key {key} has two identities: {other} and {}",
                    identity.user_identity_id
                ));
            }
            let holds = identity.acs_user_ids.iter().map(String::as_str);
            self.check_holds(&what, key, holds);
        }
        self.settle(&what, Expect::Ok, &outcome);
    }

    /// `user_identities.list_acs_users` of an identity whose id is known.
    async fn list_acs_users(&mut self) {
        let Some(key) = self.existing_key() else {
            return self.get_acs_user().await;
        };
        let Some(id) = self.shared.id_of(&key) else {
            return self.get_identity(&key).await;
        };
        self.count(ListUserIdentityAcsUsers::INFO.name);
        let outcome = self
            .seam
            .user_identities()
            .list_acs_users(ListUserIdentityAcsUsers::new(id.clone()))
            .await;
        let what = format!("list_acs_users({key})");
        if let Ok(users) = &outcome {
            let holds: Vec<&str> = users.iter().map(|u| u.acs_user_id.as_str()).collect();
            self.check_holds(&what, &key, holds.iter().copied());
            for u in users {
                if u.user_identity_id.as_deref() != Some(id.as_str()) {
                    self.violation(format!(
                        "{what}: ACS user {} points to {:?}",
                        u.acs_user_id, u.user_identity_id
                    ));
                }
            }
        }
        self.settle(&what, Expect::Ok, &outcome);
    }

    /// `acs.users.get` of one of the worker's ACS users: linked as the model says?
    async fn get_acs_user(&mut self) {
        let j = self.pick_user();
        let acs_user_id = self.users[j].clone();
        self.count(GetAcsUser::INFO.name);
        let outcome = self
            .seam
            .acs()
            .users()
            .get(GetAcsUser::new().acs_user_id(acs_user_id.clone()))
            .await;
        let what = format!("acs.users.get({acs_user_id})");
        if let Ok(user) = &outcome {
            let expected = self.linked[j].clone();
            let fits = match (&expected, &user.user_identity_id) {
                (None, None) => true,
                (Some(key), Some(id)) => self.shared.id_of(key).is_none_or(|known| known == *id),
                _ => false,
            };
            if !fits {
                self.violation(format!(
                    "{what}: linked to {:?}, the model says key {expected:?}",
                    user.user_identity_id
                ));
            }
        }
        self.settle(&what, Expect::Ok, &outcome);
    }

    /// `user_identities.list` of the group's identities, one page: no key twice.
    async fn list_identities(&mut self) {
        let prefix = format!("soak-g{}-", self.group);
        self.count(ListUserIdentities::INFO.name);
        let outcome = self
            .seam
            .user_identities()
            .list(
                ListUserIdentities::new()
                    .search(prefix.clone())
                    .limit(50u32),
            )
            .await;
        let what = format!("user_identities.list({prefix})");
        if let Ok(page) = &outcome {
            let mut seen = std::collections::HashSet::new();
            for identity in &page.items {
                let key = identity.user_identity_key.clone().unwrap_or_default();
                if !seen.insert(key.clone()) {
                    self.violation(format!("{what}: key {key} listed twice"));
                }
                if let Err(other) = self.shared.learn(&key, &identity.user_identity_id) {
                    self.violation(format!(
                        "key {key} has two identities: {other} and {}",
                        identity.user_identity_id
                    ));
                }
            }
        }
        self.settle(&what, Expect::Ok, &outcome);
    }
}

/// Every item of a list route, with the client's own pagination.
async fn all<R: seamapi_core::Paginated>(
    mut stream: seamapi::PageStream<R>,
) -> Result<Vec<R::Item>, Error> {
    use futures_core::Stream;
    let mut items = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
    {
        items.push(item?);
    }
    Ok(items)
}

/// `user_identities/get` by key, built from its wire form: the generated one-of enum of `get`
/// may not be `UserIdentityRef` itself.
fn identity_by_key(key: &str) -> GetUserIdentity {
    #[allow(clippy::expect_used)]
    serde_json::from_value(serde_json::json!({ "user_identity_key": key }))
        .expect("user_identities/get by key")
}

async fn all_acs_users(seam: &Seam, report: &mut Report) -> Result<Vec<AcsUser>, Error> {
    let users = all(seam
        .acs()
        .users()
        .list_all(ListAcsUsers::new().limit(500u32)))
    .await?;
    report.check_requests += (users.len() as u64 / 500) + 1;
    Ok(users)
}

/// Reads the final state with the list routes and checks it against the workers' models.
async fn final_check(
    seam: &Seam,
    models: &[Model],
    ids: &HashMap<String, String>,
    report: &mut Report,
) {
    let identities = match all(seam
        .user_identities()
        .list_all(ListUserIdentities::new().limit(500u32)))
    .await
    {
        Ok(i) => i,
        Err(e) => return report.violation(format!("final check: listing identities: {e}")),
    };
    report.check_requests += (identities.len() as u64 / 500) + 1;
    let users = match all_acs_users(seam, report).await {
        Ok(u) => u,
        Err(e) => return report.violation(format!("final check: listing ACS users: {e}")),
    };

    // No key has two identities; the ids the reads saw are the ones at the end.
    let mut by_key: HashMap<&str, Vec<&str>> = HashMap::new();
    for identity in &identities {
        if let Some(key) = identity.user_identity_key.as_deref() {
            by_key
                .entry(key)
                .or_default()
                .push(&identity.user_identity_id);
        }
    }
    for (key, found) in &by_key {
        if found.len() > 1 {
            report.violation(format!(
                "final: key {key} has {} identities: {found:?}",
                found.len()
            ));
        }
    }
    for (key, id) in ids {
        if by_key
            .get(key.as_str())
            .is_none_or(|found| !found.contains(&id.as_str()))
        {
            report.violation(format!(
                "final: identity {id} of key {key}, seen during the run, is gone"
            ));
        }
    }
    report.identities_created = by_key.keys().filter(|k| k.starts_with("soak-")).count();

    // No ACS user has two identities, both sides of every link agree, one ACS user per
    // system per identity.
    let system_of: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.acs_user_id.as_str(), u.acs_system_id.as_str()))
        .collect();
    let pointer: HashMap<&str, Option<&str>> = users
        .iter()
        .map(|u| (u.acs_user_id.as_str(), u.user_identity_id.as_deref()))
        .collect();
    let mut holders: HashMap<&str, Vec<&str>> = HashMap::new();
    for identity in &identities {
        let mut systems = Vec::new();
        for a in &identity.acs_user_ids {
            holders
                .entry(a.as_str())
                .or_default()
                .push(&identity.user_identity_id);
            if pointer.get(a.as_str()).copied().flatten()
                != Some(identity.user_identity_id.as_str())
            {
                report.violation(format!(
                    "final: identity {} lists ACS user {a}, which points to {:?}",
                    identity.user_identity_id,
                    pointer.get(a.as_str())
                ));
            }
            let system = system_of.get(a.as_str()).copied().unwrap_or("?");
            if systems.contains(&system) {
                report.violation(format!(
                    "final: identity {} has two ACS users in system {system}",
                    identity.user_identity_id
                ));
            }
            systems.push(system);
        }
    }
    for (a, held) in &holders {
        if held.len() > 1 {
            report.violation(format!(
                "final: ACS user {a} is held by {} identities: {held:?}",
                held.len()
            ));
        }
    }
    for (a, points) in &pointer {
        if let Some(id) = points
            && holders.get(a).is_none_or(|h| !h.contains(id))
        {
            report.violation(format!(
                "final: ACS user {a} points to {id}, which does not list it"
            ));
        }
    }
    report.links_at_end = pointer.values().filter(|p| p.is_some()).count();

    // Every acknowledged link is there, every acknowledged removal too.
    let key_of: HashMap<&str, Option<&str>> = identities
        .iter()
        .map(|i| (i.user_identity_id.as_str(), i.user_identity_key.as_deref()))
        .collect();
    for model in models {
        for (user, expected) in model.users.iter().zip(&model.linked) {
            let found = match pointer.get(user.as_str()) {
                Some(Some(id)) => key_of.get(id).copied().flatten(),
                Some(None) => None,
                None => {
                    report.violation(format!("final: ACS user {user} is gone"));
                    continue;
                }
            };
            if found != expected.as_deref() {
                report.violation(format!(
                    "final: ACS user {user} is linked to key {found:?}, the acknowledged calls say {expected:?}"
                ));
            }
        }
    }
    // The seed's own link was not touched.
    if pointer.get(seed::ANNEX_ACS_USER_IDS[0]).copied().flatten() != Some(seed::USER_IDENTITY_ID) {
        report.violation("final: the seeded link of Jane Doe changed".to_owned());
    }
}

/// The port of `http://host:port`.
fn port_of(endpoint: &str) -> Option<u16> {
    endpoint
        .trim_end_matches('/')
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse().ok())
}

/// How many established TCP connections go to local `port` from this machine
/// (`/proc/net/tcp` and `tcp6`, Linux only): the client side of each connection.
pub fn open_connections_to(port: u16) -> Option<usize> {
    let mut count = 0;
    let mut readable = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        readable = true;
        count += text
            .lines()
            .skip(1)
            .filter(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                // fields[2] is rem_address "HEX_IP:HEX_PORT", fields[3] the state (01 =
                // ESTABLISHED).
                fields.len() > 3
                    && fields[3] == "01"
                    && fields[2]
                        .rsplit_once(':')
                        .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                        == Some(port)
            })
            .count();
    }
    readable.then_some(count)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn workers_own_disjoint_users_of_one_system_each() {
        for connections in [1, 2, 3, 32, 256] {
            let config = Config::new(1, connections);
            let mut seen = std::collections::HashSet::new();
            for w in 0..connections {
                let (r, s) = (w / 3, w % 3);
                for j in 0..ACS_USERS_PER_WORKER {
                    let i = 3 * (r * ACS_USERS_PER_WORKER + j) + s;
                    assert!(i < config.extra_acs_users(), "{connections}: {i}");
                    assert_eq!(
                        seed::extra_acs_user_system(i),
                        seed::extra_acs_user_system(w)
                    );
                    assert!(seen.insert(i), "{connections}: {i} owned twice");
                }
            }
        }
        assert_eq!(Config::new(1, 256).extra_acs_users(), 1032);
    }

    /// The fake with the extra ACS users `config` needs, in this process.
    fn fake_for(config: &Config) -> seamapi_fake::FakeSeam {
        seamapi_fake::FakeSeam::with_state(seamapi_fake::State::seeded_with_extra_acs_users(
            config.extra_acs_users(),
        ))
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    /// A small soak (issue 8): 2,000 calls from 32 connections against the fake over HTTP,
    /// checked call by call and at the end against the model. `cargo xtask soak` runs the full
    /// one (100,000 calls, 256 connections) against a `seam-fake serve` process.
    #[test]
    fn two_thousand_calls_from_32_connections_match_the_model() {
        runtime().block_on(async {
            let config = Config::new(2_000, 32);
            let fake = fake_for(&config);
            let server = seamapi_fake::FakeServer::start("127.0.0.1:0", fake.clone())
                .await
                .unwrap();
            let report = run(server.endpoint(), &config).await.unwrap();
            eprintln!("{report}");
            assert_eq!(report.violations, Vec::<String>::new(), "{report}");
            assert_eq!(report.violation_count, 0);
            assert_eq!(report.requests, 2_000);
            assert_eq!(report.by_route.values().sum::<u64>(), 2_000);
            // Every error was predicted, type by type, and both kinds occurred.
            assert_eq!(report.errors, report.predicted_errors);
            for expected in [ALREADY_LINKED, ALREADY_IN_SYSTEM] {
                assert!(
                    report.errors.get(expected).is_some_and(|n| *n > 0),
                    "{report}"
                );
            }
            for how in ["by id", "by new key", "by existing key"] {
                assert!(report.add_by.get(how).is_some_and(|n| *n > 0), "{report}");
            }
            assert!(report.identities_created > 0 && report.links_at_end > 0);
            // Calls really overlapped, each on a connection of its own. How many overlapped
            // depends on the machine's scheduling, so this test asks only for overlap; `cargo
            // xtask soak` requires all of its connections in flight at once.
            assert!(report.max_in_flight > 1, "{report}");
            if let Some(open) = report.connections_open {
                assert!(
                    open as u64 >= report.max_in_flight,
                    "{open} connections: {report}"
                );
            }
            // The server's own view agrees.
            assert_eq!(fake.state().check_links(), Ok(()));
            server.stop().await.unwrap();
        });
    }

    /// A backend that acknowledges every `lose_every`-th `add_acs_user` without doing it.
    #[derive(Debug)]
    struct Lossy {
        fake: seamapi_fake::FakeSeam,
        calls: AtomicU64,
        lose_every: u64,
    }

    #[async_trait::async_trait]
    impl seamapi_transport::Transport for Lossy {
        async fn send(
            &self,
            request: http::Request<bytes::Bytes>,
        ) -> Result<http::Response<bytes::Bytes>, seamapi_transport::TransportError> {
            if request.uri().path() == AddAcsUser::INFO.path
                && self.calls.fetch_add(1, Ordering::Relaxed) % self.lose_every
                    == self.lose_every - 1
            {
                return Ok(http::Response::new(bytes::Bytes::from_static(
                    br#"{"ok":true}"#,
                )));
            }
            seamapi_transport::Transport::send(&self.fake, request).await
        }
    }

    #[test]
    fn a_server_that_loses_acknowledged_links_is_caught() {
        runtime().block_on(async {
            let config = Config::new(1_000, 8);
            let lossy = Lossy {
                fake: fake_for(&config),
                calls: AtomicU64::new(0),
                lose_every: 10,
            };
            let server = seamapi_fake::FakeServer::start("127.0.0.1:0", lossy)
                .await
                .unwrap();
            let report = run(server.endpoint(), &config).await.unwrap();
            assert!(report.violation_count > 0, "{report}");
            assert!(
                report
                    .violations
                    .iter()
                    .any(|v| v.contains("the model") || v.contains("acknowledged")),
                "{report}"
            );
            server.stop().await.unwrap();
        });
    }

    #[test]
    fn a_server_without_the_extra_acs_users_is_refused() {
        runtime().block_on(async {
            let server =
                seamapi_fake::FakeServer::start("127.0.0.1:0", seamapi_fake::FakeSeam::new())
                    .await
                    .unwrap();
            let err = run(server.endpoint(), &Config::new(10, 4))
                .await
                .unwrap_err();
            assert!(err.contains("--extra-acs-users 24"), "{err}");
            server.stop().await.unwrap();
        });
    }

    #[test]
    fn ports_are_read_from_the_endpoint() {
        assert_eq!(port_of("http://127.0.0.1:4321"), Some(4321));
        assert_eq!(port_of("http://127.0.0.1:4321/"), Some(4321));
        assert_eq!(port_of("http://[::1]:80"), Some(80));
        assert_eq!(port_of("http://localhost"), None);
    }
}
