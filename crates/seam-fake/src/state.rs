//! The fake's whole state: workspaces, credentials, access systems, ACS users, user
//! identities and the links between them. It is plain data (serde), so a sandbox can keep it
//! in a file.

use std::collections::BTreeMap;

use http::StatusCode;
use seamapi_api::resources::{AcsUser, UserIdentity};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

use crate::error::{ApiFailure, ErrorType};
use crate::seed;

/// A workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    /// Its id.
    pub workspace_id: String,
    /// Its name.
    pub name: String,
}

/// An access control system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcsSystem {
    /// Its id.
    pub acs_system_id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// Its name.
    pub name: String,
    /// The kind of ACS user it holds, e.g. `salto_site_user`.
    pub external_type: String,
}

/// Everything the fake knows. Links are kept consistent both ways: an ACS user's
/// `user_identity_id` names the identity whose `acs_user_ids` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Workspaces by id.
    pub workspaces: BTreeMap<String, Workspace>,
    /// API keys and the workspace each acts in.
    pub api_keys: BTreeMap<String, String>,
    /// Personal access tokens and the workspaces each may act in.
    pub personal_access_tokens: BTreeMap<String, Vec<String>>,
    /// Access systems by id.
    pub acs_systems: BTreeMap<String, AcsSystem>,
    /// ACS users by id.
    pub acs_users: BTreeMap<String, AcsUser>,
    /// User identities by id.
    pub user_identities: BTreeMap<String, UserIdentity>,
    /// Per workspace, the number behind the next id the fake hands out in it (1 when the
    /// workspace has none yet). One counter per workspace, so ids made in one workspace say
    /// nothing about the activity of another.
    #[serde(default)]
    pub next_ids: BTreeMap<String, u64>,
}

/// The start of every id the fake hands out in `workspace_id`: `f00d`, four hex digits of a
/// hash of the workspace id, then `-0000-4000-8000-`; the rest is the workspace's counter in
/// hex.
fn fresh_id_prefix(workspace_id: &str) -> String {
    // FNV-1a, folded to 16 bits: stable across runs and builds.
    let mut hash: u32 = 0x811c_9dc5;
    for b in workspace_id.bytes() {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    format!("f00d{:04x}-0000-4000-8000-", (hash >> 16) ^ (hash & 0xffff))
}

/// A fixed seed timestamp: `2024-01-01T00:00:00Z` plus `minutes`.
fn seed_time(minutes: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_704_067_200 + minutes * 60)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// The display name Seam shows: the full name, else the email, else the phone, else the key.
fn display_name(
    full_name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    key: Option<&str>,
) -> String {
    full_name
        .or(email)
        .or(phone)
        .or(key)
        .unwrap_or_default()
        .to_owned()
}

/// What a new user identity is made of.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewIdentity {
    pub user_identity_key: Option<String>,
    pub email_address: Option<String>,
    pub phone_number: Option<String>,
    pub full_name: Option<String>,
}

fn make_identity(
    id: &str,
    workspace_id: &str,
    new: &NewIdentity,
    created_at: OffsetDateTime,
) -> Result<UserIdentity, ApiFailure> {
    // The generated resource types are `#[non_exhaustive]`: build them the way a client
    // receives them.
    serde_json::from_value(json!({
        "user_identity_id": id,
        "user_identity_key": new.user_identity_key,
        "email_address": new.email_address,
        "phone_number": new.phone_number,
        "full_name": new.full_name,
        "display_name": display_name(
            new.full_name.as_deref(),
            new.email_address.as_deref(),
            new.phone_number.as_deref(),
            new.user_identity_key.as_deref(),
        ),
        "acs_user_ids": [],
        "workspace_id": workspace_id,
        "created_at": rfc3339(created_at),
        "errors": [],
        "warnings": [],
    }))
    .map_err(|e| ApiFailure::internal(format!("could not build a user identity: {e}")))
}

