//! The seed: the deterministic workspaces, keys, access systems, ACS users and user identity
//! every new fake and every new sandbox starts with.
//!
//! Every id is a fixed UUID and every timestamp fixed (from `2024-01-01T00:00:00Z`), so
//! documentation and tests can name them. `docs/sandbox.md` lists them all.
//!
//! | what | value |
//! | --- | --- |
//! | workspace | [`WORKSPACE_ID`] |
//! | API key | [`API_KEY`] |
//! | personal access token (workspace [`WORKSPACE_ID`] only) | [`PERSONAL_ACCESS_TOKEN`] |
//! | access systems | [`HQ_ACS_SYSTEM_ID`] (24 ACS users, [`ACS_USER_IDS`]), [`ANNEX_ACS_SYSTEM_ID`] (4, [`ANNEX_ACS_USER_IDS`]), [`GARAGE_ACS_SYSTEM_ID`] (4, [`GARAGE_ACS_USER_IDS`]) |
//! | user identity | [`USER_IDENTITY_ID`], key [`USER_IDENTITY_KEY`], linked to [`ANNEX_ACS_USER_IDS`]`[0]` |
//! | extra ACS users for load tests (only when asked: [`State::seeded_with_extra_acs_users`](crate::State::seeded_with_extra_acs_users), `seam-fake serve --extra-acs-users N`) | [`extra_acs_user_id`]`(i)`, in [`extra_acs_user_system`]`(i)` |
//! | second workspace (isolation) | [`OTHER_WORKSPACE_ID`], key [`OTHER_API_KEY`], system [`OTHER_ACS_SYSTEM_ID`], ACS user [`OTHER_ACS_USER_ID`] |

use serde::Serialize;

/// The seeded workspace.
pub const WORKSPACE_ID: &str = "5eed0000-0000-4000-8000-000000000001";
/// The seeded workspace's name.
pub const WORKSPACE_NAME: &str = "Sandbox workspace";
/// The API key of [`WORKSPACE_ID`].
pub const API_KEY: &str = "seam_sandbox_api_key_0000000000000001";
/// A personal access token that may act in [`WORKSPACE_ID`] (not in [`OTHER_WORKSPACE_ID`]).
pub const PERSONAL_ACCESS_TOKEN: &str = "seam_at_sandbox_personal_access_token_01";
/// The connected account the seeded access systems came through.
pub const CONNECTED_ACCOUNT_ID: &str = "5eed0004-0000-4000-8000-000000000001";

/// The main access system (Salto KS, "Acme HQ"), with the 24 users of [`ACS_USER_IDS`].
pub const HQ_ACS_SYSTEM_ID: &str = "5eed0001-0000-4000-8000-000000000001";
/// The second access system (Brivo, "Acme Annex"), with the 4 users of [`ANNEX_ACS_USER_IDS`].
pub const ANNEX_ACS_SYSTEM_ID: &str = "5eed0001-0000-4000-8000-000000000002";
/// The third access system (Latch, "Acme Garage"), with the 4 users of [`GARAGE_ACS_USER_IDS`].
pub const GARAGE_ACS_SYSTEM_ID: &str = "5eed0001-0000-4000-8000-000000000003";
/// The access system the server's startup line names: [`HQ_ACS_SYSTEM_ID`].
pub const ACS_SYSTEM_ID: &str = HQ_ACS_SYSTEM_ID;

