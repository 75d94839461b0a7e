//! Every rule of the routes through typed requests (core's encoder and decoder, as the
//! clients use them, `common::Client`): once with the fake as the Transport, once over HTTP
//! against the fake's server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::{Client, get_identity_by_id, get_identity_by_key};
use http::StatusCode;
use seamapi_api::routes::{
    AddAcsUser, CreateUserIdentity, DeleteUserIdentity, GetAcsUser, ListAcsUsers,
    ListUserIdentities, ListUserIdentityAcsUsers, RemoveAcsUser, UserIdentityRef,
};
use seamapi_core::{Config, Error};
use seamapi_fake::{FakeSeam, FakeServer, IN_MEMORY_ENDPOINT, seed};

struct Env {
    fake: FakeSeam,
    /// The seeded API key.
    seam: Client,
    /// The other workspace's API key.
    other: Client,
    /// The seeded personal access token, acting in the seeded workspace.
    pat: Client,
    server: Option<FakeServer>,
}

async fn env(over_http: bool) -> Env {
    let fake = FakeSeam::new();
    let pat =
        || Config::builder().personal_access_token(seed::PERSONAL_ACCESS_TOKEN, seed::WORKSPACE_ID);
    if over_http {
        let server = FakeServer::start("127.0.0.1:0", fake.clone())
            .await
            .unwrap();
        let client = |config| Client::over_http(config, server.endpoint());
        Env {
            seam: client(Config::builder().api_key(seed::API_KEY)),
            other: client(Config::builder().api_key(seed::OTHER_API_KEY)),
            pat: client(pat()),
            server: Some(server),
            fake,
        }
    } else {
        let client = |config| Client::new(config, IN_MEMORY_ENDPOINT, fake.clone());
        Env {
            seam: client(Config::builder().api_key(seed::API_KEY)),
            other: client(Config::builder().api_key(seed::OTHER_API_KEY)),
            pat: client(pat()),
            server: None,
            fake,
        }
    }
}

impl Env {
    async fn finish(self) {
        assert_eq!(self.fake.state().check_links(), Ok(()));
        if let Some(server) = self.server {
            server.stop().await.unwrap();
        }
    }
}

fn assert_api_error(e: &Error, status: u16, error_type: &str) {
    assert_eq!(
        e.status(),
        Some(StatusCode::from_u16(status).unwrap()),
        "{e}"
    );
    assert_eq!(e.error_type(), Some(error_type), "{e}");
    assert!(e.request_id().is_some(), "{e}: no request id");
}

fn add(acs_user_id: &str, identity: UserIdentityRef) -> AddAcsUser {
    AddAcsUser::new(acs_user_id, identity)
}

async fn links_by_id_both_ways(env: Env) {
    let a = seed::ACS_USER_IDS[0];
    env.seam
        .call(add(a, UserIdentityRef::id(seed::USER_IDENTITY_ID)))
        .await
        .unwrap();
    let user = env
        .seam
        .call(GetAcsUser::new().acs_user_id(a))
        .await
        .unwrap();
    assert_eq!(
        user.user_identity_id.as_deref(),
        Some(seed::USER_IDENTITY_ID)
    );
    assert_eq!(
        user.user_identity_email_address.as_deref(),
        Some(seed::USER_IDENTITY_EMAIL_ADDRESS)
    );
    let jane = env
        .seam
        .call(get_identity_by_id(seed::USER_IDENTITY_ID))
        .await
        .unwrap();
    assert!(jane.acs_user_ids.iter().any(|x| x == a));
    let linked = env
        .seam
        .call(ListUserIdentityAcsUsers::new(seed::USER_IDENTITY_ID))
        .await
        .unwrap();
    let ids: Vec<_> = linked.iter().map(|u| u.acs_user_id.as_str()).collect();
    assert_eq!(ids, [seed::ANNEX_ACS_USER_IDS[0], a]);
    env.finish().await;
}

