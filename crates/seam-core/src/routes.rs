//! Every route this client knows, and the table that generates the facades' methods.
//!
//! | route | sent as | safe to repeat | why |
//! | --- | --- | --- | --- |
//! | `user_identities.add_acs_user` | `PUT` | yes | the semantic method Seam's SDKs send; re-adding a link changes nothing |
//! | `user_identities.create` | `POST` | no | a replay could create a second identity |
//! | `user_identities.get` | `POST` | yes | a read; a JSON body carries the id-or-key union without query encoding |
//! | `user_identities.list` | `POST` | yes | a read; arrays and cursors travel in the JSON body |
//! | `user_identities.delete` | `POST` | yes | deleting twice leaves the same state; POST because a body on `DELETE` is not portable |
//! | `user_identities.list_acs_users` | `POST` | yes | a read |
//! | `user_identities.remove_acs_user` | `POST` | yes | removing twice leaves the same state; POST as for delete |
//! | `acs.users.get` | `POST` | yes | a read |
//! | `acs.users.list` | `POST` | yes | a read |
//!
//! Seam accepts `POST` on every route; this client sends the method above and decides retries
//! from the last column ([`Route::IDEMPOTENT`]), never from the
//! method alone.

use serde::{Deserialize, Serialize};

use crate::error::{InvalidInput, ValidationErrors};
use crate::params::{ParamKind, ParamSpec, ParamValue, Requirement};
use crate::resources::{AcsUser, Page, Pagination, UserIdentity};
use crate::route::{Paginated, Route, Void};

/// Which user identity a request is about: by its id, or by the caller's own key.
///
/// Being an enum, a request cannot name neither or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserIdentityRef {
    /// The identity's id (a UUID), sent as `user_identity_id`.
    #[serde(rename = "user_identity_id")]
    Id(String),
    /// The identity's key, sent as `user_identity_key`.
    #[serde(rename = "user_identity_key")]
    Key(String),
}

impl UserIdentityRef {
    /// By id.
    pub fn id(id: impl Into<String>) -> Self {
        Self::Id(id.into())
    }

    /// By key.
    pub fn key(key: impl Into<String>) -> Self {
        Self::Key(key.into())
    }

    fn check(&self, id_spec: &ParamSpec, key_spec: &ParamSpec, errors: &mut ValidationErrors) {
        match self {
            Self::Id(id) => id.check(id_spec, errors),
            Self::Key(key) => key.check(key_spec, errors),
        }
    }
}

const USER_IDENTITY_ID_ONE_OF: ParamSpec = ParamSpec {
    name: "user_identity_id",
    kind: ParamKind::Uuid,
    requirement: Requirement::OneOf,
    doc: "ID of the user identity.",
};
const USER_IDENTITY_KEY_ONE_OF: ParamSpec = ParamSpec {
    name: "user_identity_key",
    kind: ParamKind::NonEmptyString,
    requirement: Requirement::OneOf,
    doc: "Key of the user identity.",
};

/// `PUT /user_identities/add_acs_user`: adds an ACS user to a user identity.
///
/// If the identity is named by a key that no identity has, the server creates one from the ACS
/// user's name, email and phone, then links it.
///
/// ```
/// use seam_core::routes::{AddAcsUser, UserIdentityRef};
/// let by_id = AddAcsUser::new(
///     "d73f4706-67e3-419d-899e-ec957a75ee0c",
///     UserIdentityRef::id("68dd3d7e-c90b-4c89-ad70-3e589014ed87"),
/// );
/// let by_key = AddAcsUser::new("d73f4706-67e3-419d-899e-ec957a75ee0c", UserIdentityRef::key("jane"));
/// # let _ = (by_id, by_key);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AddAcsUser {
    /// The identity to add the ACS user to.
    #[serde(flatten)]
    pub user_identity: UserIdentityRef,
    /// The ACS user to add (a UUID).
    pub acs_user_id: String,
}

impl AddAcsUser {
    /// Adds `acs_user_id` to `user_identity`.
    pub fn new(acs_user_id: impl Into<String>, user_identity: UserIdentityRef) -> Self {
        Self {
            user_identity,
            acs_user_id: acs_user_id.into(),
        }
    }
}

