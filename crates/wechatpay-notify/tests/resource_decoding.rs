//! The decrypted resource as the event catalog reads it (docs/events.md): the kind rule, the
//! typed models, and what a malformed resource's message may say. Regression tests of the
//! hardening review (issue 21, items 3 to 6).

use serde_json::{json, Value};
use wechatpay_notify::testing::Kit;
use wechatpay_notify::{ErrorCode, EventKind, Notification};

fn parsed(kit: &Kit, kind: EventKind, changes: &[(&str, Value)]) -> Notification {
    let mut builder = kit.notification(kind);
    for (path, value) in changes {
        builder = builder.set(path, value.clone());
    }
    let cb = builder.build().unwrap();
    kit.verifier()
        .unwrap()
        .parse(&cb.headers, &cb.body)
        .unwrap()
}

#[test]
fn a_malformed_field_is_named_by_its_path_never_its_value() {
    // Item 3: serde's text was cut between "expected " and " at line", which a value can hold.
    let kit = Kit::new().unwrap();
    for (path, value, expected) in [
        (
            "amount.total",
            json!("expected oUpF8-SECRET at line"),
            "expected i64",
        ),
        (
            "amount",
            json!("x, expected SECRET at line 1 column 2"),
            "expected a JSON object",
        ),
        ("payer.openid", json!(7), "expected a string"),
        (
            "trade_state",
            json!(["missing field `SECRET`"]),
            "expected a string",
        ),
    ] {
        let n = parsed(&kit, EventKind::Transaction, &[(path, value)]);
        let e = n.transaction().unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource);
        assert!(e.message().contains(&format!("`{path}`")), "{e}");
        assert!(e.message().contains(expected), "{e}");
        assert!(!e.message().contains("SECRET"), "{e}");
    }
}

#[test]
fn a_model_is_a_json_object_never_an_array() {
    // Item 4: serde's derived structs also read an array positionally.
    let kit = Kit::new().unwrap();
    for (path, value) in [
        ("amount", json!([100, 100, "CNY", "CNY"])),
        ("payer", json!(["o1"])),
        ("scene_info", json!([])),
    ] {
        let n = parsed(&kit, EventKind::Transaction, &[(path, value)]);
        let e = n.transaction().unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource, "{path}");
        assert!(
            e.message().contains(&format!("`{path}`")) && e.message().contains("a JSON object"),
            "{e}"
        );
    }
    // And the whole resource too.
    let cb = kit
        .custom("TRANSACTION.SUCCESS", Some("transaction"), json!([1, 2]))
        .build()
        .unwrap();
    let n = kit
        .verifier()
        .unwrap()
        .parse(&cb.headers, &cb.body)
        .unwrap();
    assert!(n.event::<wechatpay_notify::models::Transaction>().is_err());
}

#[test]
fn the_plaintext_nests_no_deeper_than_the_envelope() {
    // Item 5: an unknown field nested 5,000 deep passed step 15 (serde skips an ignored value
    // without its recursion limit), and Python's `.resource` then raised RecursionError. The
    // envelope's bound now holds for the plaintext: 33 levels are refused at parse.
    let kit = Kit::new().unwrap();
    let nest = |depth: usize| (1..depth).fold(json!([]), |inner, _| json!([inner]));
    let cb = kit
        .notification(EventKind::Transaction)
        .set("unknown", nest(31))
        .build()
        .unwrap();
    kit.verifier()
        .unwrap()
        .parse(&cb.headers, &cb.body)
        .unwrap();
    let cb = kit
        .notification(EventKind::Transaction)
        .set("unknown", nest(100))
        .build()
        .unwrap();
    let e = kit
        .verifier()
        .unwrap()
        .parse(&cb.headers, &cb.body)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::MalformedResource);
    assert!(e.message().contains("deeper than 32"), "{e}");
}

#[test]
fn null_is_absent_for_the_kind() {
    // Item 6: "combine_mchid": null made a payment unknown; sp_mchid and sub_mchid null made it
    // a partner payment.
    let kit = Kit::new().unwrap();
    let n = parsed(
        &kit,
        EventKind::Transaction,
        &[("combine_mchid", Value::Null)],
    );
    assert_eq!(n.kind(), EventKind::Transaction);
    n.transaction().unwrap();
    let n = parsed(
        &kit,
        EventKind::Transaction,
        &[("sp_mchid", Value::Null), ("sub_mchid", Value::Null)],
    );
    assert_eq!(n.kind(), EventKind::Transaction);
    let n = parsed(
        &kit,
        EventKind::PartnerTransaction,
        &[("mchid", Value::Null)],
    );
    assert_eq!(n.kind(), EventKind::PartnerTransaction);
}