async fn re_adding_changes_nothing(env: Env) {
    let a = seed::ACS_USER_IDS[1];
    env.seam
        .call(add(a, UserIdentityRef::key(seed::USER_IDENTITY_KEY)))
        .await
        .unwrap();
    let before = env.fake.state();
    for identity in [
        UserIdentityRef::key(seed::USER_IDENTITY_KEY),
        UserIdentityRef::id(seed::USER_IDENTITY_ID),
    ] {
        env.seam.call(add(a, identity)).await.unwrap();
    }
    assert_eq!(env.fake.state(), before);
    env.finish().await;
}

async fn unknown_key_creates_the_identity_from_the_acs_user(env: Env) {
    let row = seed::ACS_USERS[2];
    env.seam
        .call(add(row.acs_user_id, UserIdentityRef::key("chloe")))
        .await
        .unwrap();
    let chloe = env.seam.call(get_identity_by_key("chloe")).await.unwrap();
    assert_eq!(chloe.user_identity_key.as_deref(), Some("chloe"));
    assert_eq!(chloe.full_name.as_deref(), Some(row.full_name));
    assert_eq!(chloe.email_address.as_deref(), Some(row.email_address));
    assert_eq!(chloe.phone_number.as_deref(), Some(row.phone_number));
    assert_eq!(chloe.display_name, row.full_name);
    assert_eq!(chloe.workspace_id, seed::WORKSPACE_ID);
    assert_eq!(chloe.acs_user_ids, [row.acs_user_id]);
    let user = env
        .seam
        .call(GetAcsUser::new().acs_user_id(row.acs_user_id))
        .await
        .unwrap();
    assert_eq!(
        user.user_identity_id.as_deref(),
        Some(chloe.user_identity_id.as_str())
    );
    // The same call again: nothing new.
    let before = env.fake.state();
    env.seam
        .call(add(row.acs_user_id, UserIdentityRef::key("chloe")))
        .await
        .unwrap();
    assert_eq!(env.fake.state(), before);
    env.finish().await;
}

async fn an_acs_user_belongs_to_one_identity(env: Env) {
    let linked_to_jane = seed::ANNEX_ACS_USER_IDS[0];
    let other = env
        .seam
        .call(CreateUserIdentity::new().user_identity_key("bob"))
        .await
        .unwrap();
    let e = env
        .seam
        .call(add(
            linked_to_jane,
            UserIdentityRef::id(&other.user_identity_id),
        ))
        .await
        .unwrap_err();
    assert_api_error(&e, 409, "acs_user_already_linked");
    // By a new key: refused, and no identity is created.
    let before = env.fake.state();
    let e = env
        .seam
        .call(add(linked_to_jane, UserIdentityRef::key("newcomer")))
        .await
        .unwrap_err();
    assert_api_error(&e, 409, "acs_user_already_linked");
    assert_eq!(env.fake.state(), before);
    env.finish().await;
}

async fn one_acs_user_per_access_system(env: Env) {
    // Jane has the annex's first user already.
    let e = env
        .seam
        .call(add(
            seed::ANNEX_ACS_USER_IDS[1],
            UserIdentityRef::key(seed::USER_IDENTITY_KEY),
        ))
        .await
        .unwrap_err();
    assert_api_error(&e, 409, "user_identity_already_has_acs_user_in_acs_system");
    // Other systems are fine.
    for a in [seed::ACS_USER_IDS[3], seed::GARAGE_ACS_USER_IDS[0]] {
        env.seam
            .call(add(a, UserIdentityRef::id(seed::USER_IDENTITY_ID)))
            .await
            .unwrap();
    }
    assert_eq!(
        env.fake.state().user_identities[seed::USER_IDENTITY_ID]
            .acs_user_ids
            .len(),
        3
    );
    env.finish().await;
}