impl Route for AddAcsUser {
    const NAME: &'static str = "user_identities.add_acs_user";
    const PATH: &'static str = "/user_identities/add_acs_user";
    const METHOD: http::Method = http::Method::PUT;
    const IDEMPOTENT: bool = true;
    const PARAMS: &'static [ParamSpec] = &[
        ParamSpec {
            name: "acs_user_id",
            kind: ParamKind::Uuid,
            requirement: Requirement::Required,
            doc: "ID of the access system user to add to the user identity.",
        },
        USER_IDENTITY_ID_ONE_OF,
        USER_IDENTITY_KEY_ONE_OF,
    ];
    const OUTPUT_KEY: Option<&'static str> = None;
    type Response = Void;
    type Output = ();

    fn validate(&self) -> Result<(), InvalidInput> {
        let mut errors = ValidationErrors::new();
        self.acs_user_id.check(&Self::PARAMS[0], &mut errors);
        self.user_identity
            .check(&Self::PARAMS[1], &Self::PARAMS[2], &mut errors);
        errors.into_result()
    }

    fn into_output(_: Void) {}
}

/// `POST /user_identities/get`: one user identity, by id or by key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GetUserIdentity {
    /// The identity to get.
    #[serde(flatten)]
    pub user_identity: UserIdentityRef,
}

impl GetUserIdentity {
    /// Gets `user_identity`.
    pub fn new(user_identity: UserIdentityRef) -> Self {
        Self { user_identity }
    }
}

impl Route for GetUserIdentity {
    const NAME: &'static str = "user_identities.get";
    const PATH: &'static str = "/user_identities/get";
    const METHOD: http::Method = http::Method::POST;
    const IDEMPOTENT: bool = true;
    const PARAMS: &'static [ParamSpec] = &[USER_IDENTITY_ID_ONE_OF, USER_IDENTITY_KEY_ONE_OF];
    const OUTPUT_KEY: Option<&'static str> = Some("user_identity");
    type Response = UserIdentityResponse;
    type Output = UserIdentity;

    fn validate(&self) -> Result<(), InvalidInput> {
        let mut errors = ValidationErrors::new();
        self.user_identity
            .check(&Self::PARAMS[0], &Self::PARAMS[1], &mut errors);
        errors.into_result()
    }

    fn into_output(r: UserIdentityResponse) -> UserIdentity {
        r.user_identity
    }
}

/// `{"user_identity": …}`
#[derive(Debug, Deserialize)]
pub struct UserIdentityResponse {
    /// The identity.
    pub user_identity: UserIdentity,
}

/// `{"user_identities": […], "pagination": …}`
#[derive(Debug, Deserialize)]
pub struct UserIdentitiesPage {
    /// The identities on this page.
    pub user_identities: Vec<UserIdentity>,
    /// Where the list goes on (absent means it does not).
    #[serde(default)]
    pub pagination: Pagination,
}

/// `{"acs_user": …}`
#[derive(Debug, Deserialize)]
pub struct AcsUserResponse {
    /// The ACS user.
    pub acs_user: AcsUser,
}

/// `{"acs_users": […]}`, with `pagination` on list routes.
#[derive(Debug, Deserialize)]
pub struct AcsUsersPage {
    /// The ACS users on this page.
    pub acs_users: Vec<AcsUser>,
    /// Where the list goes on (absent means it does not).
    #[serde(default)]
    pub pagination: Pagination,
}

crate::define_route! {
    /// `POST /user_identities/create`: creates a user identity. Not safe to repeat.
    pub struct CreateUserIdentity => "/user_identities/create" as "user_identities.create" {
        method: POST,
        idempotent: false,
        output: UserIdentity,
        response: UserIdentityResponse,
        key: Some("user_identity"),
        into_output: |r| r.user_identity,
    }
    required {}
    optional {
        /// Unique key for the new user identity.
        user_identity_key: String => NonEmptyString,
        /// Unique email address for the new user identity.
        email_address: String => Email,
        /// Unique phone number in E.164 format, e.g. +15555550100.
        phone_number: String => String,
        /// Full name of the user.
        full_name: String => NonEmptyString,
        /// Access systems to associate with the new identity through ACS users.
        acs_system_ids: Vec<String> => UuidArray,
    }
}