/// What an ACS user is made of: the seeded ones borrow everything, the extra ones own their
/// id and name.
struct NewAcsUser<'a> {
    acs_user_id: &'a str,
    acs_system_id: &'a str,
    full_name: &'a str,
    email_address: Option<&'a str>,
    phone_number: Option<&'a str>,
}

impl<'a> From<&'a seed::SeedAcsUser> for NewAcsUser<'a> {
    fn from(user: &'a seed::SeedAcsUser) -> Self {
        Self {
            acs_user_id: user.acs_user_id,
            acs_system_id: user.acs_system_id,
            full_name: user.full_name,
            email_address: Some(user.email_address),
            phone_number: Some(user.phone_number),
        }
    }
}

fn make_acs_user(
    user: &NewAcsUser<'_>,
    workspace_id: &str,
    external_type: &str,
    created_at: OffsetDateTime,
) -> Result<AcsUser, ApiFailure> {
    serde_json::from_value(json!({
        "acs_user_id": user.acs_user_id,
        "acs_system_id": user.acs_system_id,
        "workspace_id": workspace_id,
        "connected_account_id": seed::CONNECTED_ACCOUNT_ID,
        "display_name": user.full_name,
        "full_name": user.full_name,
        "email_address": user.email_address,
        "phone_number": user.phone_number,
        "user_identity_id": null,
        "external_type": external_type,
        "external_type_display_name": external_type_display_name(external_type),
        "is_managed": true,
        "is_suspended": false,
        "created_at": rfc3339(created_at),
        "last_successful_sync_at": rfc3339(created_at),
        "errors": [],
        "warnings": [],
    }))
    .map_err(|e| ApiFailure::internal(format!("could not build an ACS user: {e}")))
}

fn external_type_display_name(external_type: &str) -> &'static str {
    match external_type {
        "salto_site_user" => "Salto site user",
        "brivo_user" => "Brivo user",
        "latch_user" => "Latch user",
        _ => "User",
    }
}

impl Default for State {
    fn default() -> Self {
        Self::seeded()
    }
}

impl State {
    /// An empty state: no workspace, no credential.
    pub fn empty() -> Self {
        Self {
            workspaces: BTreeMap::new(),
            api_keys: BTreeMap::new(),
            personal_access_tokens: BTreeMap::new(),
            acs_systems: BTreeMap::new(),
            acs_users: BTreeMap::new(),
            user_identities: BTreeMap::new(),
            next_ids: BTreeMap::new(),
        }
    }

