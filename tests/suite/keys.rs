//! `listApiKeys`, `createApiKey`, `revokeApiKey` and what they put on the wire.

use estuary_user::js::token_hash;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use super::helpers::*;

async fn list(token: &str) -> Vec<JsValue> {
    let keys = settle(client(token).list_api_keys(JsValue::UNDEFINED))
        .await
        .expect("list");
    assert!(Array::is_array(&keys), "a flat array");
    Array::from(&keys).iter().collect()
}

#[wasm_bindgen_test]
async fn list_is_flat_and_typed_including_session_legacy_and_old_rows() {
    reset().await;
    let keys = list(TOKEN).await;
    assert!(keys.len() >= 4, "{} keys", keys.len());
    for key in &keys {
        for field in ["token", "tokenHash", "label", "expiry"] {
            assert!(get(key, field).is_string(), "{field} is a string");
        }
        assert!(get(key, "isSession").as_bool().is_some());
    }
    assert!(keys
        .iter()
        .any(|k| get(k, "isSession").as_bool() == Some(true)));
    // The legacy row has a plaintext token and no hash; the old-node row omits fields.
    assert!(keys
        .iter()
        .any(|k| !text(k, "token").is_empty() && text(k, "tokenHash").is_empty()));
    let mine = token_hash(TOKEN.into()).unwrap().as_string().unwrap();
    assert!(
        keys.iter().any(|k| text(k, "tokenHash") == mine),
        "the key in use is listed"
    );
}

#[wasm_bindgen_test]
async fn every_request_carries_exactly_bearer_token_and_no_cookie() {
    reset().await;
    settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap();
    let log = requests().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].url, "/user/stats");
    // The node records the hash of the Bearer token it authenticated, never the header.
    assert_eq!(log[0].status, Some(200.0));
    let hash = token_hash(TOKEN.into()).unwrap().as_string().unwrap();
    assert_eq!(log[0].token_hash.as_deref(), Some(hash.as_str()));
    assert!(!log[0].headers.contains_key("cookie"));
}

#[wasm_bindgen_test]
async fn create_sends_encoded_query_parameters_and_no_body() {
    reset().await;
    let label = "ci & deploy=1 /?#é+%";
    let params = obj(&[
        ("expiry", "1h30m".into()),
        ("perms", "all".into()),
        ("label", label.into()),
    ]);
    let key = settle(client(TOKEN).create_api_key(params, JsValue::UNDEFINED))
        .await
        .expect("created");
    let log = requests().await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/user/api-keys");
    assert_eq!(
        log[0].query,
        "expiry=1h30m&perms=all&label=ci%20%26%20deploy%3D1%20%2F%3F%23%C3%A9%2B%25"
    );
    assert_eq!(log[0].body_length, 0.0);
    assert_eq!(
        text(&key, "label"),
        label,
        "the node decoded the label intact"
    );
    let token = text(&key, "token");
    assert!(token.starts_with("EST") && token.ends_with("ARY") && token.len() == 42);
    assert_eq!(
        text(&key, "tokenHash"),
        token_hash(token.clone().into())
            .unwrap()
            .as_string()
            .unwrap()
    );
    assert_eq!(get(&key, "isSession").as_bool(), Some(false));
    // The new key works, and only its hash is listed from now on.
    let listed = list(&token).await;
    assert!(listed
        .iter()
        .any(|k| text(k, "tokenHash") == text(&key, "tokenHash") && text(k, "token").is_empty()));
}