crate::define_route! {
    /// `POST /user_identities/list`: one page of user identities.
    pub struct ListUserIdentities => "/user_identities/list" as "user_identities.list" {
        method: POST,
        idempotent: true,
        output: Page<UserIdentity>,
        response: UserIdentitiesPage,
        key: Some("user_identities"),
        into_output: |r| Page { items: r.user_identities, pagination: r.pagination },
    }
    required {}
    optional {
        /// Partial match on full name, phone number, email address or id.
        search: String => String,
        /// Maximum number of identities per page (default 500).
        limit: u32 => PositiveInteger,
        /// The page to return: a previous page's `next_page_cursor`.
        page_cursor: String => String,
        /// Only identities created before this RFC 3339 timestamp.
        created_before: String => DateTime,
        /// Only these identities.
        user_identity_ids: Vec<String> => UuidArray,
        /// Only identities of this credential manager's access system.
        credential_manager_acs_system_id: String => Uuid,
    }
}

crate::define_route! {
    /// `POST /user_identities/delete`: deletes a user identity and unlinks its ACS users.
    pub struct DeleteUserIdentity => "/user_identities/delete" as "user_identities.delete" {
        method: POST,
        idempotent: true,
        output: (),
        response: Void,
        key: None,
        into_output: |_r| (),
    }
    required {
        /// ID of the user identity to delete.
        user_identity_id: String => Uuid,
    }
    optional {}
}

crate::define_route! {
    /// `POST /user_identities/list_acs_users`: the ACS users linked to a user identity.
    pub struct ListUserIdentityAcsUsers => "/user_identities/list_acs_users" as "user_identities.list_acs_users" {
        method: POST,
        idempotent: true,
        output: Vec<AcsUser>,
        response: AcsUsersPage,
        key: Some("acs_users"),
        into_output: |r| r.acs_users,
    }
    required {
        /// ID of the user identity.
        user_identity_id: String => Uuid,
    }
    optional {}
}

crate::define_route! {
    /// `POST /user_identities/remove_acs_user`: unlinks an ACS user from a user identity.
    pub struct RemoveAcsUser => "/user_identities/remove_acs_user" as "user_identities.remove_acs_user" {
        method: POST,
        idempotent: true,
        output: (),
        response: Void,
        key: None,
        into_output: |_r| (),
    }
    required {
        /// ID of the user identity.
        user_identity_id: String => Uuid,
        /// ID of the ACS user to remove from it.
        acs_user_id: String => Uuid,
    }
    optional {}
}

crate::define_route! {
    /// `POST /acs/users/get`: one ACS user.
    pub struct GetAcsUser => "/acs/users/get" as "acs.users.get" {
        method: POST,
        idempotent: true,
        output: AcsUser,
        response: AcsUserResponse,
        key: Some("acs_user"),
        into_output: |r| r.acs_user,
    }
    required {
        /// ID of the ACS user.
        acs_user_id: String => Uuid,
    }
    optional {}
}

crate::define_route! {
    /// `POST /acs/users/list`: one page of ACS users.
    pub struct ListAcsUsers => "/acs/users/list" as "acs.users.list" {
        method: POST,
        idempotent: true,
        output: Page<AcsUser>,
        response: AcsUsersPage,
        key: Some("acs_users"),
        into_output: |r| Page { items: r.acs_users, pagination: r.pagination },
    }
    required {}
    optional {
        /// Only users of this access system.
        acs_system_id: String => Uuid,
        /// Only users linked to this user identity.
        user_identity_id: String => Uuid,
        /// Only users whose identity has this email address.
        user_identity_email_address: String => String,
        /// Only users whose identity has this phone number.
        user_identity_phone_number: String => String,
        /// Partial match on name, phone, email or ids.
        search: String => NonEmptyString,
        /// Maximum number of users per page (default 500).
        limit: u32 => PositiveInteger,
        /// The page to return: a previous page's `next_page_cursor`.
        page_cursor: String => String,
        /// Only users created before this RFC 3339 timestamp.
        created_before: String => DateTime,
    }
}

