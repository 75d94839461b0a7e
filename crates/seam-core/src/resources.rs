//! The resources the routes return: [`UserIdentity`], [`AcsUser`] and [`Pagination`].
//!
//! Seam adds fields and enum values over time. Unknown fields are ignored and unknown enum
//! values decode as an `Other` variant that keeps the text, so a new server never breaks a
//! deployed client.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

/// A date and time from the API, in RFC 3339.
pub type Timestamp = OffsetDateTime;

/// Defines a string enum that keeps unknown values in `Other(String)`.
macro_rules! open_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version of the client does not know.
            Other(String),
        }

        impl $name {
            /// The value as it is on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::from(&*s))
            }
        }
    };
}

open_enum! {
    /// The kind of user in the external access system.
    pub enum AcsUserExternalType {
        /// PTI.
        PtiUser = "pti_user",
        /// Brivo.
        BrivoUser = "brivo_user",
        /// HID Credential Manager.
        HidCredentialManagerUser = "hid_credential_manager_user",
        /// Salto KS site.
        SaltoSiteUser = "salto_site_user",
        /// Latch.
        LatchUser = "latch_user",
        /// dormakaba Community.
        DormakabaCommunityUser = "dormakaba_community_user",
        /// Salto Space.
        SaltoSpaceUser = "salto_space_user",
    }
}

/// An error or warning attached to a resource (`error_code` / `warning_code`, `message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// The code, e.g. `being_deleted`.
    #[serde(alias = "error_code", alias = "warning_code", rename = "code")]
    pub code: String,
    /// What it means.
    #[serde(default)]
    pub message: String,
    /// When it was raised.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<Timestamp>,
}

/// A person who carries access across systems: ACS users, credentials, phones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserIdentity {
    /// The identity's id.
    pub user_identity_id: String,
    /// The caller's own unique key for the identity.
    #[serde(default)]
    pub user_identity_key: Option<String>,
    /// Unique email address.
    #[serde(default)]
    pub email_address: Option<String>,
    /// Unique phone number (E.164).
    #[serde(default)]
    pub phone_number: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// The ACS users linked to it, at most one per access system.
    #[serde(default)]
    pub acs_user_ids: Vec<String>,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    /// Errors.
    #[serde(default)]
    pub errors: Vec<Issue>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Issue>,
}

/// `starts_at` / `ends_at` of an ACS user's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSchedule {
    /// When access starts.
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: Timestamp,
    /// When access ends, if it does.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ends_at: Option<Timestamp>,
}

/// A user in an access control system (ACS): an employee, a resident, a guest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AcsUser {
    /// The ACS user's id.
    pub acs_user_id: String,
    /// The access system it is in.
    pub acs_system_id: String,
    /// The workspace it belongs to.
    pub workspace_id: String,
    /// The connected account it came through.
    #[serde(default)]
    pub connected_account_id: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Email address.
    #[serde(default)]
    pub email_address: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone_number: Option<String>,
    /// The user identity it is linked to, if any.
    #[serde(default)]
    pub user_identity_id: Option<String>,
    /// The linked identity's full name.
    #[serde(default)]
    pub user_identity_full_name: Option<String>,
    /// The linked identity's email address.
    #[serde(default)]
    pub user_identity_email_address: Option<String>,
    /// The linked identity's phone number.
    #[serde(default)]
    pub user_identity_phone_number: Option<String>,
    /// The kind of user in the external system.
    #[serde(default)]
    pub external_type: Option<AcsUserExternalType>,
    /// The external kind, for display.
    #[serde(default)]
    pub external_type_display_name: Option<String>,
    /// Whether Seam manages the user.
    #[serde(default)]
    pub is_managed: bool,
    /// Whether access is suspended.
    #[serde(default)]
    pub is_suspended: Option<bool>,
    /// When access starts and ends.
    #[serde(default)]
    pub access_schedule: Option<AccessSchedule>,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    /// Last successful sync with the access system.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub last_successful_sync_at: Option<Timestamp>,
    /// Errors.
    #[serde(default)]
    pub errors: Vec<Issue>,
    /// Warnings.
    #[serde(default)]
    pub warnings: Vec<Issue>,
}

/// Where a list is: whether another page follows and the cursor that fetches it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// Whether another page follows.
    pub has_next_page: bool,
    /// The cursor for the next page.
    #[serde(default)]
    pub next_page_cursor: Option<String>,
    /// The URL of the next page.
    #[serde(default)]
    pub next_page_url: Option<String>,
}

/// One page of a list: its items and where the list goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// Where the list goes on.
    pub pagination: Pagination,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let t: AcsUserExternalType = serde_json::from_str("\"brivo_user\"").unwrap();
        assert_eq!(t, AcsUserExternalType::BrivoUser);
        let t: AcsUserExternalType = serde_json::from_str("\"new_kind_user\"").unwrap();
        assert_eq!(t, AcsUserExternalType::Other("new_kind_user".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"new_kind_user\"");
    }

    #[test]
    fn issues_take_error_and_warning_codes() {
        let w: Issue = serde_json::from_str(
            r#"{"warning_code":"being_deleted","message":"m","created_at":"2024-01-01T00:00:00Z","extra":1}"#,
        )
        .unwrap();
        assert_eq!(w.code, "being_deleted");
        let e: Issue = serde_json::from_str(r#"{"error_code":"x","message":"m"}"#).unwrap();
        assert_eq!(e.code, "x");
        assert!(e.created_at.is_none());
    }
}