async fn unknown_ids_are_404(env: Env) {
    let nobody = "00000000-0000-4000-8000-000000000000";
    let e = env
        .seam
        .call(add(nobody, UserIdentityRef::id(seed::USER_IDENTITY_ID)))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "acs_user_not_found");
    let e = env
        .seam
        .call(add(seed::ACS_USER_IDS[0], UserIdentityRef::id(nobody)))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    assert!(e.is_not_found());
    let e = env
        .seam
        .call(get_identity_by_key("nobody"))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    env.finish().await;
}

async fn workspaces_are_isolated(env: Env) {
    // The other workspace sees none of the seeded workspace's objects, and vice versa.
    let e = env
        .other
        .call(add(
            seed::OTHER_ACS_USER_ID,
            UserIdentityRef::id(seed::USER_IDENTITY_ID),
        ))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    let e = env
        .seam
        .call(add(
            seed::OTHER_ACS_USER_ID,
            UserIdentityRef::id(seed::USER_IDENTITY_ID),
        ))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "acs_user_not_found");
    assert_eq!(e.to_string().matches(seed::OTHER_WORKSPACE_ID).count(), 0);
    // The same key in each workspace names two identities.
    env.other
        .call(add(
            seed::OTHER_ACS_USER_ID,
            UserIdentityRef::key(seed::USER_IDENTITY_KEY),
        ))
        .await
        .unwrap();
    let theirs = env
        .other
        .call(get_identity_by_key(seed::USER_IDENTITY_KEY))
        .await
        .unwrap();
    assert_ne!(theirs.user_identity_id, seed::USER_IDENTITY_ID);
    assert_eq!(theirs.workspace_id, seed::OTHER_WORKSPACE_ID);
    let list = env.other.call(ListAcsUsers::new()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    let list = env.seam.call(ListUserIdentities::new()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    let e = env
        .other
        .call(DeleteUserIdentity::new(seed::USER_IDENTITY_ID))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    env.finish().await;
}

async fn personal_access_tokens_act_in_their_workspace(env: Env) {
    env.pat
        .call(add(seed::ACS_USER_IDS[4], UserIdentityRef::key("emma")))
        .await
        .unwrap();
    let emma = env.seam.call(get_identity_by_key("emma")).await.unwrap();
    assert_eq!(emma.workspace_id, seed::WORKSPACE_ID);
    env.finish().await;
}

async fn create_keeps_key_email_and_phone_unique(env: Env) {
    let ui = &env.seam;
    let made = ui
        .call(
            CreateUserIdentity::new()
                .user_identity_key("kim")
                .email_address("kim@example.com")
                .phone_number("+15555557777")
                .full_name("Kim Lee")
                .acs_system_ids(vec![seed::HQ_ACS_SYSTEM_ID.to_owned()]),
        )
        .await
        .unwrap();
    assert_eq!(made.user_identity_key.as_deref(), Some("kim"));
    assert_eq!(made.display_name, "Kim Lee");
    assert!(made.acs_user_ids.is_empty());
    for (req, error_type) in [
        (
            CreateUserIdentity::new().user_identity_key("kim"),
            "user_identity_key_taken",
        ),
        (
            CreateUserIdentity::new().email_address("KIM@example.com"),
            "user_identity_email_address_taken",
        ),
        (
            CreateUserIdentity::new().phone_number("+15555557777"),
            "user_identity_phone_number_taken",
        ),
        (
            CreateUserIdentity::new().user_identity_key(seed::USER_IDENTITY_KEY),
            "user_identity_key_taken",
        ),
    ] {
        let e = ui.call(req).await.unwrap_err();
        assert_api_error(&e, 409, error_type);
    }
    // The same values in another workspace are fine.
    env.other
        .call(
            CreateUserIdentity::new()
                .user_identity_key("kim")
                .email_address("kim@example.com"),
        )
        .await
        .unwrap();
    // Nothing given at all is fine too.
    ui.call(CreateUserIdentity::new()).await.unwrap();
    env.finish().await;
}

async fn creating_from_an_acs_user_respects_uniqueness(env: Env) {
    let row = seed::ACS_USERS[5];
    env.seam
        .call(CreateUserIdentity::new().email_address(row.email_address))
        .await
        .unwrap();
    let before = env.fake.state();
    let e = env
        .seam
        .call(add(row.acs_user_id, UserIdentityRef::key("farid")))
        .await
        .unwrap_err();
    assert_api_error(&e, 409, "user_identity_email_address_taken");
    assert_eq!(env.fake.state(), before);
    env.finish().await;
}

async fn delete_unlinks(env: Env) {
    let ui = &env.seam;
    ui.call(add(
        seed::ACS_USER_IDS[6],
        UserIdentityRef::id(seed::USER_IDENTITY_ID),
    ))
    .await
    .unwrap();
    ui.call(DeleteUserIdentity::new(seed::USER_IDENTITY_ID))
        .await
        .unwrap();
    for a in [seed::ANNEX_ACS_USER_IDS[0], seed::ACS_USER_IDS[6]] {
        let user = env
            .seam
            .call(GetAcsUser::new().acs_user_id(a))
            .await
            .unwrap();
        assert_eq!(user.user_identity_id, None);
        assert_eq!(user.user_identity_email_address, None);
    }
    let e = ui
        .call(DeleteUserIdentity::new(seed::USER_IDENTITY_ID))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    // The key is free again.
    ui.call(add(
        seed::ANNEX_ACS_USER_IDS[0],
        UserIdentityRef::key(seed::USER_IDENTITY_KEY),
    ))
    .await
    .unwrap();
    env.finish().await;
}

async fn remove_acs_user_rules(env: Env) {
    let ui = &env.seam;
    let jane = seed::USER_IDENTITY_ID;
    let a = seed::ANNEX_ACS_USER_IDS[0];
    ui.call(RemoveAcsUser::new(jane, a)).await.unwrap();
    let user = env
        .seam
        .call(GetAcsUser::new().acs_user_id(a))
        .await
        .unwrap();
    assert_eq!(user.user_identity_id, None);
    // Removing a link that does not exist succeeds and changes nothing.
    let before = env.fake.state();
    ui.call(RemoveAcsUser::new(jane, a)).await.unwrap();
    // Nor does it touch another identity's link.
    let other = ui
        .call(CreateUserIdentity::new().user_identity_key("other"))
        .await
        .unwrap();
    ui.call(add(a, UserIdentityRef::id(&other.user_identity_id)))
        .await
        .unwrap();
    let mid = env.fake.state();
    ui.call(RemoveAcsUser::new(jane, a)).await.unwrap();
    assert_eq!(env.fake.state(), mid);
    assert_ne!(before, mid);
    let nobody = "00000000-0000-4000-8000-000000000000";
    let e = ui.call(RemoveAcsUser::new(nobody, a)).await.unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    let e = ui.call(RemoveAcsUser::new(jane, nobody)).await.unwrap_err();
    assert_api_error(&e, 404, "acs_user_not_found");
    let e = ui
        .call(RemoveAcsUser::new(jane, seed::OTHER_ACS_USER_ID))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "acs_user_not_found");
    let e = ui
        .call(ListUserIdentityAcsUsers::new(nobody))
        .await
        .unwrap_err();
    assert_api_error(&e, 404, "user_identity_not_found");
    env.finish().await;
}