    /// The state described in [`seed`].
    pub fn seeded() -> Self {
        let mut s = Self::empty();
        for (id, name) in [
            (seed::WORKSPACE_ID, seed::WORKSPACE_NAME),
            (seed::OTHER_WORKSPACE_ID, "Other workspace"),
        ] {
            s.workspaces.insert(
                id.to_owned(),
                Workspace {
                    workspace_id: id.to_owned(),
                    name: name.to_owned(),
                },
            );
        }
        s.api_keys
            .insert(seed::API_KEY.to_owned(), seed::WORKSPACE_ID.to_owned());
        s.api_keys.insert(
            seed::OTHER_API_KEY.to_owned(),
            seed::OTHER_WORKSPACE_ID.to_owned(),
        );
        s.personal_access_tokens.insert(
            seed::PERSONAL_ACCESS_TOKEN.to_owned(),
            vec![seed::WORKSPACE_ID.to_owned()],
        );
        for (id, ws, name, kind) in [
            (
                seed::HQ_ACS_SYSTEM_ID,
                seed::WORKSPACE_ID,
                "Acme HQ",
                "salto_site_user",
            ),
            (
                seed::ANNEX_ACS_SYSTEM_ID,
                seed::WORKSPACE_ID,
                "Acme Annex",
                "brivo_user",
            ),
            (
                seed::GARAGE_ACS_SYSTEM_ID,
                seed::WORKSPACE_ID,
                "Acme Garage",
                "latch_user",
            ),
            (
                seed::OTHER_ACS_SYSTEM_ID,
                seed::OTHER_WORKSPACE_ID,
                "Other HQ",
                "salto_site_user",
            ),
        ] {
            s.acs_systems.insert(
                id.to_owned(),
                AcsSystem {
                    acs_system_id: id.to_owned(),
                    workspace_id: ws.to_owned(),
                    name: name.to_owned(),
                    external_type: kind.to_owned(),
                },
            );
        }
        let users = seed::ACS_USERS
            .iter()
            .map(|u| (u, seed::WORKSPACE_ID))
            .chain([(&seed::OTHER_ACS_USER, seed::OTHER_WORKSPACE_ID)]);
        for (minute, (user, ws)) in (1..).zip(users) {
            s.add_acs_user(&user.into(), ws, seed_time(minute));
        }
        let jane = NewIdentity {
            user_identity_key: Some(seed::USER_IDENTITY_KEY.to_owned()),
            email_address: Some(seed::USER_IDENTITY_EMAIL_ADDRESS.to_owned()),
            phone_number: Some(seed::USER_IDENTITY_PHONE_NUMBER.to_owned()),
            full_name: Some(seed::USER_IDENTITY_FULL_NAME.to_owned()),
        };
        if let Ok(identity) = make_identity(
            seed::USER_IDENTITY_ID,
            seed::WORKSPACE_ID,
            &jane,
            seed_time(100),
        ) {
            s.user_identities
                .insert(seed::USER_IDENTITY_ID.to_owned(), identity);
        }
        // Jane is linked to the annex's "Jane Doe"; the seed satisfies every rule.
        let _ = s.link(seed::ANNEX_ACS_USER_IDS[0], seed::USER_IDENTITY_ID);
        s
    }

    /// The [seed] plus `n` extra ACS users in the seeded workspace, for load
    /// tests that need more ACS users than the seed's 32 (`seam-fake serve --extra-acs-users N`).
    ///
    /// The `i`th (from 0) has the id [`seed::extra_acs_user_id`]`(i)`, belongs to
    /// [`seed::extra_acs_user_system`]`(i)` (Acme HQ, Annex and Garage in turn), is named
    /// `Extra User <i>`, has no email address and no phone number (so identities created from
    /// them can collide on nothing but their key), is linked to nobody and was created
    /// `2024-01-02T00:00:00Z` plus `i` seconds. `n` is capped at
    /// [`seed::MAX_EXTRA_ACS_USERS`].
    ///
    /// ```
    /// use seamapi_fake::{State, seed};
    /// let state = State::seeded_with_extra_acs_users(3);
    /// assert_eq!(state.acs_users.len(), State::seeded().acs_users.len() + 3);
    /// let third = &state.acs_users[&seed::extra_acs_user_id(2)];
    /// assert_eq!(third.acs_system_id, seed::GARAGE_ACS_SYSTEM_ID);
    /// assert_eq!(third.email_address, None);
    /// ```
    pub fn seeded_with_extra_acs_users(n: usize) -> Self {
        let mut s = Self::seeded();
        let start = OffsetDateTime::from_unix_timestamp(1_704_153_600)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        for i in 0..n.min(seed::MAX_EXTRA_ACS_USERS) {
            let (id, name) = (seed::extra_acs_user_id(i), format!("Extra User {i}"));
            let user = NewAcsUser {
                acs_user_id: &id,
                acs_system_id: seed::extra_acs_user_system(i),
                full_name: &name,
                email_address: None,
                phone_number: None,
            };
            s.add_acs_user(
                &user,
                seed::WORKSPACE_ID,
                start + time::Duration::seconds(i as i64),
            );
        }
        s
    }

    fn add_acs_user(&mut self, user: &NewAcsUser<'_>, workspace_id: &str, at: OffsetDateTime) {
        let kind = self
            .acs_systems
            .get(user.acs_system_id)
            .map_or("salto_site_user", |a| a.external_type.as_str());
        if let Ok(acs_user) = make_acs_user(user, workspace_id, kind, at) {
            self.acs_users.insert(user.acs_user_id.to_owned(), acs_user);
        }
    }