/// The ACS users of [`HQ_ACS_SYSTEM_ID`], none linked to an identity at first.
pub const ACS_USER_IDS: [&str; 24] = [
    "5eed0002-0000-4000-8000-000000000001",
    "5eed0002-0000-4000-8000-000000000002",
    "5eed0002-0000-4000-8000-000000000003",
    "5eed0002-0000-4000-8000-000000000004",
    "5eed0002-0000-4000-8000-000000000005",
    "5eed0002-0000-4000-8000-000000000006",
    "5eed0002-0000-4000-8000-000000000007",
    "5eed0002-0000-4000-8000-000000000008",
    "5eed0002-0000-4000-8000-000000000009",
    "5eed0002-0000-4000-8000-000000000010",
    "5eed0002-0000-4000-8000-000000000011",
    "5eed0002-0000-4000-8000-000000000012",
    "5eed0002-0000-4000-8000-000000000013",
    "5eed0002-0000-4000-8000-000000000014",
    "5eed0002-0000-4000-8000-000000000015",
    "5eed0002-0000-4000-8000-000000000016",
    "5eed0002-0000-4000-8000-000000000017",
    "5eed0002-0000-4000-8000-000000000018",
    "5eed0002-0000-4000-8000-000000000019",
    "5eed0002-0000-4000-8000-000000000020",
    "5eed0002-0000-4000-8000-000000000021",
    "5eed0002-0000-4000-8000-000000000022",
    "5eed0002-0000-4000-8000-000000000023",
    "5eed0002-0000-4000-8000-000000000024",
];
/// The ACS users of [`ANNEX_ACS_SYSTEM_ID`]; the first ("Jane Doe") is linked to
/// [`USER_IDENTITY_ID`].
pub const ANNEX_ACS_USER_IDS: [&str; 4] = [
    "5eed0002-0000-4000-8000-000000000101",
    "5eed0002-0000-4000-8000-000000000102",
    "5eed0002-0000-4000-8000-000000000103",
    "5eed0002-0000-4000-8000-000000000104",
];
/// The ACS users of [`GARAGE_ACS_SYSTEM_ID`], none linked at first.
pub const GARAGE_ACS_USER_IDS: [&str; 4] = [
    "5eed0002-0000-4000-8000-000000000201",
    "5eed0002-0000-4000-8000-000000000202",
    "5eed0002-0000-4000-8000-000000000203",
    "5eed0002-0000-4000-8000-000000000204",
];

/// The seeded user identity ("Jane Doe"), linked to [`ANNEX_ACS_USER_IDS`]`[0]`.
pub const USER_IDENTITY_ID: &str = "5eed0003-0000-4000-8000-000000000001";
/// The key of [`USER_IDENTITY_ID`].
pub const USER_IDENTITY_KEY: &str = "jane";
/// The full name of [`USER_IDENTITY_ID`].
pub const USER_IDENTITY_FULL_NAME: &str = "Jane Doe";
/// The email address of [`USER_IDENTITY_ID`].
pub const USER_IDENTITY_EMAIL_ADDRESS: &str = "jane@example.com";
/// The phone number of [`USER_IDENTITY_ID`].
pub const USER_IDENTITY_PHONE_NUMBER: &str = "+15555550100";

/// A second workspace, invisible to [`API_KEY`] and [`PERSONAL_ACCESS_TOKEN`].
pub const OTHER_WORKSPACE_ID: &str = "5eed0000-0000-4000-8000-000000000002";
/// The API key of [`OTHER_WORKSPACE_ID`].
pub const OTHER_API_KEY: &str = "seam_sandbox_api_key_0000000000000002";
/// The access system of [`OTHER_WORKSPACE_ID`].
pub const OTHER_ACS_SYSTEM_ID: &str = "5eed0001-0000-4000-8000-000000000009";
/// The ACS user of [`OTHER_WORKSPACE_ID`].
pub const OTHER_ACS_USER_ID: &str = "5eed0002-0000-4000-8000-000000000901";

/// The most extra ACS users [`State::seeded_with_extra_acs_users`](crate::State::seeded_with_extra_acs_users)
/// adds.
pub const MAX_EXTRA_ACS_USERS: usize = 1_000_000;

/// The id of the `i`th (from 0) extra ACS user of
/// [`State::seeded_with_extra_acs_users`](crate::State::seeded_with_extra_acs_users):
/// `5eed0002-1000-4000-8000-` and `i` in 12 decimal digits.
pub fn extra_acs_user_id(i: usize) -> String {
    format!("5eed0002-1000-4000-8000-{i:012}")
}

/// The access system of the `i`th extra ACS user: [`HQ_ACS_SYSTEM_ID`],
/// [`ANNEX_ACS_SYSTEM_ID`] and [`GARAGE_ACS_SYSTEM_ID`] in turn.
pub fn extra_acs_user_system(i: usize) -> &'static str {
    [HQ_ACS_SYSTEM_ID, ANNEX_ACS_SYSTEM_ID, GARAGE_ACS_SYSTEM_ID][i % 3]
}