macro_rules! paginated {
    ($($route:ident => $item:ty),*) => {$(
        impl Paginated for $route {
            type Item = $item;

            fn page_cursor(&self) -> Option<&str> {
                self.page_cursor.as_deref()
            }

            fn with_page_cursor(&self, cursor: String) -> Self {
                let mut next = self.clone();
                next.page_cursor = Some(cursor);
                next
            }
        }
    )*};
}

paginated!(ListUserIdentities => UserIdentity, ListAcsUsers => AcsUser);

/// The table of every route, by namespace, that the facades (and the CLI) generate their
/// methods from. `$callback` is invoked once with the whole table, after the extra tokens
/// given behind a comma and a `;` if there are any:
///
/// ```text
/// $($extra ;)? Namespace { $(#[doc] method: RouteType $(, paginated: all_method)?;)* } ...
/// ```
#[macro_export]
macro_rules! with_routes {
    ($callback:ident $(, $($extra:tt)*)?) => {
        $callback! {
            $($($extra)* ;)?
            UserIdentities {
                /// Adds an ACS user to a user identity, by the identity's id or key; an unknown key
                /// creates the identity from the ACS user's details. Returns nothing.
                add_acs_user: AddAcsUser;
                /// Creates a user identity. Never retried once it may have reached the server.
                create: CreateUserIdentity;
                /// Gets a user identity by id or by key.
                get: GetUserIdentity;
                /// Lists one page of user identities.
                list: ListUserIdentities, paginated: list_all;
                /// Deletes a user identity, unlinking its ACS users.
                delete: DeleteUserIdentity;
                /// Lists the ACS users linked to a user identity.
                list_acs_users: ListUserIdentityAcsUsers;
                /// Unlinks an ACS user from a user identity.
                remove_acs_user: RemoveAcsUser;
            }
            AcsUsers {
                /// Gets an ACS user.
                get: GetAcsUser;
                /// Lists one page of ACS users.
                list: ListAcsUsers, paginated: list_all;
            }
        }
    };
}

