//! The Rust API (`Client`) as a Rust wasm app uses it: typed models and one error enum, with
//! no JS values (the facade tests cover `EstuaryUser`).

use estuary_user::{
    CallOptions, Client, ClientOptions, CreateApiKeyParams, Error, ErrorKind, Expiry, JsonValue,
    Perms,
};
use wasm_bindgen_test::wasm_bindgen_test;

use super::helpers::*;

/// The old-node row of the test user: listed as only `{"token", "expiry"}`.
const OLD_ROW_TOKEN: &str = "ESTc0ffee00-0000-4000-8000-000000000007ARY";

fn rust_client(token: &str) -> Client {
    Client::new(ClientOptions {
        token: token.into(),
        base_url: Some(format!("{URL}/")),
        ..Default::default()
    })
    .expect("valid options")
}

#[wasm_bindgen_test]
async fn the_rust_client_lists_typed_keys_with_defaults_for_old_rows() {
    reset().await;
    let client = rust_client(TOKEN);
    assert_eq!(client.base_url(), URL);
    let keys = client.list_api_keys(&CallOptions::default()).await.unwrap();
    assert_eq!(keys.len(), 6);
    let old = keys.iter().find(|k| k.token == OLD_ROW_TOKEN).unwrap();
    assert_eq!(
        (old.token_hash.as_str(), old.label.as_str(), old.is_session),
        ("", "", false)
    );
    assert_eq!(old.expiry, "2030-06-10T12:34:56.123456789+02:00");
    assert_eq!(old.revoke_segment(), OLD_ROW_TOKEN);
    assert!(keys.iter().any(|k| k.is_session && k.label == "on-login"));
    assert!(keys.iter().any(|k| k.token_hash == client.token_hash()));
}

#[wasm_bindgen_test]
async fn the_readme_rotation_example_works() {
    reset().await;
    let client = rust_client(TOKEN);
    let opts = CallOptions::default();
    let params = CreateApiKeyParams {
        expiry: Expiry::parse("720h").unwrap(),
        perms: Some(Perms::All),
        label: Some("ci".into()),
    };
    client.create_api_key(&params, &opts).await.unwrap();
    let key = client.create_api_key(&params, &opts).await.unwrap();
    assert!(key.token.starts_with("EST") && !key.token_hash.is_empty());
    for old in client.list_api_keys(&opts).await.unwrap() {
        if old.label == "ci" && old.token_hash != key.token_hash {
            client
                .revoke_api_key(old.revoke_segment(), &opts)
                .await
                .unwrap();
        }
    }
    let ci: Vec<_> = client.list_api_keys(&opts).await.unwrap();
    let ci: Vec<_> = ci.iter().filter(|k| k.label == "ci").collect();
    assert_eq!(ci.len(), 1);
    assert_eq!(ci[0].token_hash, key.token_hash);
    // The new key works on its own.
    let stats = rust_client(&key.token).get_stats(&opts).await.unwrap();
    assert_eq!((stats.total_size, stats.num_pins), (3_670_016, 3));
}

#[wasm_bindgen_test]
async fn the_rust_export_is_loosely_typed_json() {
    reset().await;
    let export = rust_client(TOKEN)
        .export_data(&CallOptions::default())
        .await
        .unwrap();
    assert_eq!(export.version, "v0.0.1");
    assert!(!export.date.is_empty());
    assert_eq!(
        (export.version1.contents.len(), export.version1.deals.len()),
        (4, 1)
    );
    let content = &export.version1.contents[0];
    assert!(matches!(content.get("name"), Some(JsonValue::String(_))));
    assert!(matches!(content.get("size"), Some(JsonValue::Number(_))));
    // Go's `null` lists arrive as empty vectors.
    let empty = rust_client(NULL_STATS_TOKEN)
        .export_data(&CallOptions::default())
        .await
        .unwrap();
    assert!(empty.version1.contents.is_empty() && empty.version1.deals.is_empty());
}

#[wasm_bindgen_test]
async fn rust_errors_carry_kind_status_and_reason_but_never_the_token() {
    reset().await;
    let token = "ESTffffffff-0000-4000-8000-000000000000ARY";
    let client = rust_client(token);
    let error = client.get_stats(&CallOptions::default()).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.reason(), Some("ERR_INVALID_TOKEN"));
    assert!(matches!(error, Error::Status { status: 401, .. }));
    for shown in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!shown.contains(token), "{shown}");
    }
    // Bad input is refused before anything is sent.
    let before = requests().await.len();
    assert_eq!(
        client
            .revoke_api_key("..", &CallOptions::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        Expiry::parse("30d").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(requests().await.len(), before);
}