/// One seeded ACS user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedAcsUser {
    /// Its id.
    pub acs_user_id: &'static str,
    /// Its access system.
    pub acs_system_id: &'static str,
    /// Its full name.
    pub full_name: &'static str,
    /// Its email address.
    pub email_address: &'static str,
    /// Its phone number.
    pub phone_number: &'static str,
}

/// Every seeded ACS user of [`WORKSPACE_ID`], in creation order.
pub const ACS_USERS: &[SeedAcsUser] = &[
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000001",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Ava Adams",
        email_address: "ava.adams@acme.example",
        phone_number: "+15555550001",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000002",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Ben Brooks",
        email_address: "ben.brooks@acme.example",
        phone_number: "+15555550002",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000003",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Chloe Chen",
        email_address: "chloe.chen@acme.example",
        phone_number: "+15555550003",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000004",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Diego Diaz",
        email_address: "diego.diaz@acme.example",
        phone_number: "+15555550004",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000005",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Emma Evans",
        email_address: "emma.evans@acme.example",
        phone_number: "+15555550005",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000006",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Farid Fischer",
        email_address: "farid.fischer@acme.example",
        phone_number: "+15555550006",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000007",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Grace Garcia",
        email_address: "grace.garcia@acme.example",
        phone_number: "+15555550007",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000008",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Hiro Hughes",
        email_address: "hiro.hughes@acme.example",
        phone_number: "+15555550008",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000009",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Isla Ito",
        email_address: "isla.ito@acme.example",
        phone_number: "+15555550009",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000010",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Jonas Jensen",
        email_address: "jonas.jensen@acme.example",
        phone_number: "+15555550010",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000011",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Kira Kowalski",
        email_address: "kira.kowalski@acme.example",
        phone_number: "+15555550011",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000012",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Liam Lopez",
        email_address: "liam.lopez@acme.example",
        phone_number: "+15555550012",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000013",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Maya Mensah",
        email_address: "maya.mensah@acme.example",
        phone_number: "+15555550013",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000014",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Noah Nguyen",
        email_address: "noah.nguyen@acme.example",
        phone_number: "+15555550014",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000015",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Olga Okafor",
        email_address: "olga.okafor@acme.example",
        phone_number: "+15555550015",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000016",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Pablo Petrov",
        email_address: "pablo.petrov@acme.example",
        phone_number: "+15555550016",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000017",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Quinn Quist",
        email_address: "quinn.quist@acme.example",
        phone_number: "+15555550017",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000018",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Rosa Rossi",
        email_address: "rosa.rossi@acme.example",
        phone_number: "+15555550018",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000019",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Sami Silva",
        email_address: "sami.silva@acme.example",
        phone_number: "+15555550019",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000020",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Tara Tanaka",
        email_address: "tara.tanaka@acme.example",
        phone_number: "+15555550020",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000021",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Umar Usman",
        email_address: "umar.usman@acme.example",
        phone_number: "+15555550021",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000022",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Vera Varga",
        email_address: "vera.varga@acme.example",
        phone_number: "+15555550022",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000023",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Wen Wang",
        email_address: "wen.wang@acme.example",
        phone_number: "+15555550023",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000024",
        acs_system_id: HQ_ACS_SYSTEM_ID,
        full_name: "Yara Young",
        email_address: "yara.young@acme.example",
        phone_number: "+15555550024",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000101",
        acs_system_id: ANNEX_ACS_SYSTEM_ID,
        full_name: "Jane Doe",
        email_address: "jane@example.com",
        phone_number: "+15555550100",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000102",
        acs_system_id: ANNEX_ACS_SYSTEM_ID,
        full_name: "Carlos Mendes",
        email_address: "carlos.mendes@acme.example",
        phone_number: "+15555551101",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000103",
        acs_system_id: ANNEX_ACS_SYSTEM_ID,
        full_name: "Dana Kim",
        email_address: "dana.kim@acme.example",
        phone_number: "+15555551102",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000104",
        acs_system_id: ANNEX_ACS_SYSTEM_ID,
        full_name: "Eli Novak",
        email_address: "eli.novak@acme.example",
        phone_number: "+15555551103",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000201",
        acs_system_id: GARAGE_ACS_SYSTEM_ID,
        full_name: "Ava Adams",
        email_address: "ava.adams+garage@acme.example",
        phone_number: "+15555552201",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000202",
        acs_system_id: GARAGE_ACS_SYSTEM_ID,
        full_name: "Ben Brooks",
        email_address: "ben.brooks+garage@acme.example",
        phone_number: "+15555552202",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000203",
        acs_system_id: GARAGE_ACS_SYSTEM_ID,
        full_name: "Fay Lin",
        email_address: "fay.lin@acme.example",
        phone_number: "+15555552203",
    },
    SeedAcsUser {
        acs_user_id: "5eed0002-0000-4000-8000-000000000204",
        acs_system_id: GARAGE_ACS_SYSTEM_ID,
        full_name: "Gus Moreau",
        email_address: "gus.moreau@acme.example",
        phone_number: "+15555552204",
    },
];