#[wasm_bindgen_test]
async fn create_without_params_sends_no_query_and_gets_thirty_days() {
    reset().await;
    let key = settle(client(TOKEN).create_api_key(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(requests().await[0].url, "/user/api-keys");
    let expiry = js_sys::Date::new(&get(&key, "expiry")).get_time();
    let days = (expiry - js_sys::Date::now()) / 86_400_000.0;
    assert!((29.9..30.1).contains(&days), "{days} days");
}

#[wasm_bindgen_test]
async fn never_is_sent_as_expiry_false_and_upload_perms_make_an_upload_key() {
    reset().await;
    let params = obj(&[("expiry", "never".into()), ("perms", "upload".into())]);
    let key = settle(client(TOKEN).create_api_key(params, JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(requests().await[0].query, "expiry=false&perms=upload");
    let year = js_sys::Date::new(&get(&key, "expiry")).get_utc_full_year();
    assert!(year >= 2100, "permanent key expires in {year}");
    let error = settle(client(&text(&key, "token")).list_api_keys(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    expect_kind(error, "forbidden");
}

#[wasm_bindgen_test]
async fn bad_create_params_are_refused_before_sending() {
    reset().await;
    let cases: Vec<(JsValue, &str)> = vec![
        (obj(&[("expiry", "30d".into())]), "30 days is 720h"),
        (obj(&[("expiry", "abc".into())]), "Go duration"),
        (obj(&[("expiry", "1".into())]), "missing unit"),
        (obj(&[("expiry", 720.into())]), "expiry must be a string"),
        (obj(&[("perms", "admin".into())]), "\"all\" or \"upload\""),
        (
            obj(&[("perms", "all,upload".into())]),
            "\"all\" or \"upload\"",
        ),
        (obj(&[("label", JsValue::TRUE)]), "label must be a string"),
        ("720h".into(), "must be an object"),
    ];
    for (params, message) in cases {
        let error = settle(client(TOKEN).create_api_key(params, JsValue::UNDEFINED))
            .await
            .unwrap_err();
        let error = expect_kind(error, "invalid_input");
        assert!(
            text(&error, "message").contains(message),
            "{}",
            text(&error, "message")
        );
    }
    assert!(requests().await.is_empty(), "nothing reached the node");
}

#[wasm_bindgen_test]
async fn revoking_an_api_key_object_sends_its_hash_and_the_key_stops_working() {
    reset().await;
    let user = client(TOKEN);
    let key = settle(user.create_api_key(obj(&[("label", "temp".into())]), JsValue::UNDEFINED))
        .await
        .unwrap();
    let hash = text(&key, "tokenHash");
    let result = settle(user.revoke_api_key(key.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(
        result.unwrap(),
        JsValue::UNDEFINED,
        "the empty 200 resolves to undefined"
    );
    let log = requests().await;
    assert_eq!(log[1].method, "DELETE");
    assert_eq!(log[1].url, format!("/user/api-keys/{hash}"));
    assert!(!list(TOKEN)
        .await
        .iter()
        .any(|k| text(k, "tokenHash") == hash));
    let error = settle(client(&text(&key, "token")).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(
        text(&expect_kind(error, "unauthorized"), "reason"),
        "ERR_INVALID_TOKEN"
    );
}

#[wasm_bindgen_test]
async fn a_legacy_key_without_hash_is_revoked_by_its_token() {
    reset().await;
    let legacy = list(TOKEN)
        .await
        .into_iter()
        .find(|k| text(k, "tokenHash").is_empty() && !text(k, "token").is_empty())
        .expect("a legacy row");
    settle(client(TOKEN).revoke_api_key(legacy.clone(), JsValue::UNDEFINED))
        .await
        .unwrap();
    let log = requests().await;
    assert_eq!(
        log[1].path,
        format!("/user/api-keys/{}", text(&legacy, "token"))
    );
    assert!(!list(TOKEN)
        .await
        .iter()
        .any(|k| text(k, "token") == text(&legacy, "token")));
}

#[wasm_bindgen_test]
async fn the_segment_is_always_encoded_so_it_cannot_change_the_path() {
    reset().await;
    settle(client(TOKEN).revoke_api_key("../x?y#z".into(), JsValue::UNDEFINED))
        .await
        .expect("the node answers 200 even when nothing matched");
    assert_eq!(requests().await[0].url, "/user/api-keys/..%2Fx%3Fy%23z");
}

#[wasm_bindgen_test]
async fn empty_and_dot_keys_are_refused_before_sending() {
    reset().await;
    let empty_key = obj(&[("token", "".into()), ("tokenHash", "".into())]);
    for bad in [
        "".into(),
        ".".into(),
        "..".into(),
        empty_key,
        JsValue::NULL,
        42.into(),
    ] {
        let error = settle(client(TOKEN).revoke_api_key(bad, JsValue::UNDEFINED))
            .await
            .unwrap_err();
        expect_kind(error, "invalid_input");
    }
    assert!(requests().await.is_empty());
}

#[wasm_bindgen_test]
async fn revoking_never_touches_another_users_key() {
    reset().await;
    let other_hash = token_hash(OTHER_TOKEN.into()).unwrap().as_string().unwrap();
    settle(client(TOKEN).revoke_api_key(other_hash.into(), JsValue::UNDEFINED))
        .await
        .unwrap();
    settle(client(OTHER_TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .expect("the other user's key still works");
}
