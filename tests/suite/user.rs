//! `getStats`, `exportData`, the constructor and `tokenHash`.

use estuary_user::js::{token_hash, EstuaryUser};
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use super::helpers::*;

#[wasm_bindgen_test]
async fn stats_are_numbers() {
    reset().await;
    let stats = settle(client(TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert!(get(&stats, "totalSize").as_f64().unwrap() > 0.0);
    assert!(get(&stats, "numPins").as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
async fn null_stats_are_zero() {
    reset().await;
    let stats = settle(client(NULL_STATS_TOKEN).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(get(&stats, "totalSize").as_f64(), Some(0.0));
    assert_eq!(get(&stats, "numPins").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
async fn sizes_above_2_pow_53_arrive_as_the_nearest_double() {
    // The node sends int64; JSON.parse rounds beyond 2^53 (README, getStats).
    let token = new_user(r#"{"stats": {"totalSize": "9007199254740993", "numPins": 2}}"#).await;
    let stats = settle(client(&token).get_stats(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(
        get(&stats, "totalSize").as_f64(),
        Some(9_007_199_254_740_992.0)
    );
    assert_eq!(get(&stats, "numPins").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
async fn export_is_an_object_with_capitalised_keys() {
    reset().await;
    let export = settle(client(TOKEN).export_data(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(text(&export, "Version"), "v0.0.1");
    assert!(!js_sys::Date::new(&get(&export, "Date")).get_time().is_nan());
    let v1 = get(&export, "Version1");
    let contents = get(&v1, "Contents");
    assert!(Array::is_array(&contents));
    assert!(Array::from(&contents).length() > 0);
    assert!(Array::is_array(&get(&v1, "Deals")));
}

#[wasm_bindgen_test]
fn base_url_is_normalised_and_may_carry_a_prefix() {
    let user = EstuaryUser::new(options(TOKEN, "HTTP://127.0.0.1:3004/estuary//")).unwrap();
    assert_eq!(
        user.base_url().as_string().unwrap(),
        "http://127.0.0.1:3004/estuary"
    );
}

#[wasm_bindgen_test]
fn bad_constructor_options_throw_invalid_input() {
    let cases = [
        options("", URL),
        options("EST abc ARY", URL),
        options("EST\nabc", URL),
        options(TOKEN, "localhost:3004"),
        options(TOKEN, "ftp://127.0.0.1"),
        options(TOKEN, "http://user:pw@127.0.0.1"),
        obj(&[("token", 5.into())]),
        obj(&[("token", TOKEN.into()), ("timeoutMs", (-1).into())]),
        JsValue::UNDEFINED,
        TOKEN.into(),
    ];
    for bad in cases {
        let error = EstuaryUser::new(bad).err().expect("throws");
        expect_kind(error, "invalid_input");
    }
}

#[wasm_bindgen_test]
fn token_hash_matches_the_node() {
    assert_eq!(
        token_hash("EST00000000-0000-0000-0000-000000000000ARY".into())
            .unwrap()
            .as_string()
            .unwrap(),
        "oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI"
    );
    expect_kind(token_hash(JsValue::NULL).unwrap_err(), "invalid_input");
}
