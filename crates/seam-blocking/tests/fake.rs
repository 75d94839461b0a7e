//! The blocking client against seamapi-fake: in memory (as a transport) and over HTTP.
#![allow(clippy::unwrap_used)]

use seamapi::routes::*;
use seamapi_blocking::Seam;
use seamapi_fake::{FakeSeam, FakeServer, seed};

fn in_memory(fake: &FakeSeam) -> Seam {
    Seam::builder()
        .api_key(seed::API_KEY)
        .endpoint(seamapi_fake::IN_MEMORY_ENDPOINT)
        .transport(fake.clone())
        .build()
        .unwrap()
}

/// The main job and the routes around it, as a user of the blocking client writes them.
fn exercise(seam: &Seam, fake: &FakeSeam) {
    let acs_user_id = seed::ACS_USER_IDS[0];
    seam.user_identities()
        .add_acs_user(AddAcsUser::new(acs_user_id, UserIdentityRef::key("sam")))
        .unwrap();
    // Re-adding the same link changes nothing and still succeeds.
    seam.user_identities()
        .add_acs_user(AddAcsUser::new(acs_user_id, UserIdentityRef::key("sam")))
        .unwrap();
    let sam = seam
        .user_identities()
        .get(GetUserIdentity::new(UserIdentityRef::key("sam")))
        .unwrap();
    assert_eq!(sam.acs_user_ids, [acs_user_id]);
    let linked = seam
        .user_identities()
        .list_acs_users(ListUserIdentityAcsUsers::new(sam.user_identity_id.clone()))
        .unwrap();
    assert_eq!(linked.len(), 1);
    assert_eq!(
        linked[0].user_identity_id.as_deref(),
        Some(sam.user_identity_id.as_str())
    );

    // Every ACS user of the workspace, five per page, through the iterator and real cursors.
    let all: Vec<_> = seam
        .acs()
        .users()
        .list_all(ListAcsUsers::new().limit(5u32))
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = fake
        .state()
        .acs_users
        .values()
        .filter(|u| u.workspace_id == seed::WORKSPACE_ID)
        .count();
    assert_eq!(all.len(), expected);
    assert!(expected > 10);

    let e = seam
        .user_identities()
        .add_acs_user(AddAcsUser::new(
            seed::OTHER_ACS_USER_ID,
            UserIdentityRef::key("sam"),
        ))
        .unwrap_err();
    assert_eq!(e.error_type(), Some("acs_user_not_found"));
    assert!(e.request_id().is_some());

    seam.user_identities()
        .remove_acs_user(RemoveAcsUser::new(
            sam.user_identity_id.clone(),
            acs_user_id,
        ))
        .unwrap();
    seam.user_identities()
        .delete(DeleteUserIdentity::new(sam.user_identity_id))
        .unwrap();
}

#[test]
fn the_blocking_client_against_the_fake_in_memory() {
    let fake = FakeSeam::new();
    exercise(&in_memory(&fake), &fake);
}

#[test]
fn the_blocking_client_against_the_fake_over_http() {
    let fake = FakeSeam::new();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(FakeServer::start("127.0.0.1:0", fake.clone()))
        .unwrap();
    let seam = Seam::builder()
        .api_key(seed::API_KEY)
        .endpoint(server.endpoint())
        .build()
        .unwrap();
    exercise(&seam, &fake);
    runtime.block_on(server.stop()).unwrap();
}