async fn lists_paginate_with_cursors(env: Env) {
    let ui = &env.seam;
    for i in 0..7 {
        ui.call(CreateUserIdentity::new().user_identity_key(format!("p{i}")))
            .await
            .unwrap();
    }
    let mut seen = HashSet::new();
    let mut cursors = HashSet::new();
    let mut req = ListUserIdentities::new().limit(3u32);
    let mut sizes = Vec::new();
    loop {
        let page = ui.call(req.clone()).await.unwrap();
        sizes.push(page.items.len());
        for u in &page.items {
            assert!(seen.insert(u.user_identity_id.clone()), "repeated item");
        }
        if !page.pagination.has_next_page {
            assert_eq!(page.pagination.next_page_cursor, None);
            break;
        }
        let cursor = page.pagination.next_page_cursor.clone().unwrap();
        let url = page.pagination.next_page_url.clone().unwrap();
        assert!(
            url.ends_with(&format!("/user_identities/list?page_cursor={cursor}")),
            "{url}"
        );
        assert!(cursors.insert(cursor.clone()));
        req = req.page_cursor(cursor);
    }
    assert_eq!(sizes, [3, 3, 2]);
    assert_eq!(seen.len(), 8);
    // Default limit: everything on one page.
    let page = ui.call(ListUserIdentities::new()).await.unwrap();
    assert_eq!(page.items.len(), 8);
    assert!(!page.pagination.has_next_page);
    // Walking every page.
    let all = ui.all(ListUserIdentities::new().limit(2u32)).await.unwrap();
    assert_eq!(all.len(), 8);
    // A cursor that is not one of ours is invalid input.
    let e = ui
        .call(ListUserIdentities::new().page_cursor("nope"))
        .await
        .unwrap_err();
    assert_eq!(
        e.validation_messages("page_cursor"),
        ["Invalid page cursor"]
    );
    // Filters.
    let page = ui
        .call(ListUserIdentities::new().search("JANE@"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let page = ui
        .call(ListUserIdentities::new().user_identity_ids(vec![seed::USER_IDENTITY_ID.to_owned()]))
        .await
        .unwrap();
    assert_eq!(page.items[0].user_identity_id, seed::USER_IDENTITY_ID);
    assert_eq!(page.items.len(), 1);
    let page = ui
        .call(ListUserIdentities::new().created_before("2024-06-01T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "only the seeded identity is that old");
    env.finish().await;
}

async fn acs_user_lists_filter_and_paginate(env: Env) {
    let users = &env.seam;
    let all = users.all(ListAcsUsers::new().limit(5u32)).await.unwrap();
    let ids: HashSet<String> = all.into_iter().map(|u| u.acs_user_id).collect();
    assert_eq!(ids.len(), seed::ACS_USERS.len());
    let page = users
        .call(ListAcsUsers::new().acs_system_id(seed::HQ_ACS_SYSTEM_ID))
        .await
        .unwrap();
    assert_eq!(page.items.len(), seed::ACS_USER_IDS.len());
    let page = users
        .call(ListAcsUsers::new().user_identity_id(seed::USER_IDENTITY_ID))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].acs_user_id, seed::ANNEX_ACS_USER_IDS[0]);
    let page = users
        .call(ListAcsUsers::new().user_identity_email_address(seed::USER_IDENTITY_EMAIL_ADDRESS))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let page = users
        .call(ListAcsUsers::new().search("chloe"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].full_name.as_deref(), Some("Chloe Chen"));
    env.finish().await;
}

macro_rules! both_ways {
    ($($rule:ident),* $(,)?) => {
        mod in_memory {
            $(
                #[tokio::test]
                async fn $rule() {
                    super::$rule(super::env(false).await).await;
                }
            )*
        }
        mod over_http {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $rule() {
                    super::$rule(super::env(true).await).await;
                }
            )*
        }
    };
}

both_ways!(
    links_by_id_both_ways,
    re_adding_changes_nothing,
    unknown_key_creates_the_identity_from_the_acs_user,
    an_acs_user_belongs_to_one_identity,
    one_acs_user_per_access_system,
    unknown_ids_are_404,
    workspaces_are_isolated,
    personal_access_tokens_act_in_their_workspace,
    create_keeps_key_email_and_phone_unique,
    creating_from_an_acs_user_respects_uniqueness,
    delete_unlinks,
    remove_acs_user_rules,
    lists_paginate_with_cursors,
    acs_user_lists_filter_and_paginate,
);