    /// A fresh id in `workspace_id`, unique in this state (and so across the processes
    /// sharing a sandbox): the workspace's own counter, after a prefix of its own; an id
    /// already in use is skipped, never handed out again.
    pub(crate) fn fresh_id(&mut self, workspace_id: &str) -> String {
        let prefix = fresh_id_prefix(workspace_id);
        loop {
            let counter = self.next_ids.entry(workspace_id.to_owned()).or_insert(1);
            let n = *counter;
            *counter = counter.wrapping_add(1);
            let id = format!("{prefix}{n:012x}");
            if !self.id_in_use(&id) {
                return id;
            }
        }
    }

    fn id_in_use(&self, id: &str) -> bool {
        self.user_identities.contains_key(id)
            || self.acs_users.contains_key(id)
            || self.acs_systems.contains_key(id)
            || self.workspaces.contains_key(id)
    }

    /// Checks what a state loaded from a file must hold before it is used: every record under
    /// its own id and in a known workspace, no id used twice, an id counter above every id it
    /// handed out (else the next create would reuse one), and links consistent both ways
    /// ([`State::check_links`]). `Err` describes the first problem.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        let ids = self
            .workspaces
            .iter()
            .map(|(k, w)| (k, &w.workspace_id, None))
            .chain(
                self.acs_systems
                    .iter()
                    .map(|(k, a)| (k, &a.acs_system_id, Some(&a.workspace_id))),
            )
            .chain(
                self.acs_users
                    .iter()
                    .map(|(k, u)| (k, &u.acs_user_id, Some(&u.workspace_id))),
            )
            .chain(
                self.user_identities
                    .iter()
                    .map(|(k, u)| (k, &u.user_identity_id, Some(&u.workspace_id))),
            );
        for (key, id, workspace) in ids {
            if key != id {
                return Err(format!("the record under {key} has the id {id}"));
            }
            if !seen.insert(key) {
                return Err(format!("the id {key} is used twice"));
            }
            if let Some(w) = workspace
                && !self.workspaces.contains_key(w)
            {
                return Err(format!("{key} is in the unknown workspace {w}"));
            }
            if let Some(w) = workspace
                && let Some(n) = key
                    .strip_prefix(&fresh_id_prefix(w))
                    .and_then(|n| u64::from_str_radix(n, 16).ok())
            {
                let next = self.next_ids.get(w.as_str()).copied().unwrap_or(1);
                if n >= next {
                    return Err(format!(
                        "the id counter of workspace {w} ({next}) is not above the id {key} \
                         it handed out; the next create would reuse it"
                    ));
                }
            }
        }
        self.check_links()
    }

    /// The ACS user `id` when it is in `workspace_id`.
    pub fn acs_user_in(&self, workspace_id: &str, id: &str) -> Option<&AcsUser> {
        self.acs_users
            .get(id)
            .filter(|u| u.workspace_id == workspace_id)
    }

    /// The user identity `id` when it is in `workspace_id`.
    pub fn user_identity_in(&self, workspace_id: &str, id: &str) -> Option<&UserIdentity> {
        self.user_identities
            .get(id)
            .filter(|u| u.workspace_id == workspace_id)
    }

    /// The user identity of `workspace_id` whose key is `key`.
    pub fn user_identity_by_key(&self, workspace_id: &str, key: &str) -> Option<&UserIdentity> {
        self.user_identities
            .values()
            .find(|u| u.workspace_id == workspace_id && u.user_identity_key.as_deref() == Some(key))
    }

    pub(crate) fn find_acs_user(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<&AcsUser, ApiFailure> {
        self.acs_user_in(workspace_id, id).ok_or_else(|| {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                ErrorType::AcsUserNotFound,
                "ACS user not found",
            )
        })
    }

    pub(crate) fn find_user_identity(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<&UserIdentity, ApiFailure> {
        self.user_identity_in(workspace_id, id).ok_or_else(|| {
            ApiFailure::new(
                StatusCode::NOT_FOUND,
                ErrorType::UserIdentityNotFound,
                "User identity not found",
            )
        })
    }

    /// Refuses a key, email or phone another identity of the workspace has.
    fn check_unique(&self, workspace_id: &str, new: &NewIdentity) -> Result<(), ApiFailure> {
        for u in self
            .user_identities
            .values()
            .filter(|u| u.workspace_id == workspace_id)
        {
            if new.user_identity_key.is_some() && u.user_identity_key == new.user_identity_key {
                return Err(ApiFailure::new(
                    StatusCode::CONFLICT,
                    ErrorType::UserIdentityKeyTaken,
                    "A user identity with this user_identity_key already exists",
                ));
            }
            if let (Some(a), Some(b)) = (&new.email_address, &u.email_address)
                && a.eq_ignore_ascii_case(b)
            {
                return Err(ApiFailure::new(
                    StatusCode::CONFLICT,
                    ErrorType::UserIdentityEmailAddressTaken,
                    "A user identity with this email_address already exists",
                ));
            }
            if new.phone_number.is_some() && u.phone_number == new.phone_number {
                return Err(ApiFailure::new(
                    StatusCode::CONFLICT,
                    ErrorType::UserIdentityPhoneNumberTaken,
                    "A user identity with this phone_number already exists",
                ));
            }
        }
        Ok(())
    }

    /// Creates a user identity in `workspace_id`, refusing a key, email or phone already taken.
    pub(crate) fn create_identity(
        &mut self,
        workspace_id: &str,
        new: NewIdentity,
    ) -> Result<UserIdentity, ApiFailure> {
        self.check_unique(workspace_id, &new)?;
        let id = self.fresh_id(workspace_id);
        let identity = make_identity(&id, workspace_id, &new, OffsetDateTime::now_utc())?;
        self.user_identities.insert(id, identity.clone());
        Ok(identity)
    }

    /// Links ACS user `acs_user_id` to identity `identity_id` (both known to exist in the
    /// same workspace). Re-linking an existing link changes nothing; returns whether anything
    /// changed.
    pub(crate) fn link(
        &mut self,
        acs_user_id: &str,
        identity_id: &str,
    ) -> Result<bool, ApiFailure> {
        let acs_user = self
            .acs_users
            .get(acs_user_id)
            .ok_or_else(|| ApiFailure::internal("ACS user vanished"))?;
        let identity = self
            .user_identities
            .get(identity_id)
            .ok_or_else(|| ApiFailure::internal("user identity vanished"))?;
        match acs_user.user_identity_id.as_deref() {
            Some(current) if current == identity_id => return Ok(false),
            Some(_) => {
                return Err(ApiFailure::new(
                    StatusCode::CONFLICT,
                    ErrorType::AcsUserAlreadyLinked,
                    "The ACS user is already linked to another user identity",
                ));
            }
            None => {}
        }
        let system = acs_user.acs_system_id.clone();
        if identity.acs_user_ids.iter().any(|other| {
            self.acs_users
                .get(other)
                .is_some_and(|o| o.acs_system_id == system)
        }) {
            return Err(ApiFailure::new(
                StatusCode::CONFLICT,
                ErrorType::UserIdentityAlreadyHasAcsUserInAcsSystem,
                "The user identity already has an ACS user in this access system",
            ));
        }
        let (full_name, email, phone) = (
            identity.full_name.clone(),
            identity.email_address.clone(),
            identity.phone_number.clone(),
        );
        if let Some(identity) = self.user_identities.get_mut(identity_id) {
            identity.acs_user_ids.push(acs_user_id.to_owned());
        }
        if let Some(acs_user) = self.acs_users.get_mut(acs_user_id) {
            acs_user.user_identity_id = Some(identity_id.to_owned());
            acs_user.user_identity_full_name = full_name;
            acs_user.user_identity_email_address = email;
            acs_user.user_identity_phone_number = phone;
        }
        Ok(true)
    }

    /// Removes the link between `acs_user_id` and `identity_id`, if there is one; returns
    /// whether anything changed.
    pub(crate) fn unlink(&mut self, acs_user_id: &str, identity_id: &str) -> bool {
        let mut changed = false;
        if let Some(identity) = self.user_identities.get_mut(identity_id) {
            let before = identity.acs_user_ids.len();
            identity.acs_user_ids.retain(|a| a != acs_user_id);
            changed |= identity.acs_user_ids.len() != before;
        }
        if let Some(acs_user) = self.acs_users.get_mut(acs_user_id)
            && acs_user.user_identity_id.as_deref() == Some(identity_id)
        {
            acs_user.user_identity_id = None;
            acs_user.user_identity_full_name = None;
            acs_user.user_identity_email_address = None;
            acs_user.user_identity_phone_number = None;
            changed = true;
        }
        changed
    }

    /// Deletes identity `identity_id`, unlinking its ACS users.
    pub(crate) fn delete_identity(&mut self, identity_id: &str) {
        let linked = self
            .user_identities
            .get(identity_id)
            .map(|u| u.acs_user_ids.clone())
            .unwrap_or_default();
        for acs_user_id in linked {
            self.unlink(&acs_user_id, identity_id);
        }
        self.user_identities.remove(identity_id);
    }

    /// Checks that every link is recorded on both sides and that no identity has two ACS
    /// users in one access system; `Err` describes the first inconsistency. For tests.
    pub fn check_links(&self) -> Result<(), String> {
        for (id, u) in &self.acs_users {
            if let Some(ui) = &u.user_identity_id {
                let identity = self
                    .user_identities
                    .get(ui)
                    .ok_or_else(|| format!("ACS user {id} links to missing identity {ui}"))?;
                if !identity.acs_user_ids.contains(id) {
                    return Err(format!("identity {ui} does not list ACS user {id}"));
                }
            }
        }
        for (id, identity) in &self.user_identities {
            let mut systems = Vec::new();
            for a in &identity.acs_user_ids {
                let u = self
                    .acs_users
                    .get(a)
                    .ok_or_else(|| format!("identity {id} lists missing ACS user {a}"))?;
                if u.user_identity_id.as_deref() != Some(id) {
                    return Err(format!("ACS user {a} does not point back to {id}"));
                }
                if systems.contains(&u.acs_system_id) {
                    return Err(format!(
                        "identity {id} has two ACS users in {}",
                        u.acs_system_id
                    ));
                }
                systems.push(u.acs_system_id.clone());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use seamapi_core::params::is_uuid;

    use super::*;

    #[test]
    fn the_seed_is_consistent() {
        let s = State::seeded();
        assert_eq!(s.check_links(), Ok(()));
        assert_eq!(s.acs_users.len(), seed::ACS_USERS.len() + 1);
        assert_eq!(s.user_identities.len(), 1);
        let jane = &s.user_identities[seed::USER_IDENTITY_ID];
        assert_eq!(jane.acs_user_ids, [seed::ANNEX_ACS_USER_IDS[0]]);
        for id in seed::ACS_USER_IDS {
            assert_eq!(s.acs_users[id].acs_system_id, seed::HQ_ACS_SYSTEM_ID);
        }
        for id in seed::ANNEX_ACS_USER_IDS {
            assert_eq!(s.acs_users[id].acs_system_id, seed::ANNEX_ACS_SYSTEM_ID);
        }
        for id in seed::GARAGE_ACS_USER_IDS {
            assert_eq!(s.acs_users[id].acs_system_id, seed::GARAGE_ACS_SYSTEM_ID);
        }
        let json = serde_json::to_string(&s).expect("serialises");
        let back: State = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, s);
    }

    /// Issue 15, item 12: each workspace has its own counter and prefix: creating in one
    /// changes nothing in the ids of another.
    #[test]
    fn ids_count_per_workspace() {
        let mut s = State::seeded();
        let a1 = s.fresh_id(seed::WORKSPACE_ID);
        let b1 = s.fresh_id(seed::OTHER_WORKSPACE_ID);
        let a2 = s.fresh_id(seed::WORKSPACE_ID);
        let a3 = s.fresh_id(seed::WORKSPACE_ID);
        let b2 = s.fresh_id(seed::OTHER_WORKSPACE_ID);
        assert!(a1.ends_with("-000000000001") && b1.ends_with("-000000000001"));
        assert!(a3.ends_with("-000000000003") && b2.ends_with("-000000000002"));
        assert_ne!(a1[..8], b1[..8]);
        assert_eq!(a1[..8], a2[..8]);
        assert!(is_uuid(&a1) && is_uuid(&b2), "{a1} {b2}");
    }

    /// Issue 15, item 8: what a hand-edited state file must not hold.
    #[test]
    fn check_finds_a_counter_below_its_ids_and_misfiled_records() {
        let mut s = State::seeded();
        assert_eq!(s.check(), Ok(()));
        let id = s.fresh_id(seed::WORKSPACE_ID);
        let mut jane = s.user_identities[seed::USER_IDENTITY_ID].clone();
        jane.user_identity_id = id.clone();
        jane.acs_user_ids.clear();
        s.user_identities.insert(id.clone(), jane);
        assert_eq!(s.check(), Ok(()));
        s.next_ids.insert(seed::WORKSPACE_ID.into(), 1);
        assert!(s.check().unwrap_err().contains("(1) is not above the id"));
        // Even so, a fresh id never reuses one in use.
        assert_ne!(s.fresh_id(seed::WORKSPACE_ID), id);
        let mut s = State::seeded();
        let jane = s.user_identities[seed::USER_IDENTITY_ID].clone();
        s.user_identities.insert("other".into(), jane);
        assert!(s.check().unwrap_err().contains("has the id"));
        let mut s = State::seeded();
        let user = s.acs_users[seed::ACS_USER_IDS[0]].clone();
        s.user_identities.clear();
        s.acs_users.insert(seed::USER_IDENTITY_ID.into(), user);
        assert!(s.check().is_err());
    }

    #[test]
    fn extra_acs_users_follow_the_seed_in_turn_across_the_three_systems() {
        let s = State::seeded_with_extra_acs_users(7);
        assert_eq!(s.check_links(), Ok(()));
        assert_eq!(s.acs_users.len(), seed::ACS_USERS.len() + 1 + 7);
        let seeded = State::seeded();
        for (id, user) in &seeded.acs_users {
            assert_eq!(&s.acs_users[id], user, "seeded users unchanged");
        }
        assert_eq!(s.user_identities, seeded.user_identities);
        let systems = [
            seed::HQ_ACS_SYSTEM_ID,
            seed::ANNEX_ACS_SYSTEM_ID,
            seed::GARAGE_ACS_SYSTEM_ID,
        ];
        for i in 0..7 {
            let user = &s.acs_users[&seed::extra_acs_user_id(i)];
            assert_eq!(user.acs_system_id, systems[i % 3]);
            assert_eq!(user.workspace_id, seed::WORKSPACE_ID);
            assert_eq!(user.full_name.as_deref(), Some(&*format!("Extra User {i}")));
            assert_eq!((&user.email_address, &user.phone_number), (&None, &None));
            assert_eq!(user.user_identity_id, None);
            assert!(!seeded.acs_users.contains_key(&user.acs_user_id));
        }
        assert_eq!(
            seed::extra_acs_user_id(12),
            "5eed0002-1000-4000-8000-000000000012"
        );
        assert_eq!(
            State::seeded_with_extra_acs_users(0),
            seeded,
            "no extra users is the seed"
        );
        let json = serde_json::to_string(&s).expect("serialises");
        let back: State = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, s);
    }
}