macro_rules! route_paths {
    ($($ns:ident { $($(#[$doc:meta])* $method:ident: $route:ty $(, paginated: $all:ident)?;)* })*) => {
        /// The path of every route in [`with_routes!`](crate::with_routes), e.g. for an
        /// encoder to prepare their URIs once.
        pub const PATHS: &[&str] = &[$($(<$route as Route>::PATH,)*)*];
    };
}

with_routes!(route_paths);

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "d73f4706-67e3-419d-899e-ec957a75ee0c";
    const U: &str = "68dd3d7e-c90b-4c89-ad70-3e589014ed87";

    #[test]
    fn add_acs_user_serialises_only_the_given_parameters() {
        let by_id = serde_json::to_string(&AddAcsUser::new(A, UserIdentityRef::id(U))).unwrap();
        assert_eq!(
            by_id,
            format!(r#"{{"user_identity_id":"{U}","acs_user_id":"{A}"}}"#)
        );
        let by_key =
            serde_json::to_string(&AddAcsUser::new(A, UserIdentityRef::key("jane"))).unwrap();
        assert_eq!(
            by_key,
            format!(r#"{{"user_identity_key":"jane","acs_user_id":"{A}"}}"#)
        );
    }

    #[test]
    fn add_acs_user_validation_matrix() {
        type Expected = &'static [(&'static str, &'static str)];
        let cases: &[(&str, UserIdentityRef, Expected)] = &[
            (A, UserIdentityRef::id(U), &[]),
            (A, UserIdentityRef::key("jane"), &[]),
            (A, UserIdentityRef::key("x"), &[]),
            ("", UserIdentityRef::id(U), &[("acs_user_id", "Required")]),
            (
                "nope",
                UserIdentityRef::id(U),
                &[("acs_user_id", "Invalid uuid")],
            ),
            (
                A,
                UserIdentityRef::id("nope"),
                &[("user_identity_id", "Invalid uuid")],
            ),
            (
                A,
                UserIdentityRef::id(""),
                &[("user_identity_id", "Required")],
            ),
            (
                A,
                UserIdentityRef::key(""),
                &[("user_identity_key", "Required")],
            ),
            (
                "x",
                UserIdentityRef::key(""),
                &[
                    ("acs_user_id", "Invalid uuid"),
                    ("user_identity_key", "Required"),
                ],
            ),
        ];
        for (acs, ident, expected) in cases {
            let result = AddAcsUser::new(*acs, ident.clone()).validate();
            match result {
                Ok(()) => assert!(expected.is_empty(), "{acs} {ident:?} passed"),
                Err(e) => {
                    assert!(e.is_local());
                    assert!(!expected.is_empty(), "{acs} {ident:?}: {e}");
                    for (param, msg) in *expected {
                        assert_eq!(e.messages(param), [msg.to_string()], "{acs} {ident:?}");
                    }
                    let n: usize = e
                        .validation_errors
                        .fields
                        .values()
                        .map(|f| f.errors.len())
                        .sum();
                    assert_eq!(n, expected.len());
                }
            }
        }
    }

    #[test]
    fn typed_and_raw_validation_agree() {
        for (acs, ident) in [
            (A, UserIdentityRef::id("bad")),
            ("bad", UserIdentityRef::key("")),
            (A, UserIdentityRef::key("k")),
        ] {
            let req = AddAcsUser::new(acs, ident);
            let typed = req
                .validate()
                .err()
                .map(|e| e.validation_errors)
                .unwrap_or_default();
            let json = serde_json::to_value(&req).unwrap();
            let mut raw =
                crate::params::validate_json(AddAcsUser::PARAMS, json.as_object().unwrap());
            // The raw side says "String must contain…" for an empty key, the typed side "Required";
            // both refuse the same parameter.
            for f in raw.fields.values_mut() {
                for m in &mut f.errors {
                    if m.starts_with("String must contain") {
                        *m = "Required".into();
                    }
                }
            }
            assert_eq!(typed, raw, "{req:?}");
        }
    }

    #[test]
    fn generated_routes_validate_their_fields() {
        let e = ListUserIdentities::new()
            .limit(0u32)
            .user_identity_ids(vec!["x".to_string()])
            .validate()
            .unwrap_err();
        assert_eq!(e.messages("limit"), ["Number must be greater than 0"]);
        assert_eq!(e.messages("user_identity_ids"), ["Invalid uuid"]);
        assert!(ListUserIdentities::new().limit(10u32).validate().is_ok());
        let e = RemoveAcsUser::new(U, "bad").validate().unwrap_err();
        assert_eq!(e.messages("acs_user_id"), ["Invalid uuid"]);
        assert!(e.messages("user_identity_id").is_empty());
        let e = CreateUserIdentity::new()
            .email_address("nope")
            .validate()
            .unwrap_err();
        assert_eq!(e.messages("email_address"), ["Invalid email"]);
        assert!(CreateUserIdentity::new().validate().is_ok());
    }

    #[test]
    fn optional_parameters_are_left_out_of_the_body() {
        assert_eq!(serde_json::to_string(&ListAcsUsers::new()).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&ListAcsUsers::new().limit(5u32)).unwrap(),
            r#"{"limit":5}"#
        );
    }

    #[test]
    fn params_tables_match_the_field_names() {
        let names: Vec<_> = ListAcsUsers::PARAMS.iter().map(|p| p.name).collect();
        let json = serde_json::to_value(
            ListAcsUsers::new()
                .acs_system_id(A)
                .user_identity_id(U)
                .user_identity_email_address("e")
                .user_identity_phone_number("p")
                .search("s")
                .limit(1u32)
                .page_cursor("c")
                .created_before("2024-01-01T00:00:00Z"),
        )
        .unwrap();
        let mut keys: Vec<_> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }
}
