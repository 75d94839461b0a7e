//! Concurrent requests: no update is lost, and one new key makes one identity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Client;
use seamapi_api::routes::{AddAcsUser, ListUserIdentities, UserIdentityRef};
use seamapi_fake::{FakeSeam, FakeServer, seed};

async fn same_new_key(seam: Client, fake: &FakeSeam) {
    // 32 tasks add the same ACS user under the same new key: exactly one identity appears,
    // and every call succeeds (the first creates and links, the others re-add the link).
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let seam = seam.clone();
        tasks.spawn(async move {
            seam.call(AddAcsUser::new(
                seed::ACS_USER_IDS[7],
                UserIdentityRef::key("racer"),
            ))
            .await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    let state = fake.state();
    let racers: Vec<_> = state
        .user_identities
        .values()
        .filter(|u| u.user_identity_key.as_deref() == Some("racer"))
        .collect();
    assert_eq!(racers.len(), 1);
    assert_eq!(racers[0].acs_user_ids, [seed::ACS_USER_IDS[7]]);
    assert_eq!(state.check_links(), Ok(()));
}

async fn different_users_same_new_key(seam: Client, fake: &FakeSeam) {
    // One ACS user per access system may join the new identity; the tasks race for it.
    let candidates = [
        seed::ACS_USER_IDS[8],
        seed::ACS_USER_IDS[9],
        seed::ANNEX_ACS_USER_IDS[2],
        seed::ANNEX_ACS_USER_IDS[3],
        seed::GARAGE_ACS_USER_IDS[2],
        seed::GARAGE_ACS_USER_IDS[3],
    ];
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..32 {
        let seam = seam.clone();
        let a = candidates[i % candidates.len()];
        tasks.spawn(async move {
            seam.call(AddAcsUser::new(a, UserIdentityRef::key("shared")))
                .await
        });
    }
    let mut refused = 0;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(()) => {}
            Err(e) => {
                // The identity was created from another ACS user's email/phone, or already
                // holds a user of that system.
                assert!(
                    matches!(
                        e.error_type(),
                        Some(
                            "user_identity_already_has_acs_user_in_acs_system"
                                | "user_identity_email_address_taken"
                                | "user_identity_phone_number_taken"
                        )
                    ),
                    "{e}"
                );
                refused += 1;
            }
        }
    }
    assert!(refused > 0);
    let state = fake.state();
    let shared: Vec<_> = state
        .user_identities
        .values()
        .filter(|u| u.user_identity_key.as_deref() == Some("shared"))
        .collect();
    assert_eq!(shared.len(), 1);
    assert!(!shared[0].acs_user_ids.is_empty() && shared[0].acs_user_ids.len() <= 3);
    assert_eq!(state.check_links(), Ok(()));
}

async fn distinct_keys(seam: Client, fake: &FakeSeam) {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, a) in seed::ACS_USER_IDS.iter().enumerate().skip(10) {
        let seam = seam.clone();
        tasks.spawn(async move {
            seam.call(AddAcsUser::new(*a, UserIdentityRef::key(format!("k{i}"))))
                .await
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    let page = seam
        .call(ListUserIdentities::new().search("k1"))
        .await
        .unwrap();
    assert!(!page.items.is_empty());
    let state = fake.state();
    for (i, a) in seed::ACS_USER_IDS.iter().enumerate().skip(10) {
        let user = &state.acs_users[*a];
        let identity = &state.user_identities[user.user_identity_id.as_deref().unwrap()];
        assert_eq!(
            identity.user_identity_key.as_deref(),
            Some(&*format!("k{i}"))
        );
    }
    assert_eq!(state.check_links(), Ok(()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn in_memory() {
    let fake = FakeSeam::new();
    let seam = Client::in_memory(fake.clone());
    same_new_key(seam.clone(), &fake).await;
    different_users_same_new_key(seam.clone(), &fake).await;
    distinct_keys(seam, &fake).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn over_http() {
    let fake = FakeSeam::new();
    let server = FakeServer::start("127.0.0.1:0", fake.clone())
        .await
        .unwrap();
    let seam = Client::seeded_over_http(server.endpoint());
    same_new_key(seam.clone(), &fake).await;
    different_users_same_new_key(seam.clone(), &fake).await;
    distinct_keys(seam, &fake).await;
    server.stop().await.unwrap();
}