/// The other workspace's ACS user.
pub const OTHER_ACS_USER: SeedAcsUser = SeedAcsUser {
    acs_user_id: OTHER_ACS_USER_ID,
    acs_system_id: OTHER_ACS_SYSTEM_ID,
    full_name: "Olivia Other",
    email_address: "olivia@other.example",
    phone_number: "+15555559901",
};

/// The seeded ids and credentials in one value: what the server prints at startup (with its
/// endpoint) and what [`FakeSeam::seed`](crate::FakeSeam::seed) returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Seed {
    /// [`API_KEY`].
    pub api_key: &'static str,
    /// [`PERSONAL_ACCESS_TOKEN`].
    pub personal_access_token: &'static str,
    /// [`WORKSPACE_ID`].
    pub workspace_id: &'static str,
    /// [`USER_IDENTITY_ID`].
    pub user_identity_id: &'static str,
    /// [`USER_IDENTITY_KEY`].
    pub user_identity_key: &'static str,
    /// [`ACS_SYSTEM_ID`].
    pub acs_system_id: &'static str,
    /// [`ACS_USER_IDS`].
    pub acs_user_ids: &'static [&'static str],
    /// [`ANNEX_ACS_SYSTEM_ID`].
    pub annex_acs_system_id: &'static str,
    /// [`ANNEX_ACS_USER_IDS`].
    pub annex_acs_user_ids: &'static [&'static str],
    /// [`GARAGE_ACS_SYSTEM_ID`].
    pub garage_acs_system_id: &'static str,
    /// [`GARAGE_ACS_USER_IDS`].
    pub garage_acs_user_ids: &'static [&'static str],
    /// [`OTHER_WORKSPACE_ID`].
    pub other_workspace_id: &'static str,
    /// [`OTHER_API_KEY`].
    pub other_api_key: &'static str,
    /// [`OTHER_ACS_USER_ID`].
    pub other_acs_user_id: &'static str,
}

/// The seed.
pub const SEED: Seed = Seed {
    api_key: API_KEY,
    personal_access_token: PERSONAL_ACCESS_TOKEN,
    workspace_id: WORKSPACE_ID,
    user_identity_id: USER_IDENTITY_ID,
    user_identity_key: USER_IDENTITY_KEY,
    acs_system_id: ACS_SYSTEM_ID,
    acs_user_ids: &ACS_USER_IDS,
    annex_acs_system_id: ANNEX_ACS_SYSTEM_ID,
    annex_acs_user_ids: &ANNEX_ACS_USER_IDS,
    garage_acs_system_id: GARAGE_ACS_SYSTEM_ID,
    garage_acs_user_ids: &GARAGE_ACS_USER_IDS,
    other_workspace_id: OTHER_WORKSPACE_ID,
    other_api_key: OTHER_API_KEY,
    other_acs_user_id: OTHER_ACS_USER_ID,
};
