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

/// Changes to a sample resource: a path and its new value, or `None` to remove it.
type Changes = Vec<(&'static str, Option<Value>)>;

/// A sink that keeps the decoded model as JSON, to compare two decodes.
struct Keep;

impl wechatpay_notify::events::ModelSink for Keep {
    type Output = Value;
    fn take<T: wechatpay_notify::Event>(self, model: &T) -> wechatpay_notify::Result<Value> {
        Ok(serde_json::to_value(model).unwrap())
    }
}

#[test]
fn a_parsed_tree_gives_the_kind_model_and_messages_of_the_text() {
    // A binding that parsed the plaintext into its own tree (Python's) decides the kind and
    // decodes the model from that tree: the outcome of every accessor, and every message, is
    // the one the text gives (a tree has no position to report).
    use wechatpay_notify::events::{check_event_from, check_event_into, kind_from};
    use EventKind::*;
    let kit = Kit::new().unwrap();
    let null = Value::Null;
    let cases: Vec<(EventKind, Changes)> = vec![
        (Transaction, vec![]),
        (Transaction, vec![("amount.total", None)]),
        (Transaction, vec![("out_trade_no", None)]),
        (Transaction, vec![("amount.total", Some(json!("12345")))]),
        (
            Transaction,
            vec![("amount.total", Some(json!("x at line 1, expected SECRET")))],
        ),
        (Transaction, vec![("amount", Some(json!([100, 100])))]),
        (Transaction, vec![("payer", Some(null.clone()))]),
        (Transaction, vec![("attach", Some(null.clone()))]),
        (Transaction, vec![("amount.total", Some(json!(-1)))]),
        (Transaction, vec![("amount.total", Some(json!(u64::MAX)))]),
        (
            Transaction,
            vec![("promotion_detail", Some(json!([{"coupon_id": 1}])))],
        ),
        (Transaction, vec![("combine_mchid", Some(null.clone()))]),
        (Transaction, vec![("mchid", None)]),
        (
            PartnerTransaction,
            vec![("mchid", Some(json!("1900000109")))],
        ),
        (CombineTransaction, vec![("sub_orders", Some(json!({})))]),
        (Refund, vec![]),
        (PartnerRefund, vec![("amount.refund", Some(json!(true)))]),
        (ProfitSharing, vec![]),
        (TransferBill, vec![]),
        (Complaint, vec![("action_type", None)]),
    ];
    for (kind, changes) in cases {
        let mut builder = kit.notification(kind);
        for (path, value) in &changes {
            builder = match value {
                Some(value) => builder.set(path, value.clone()),
                None => builder.remove(path),
            };
        }
        let cb = builder.build().unwrap();
        let n = kit
            .verifier()
            .unwrap()
            .parse(&cb.headers, &cb.body)
            .unwrap();
        let tree: Value = serde_json::from_str(n.plaintext()).unwrap();
        let (event_type, actual) = (n.event_type(), n.kind());
        let case = format!("{} {changes:?}", kind.as_str());
        assert_eq!(
            kind_from(event_type, n.original_type(), &tree),
            actual,
            "{case}"
        );
        for &wanted in EventKind::ALL {
            let text = check_event_into(wanted, actual, event_type, n.plaintext(), Keep);
            let from_tree = check_event_from(wanted, actual, event_type, &tree, Keep);
            match (text, from_tree) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{case}"),
                (Err(a), Err(b)) => {
                    assert_eq!((a.code(), a.message()), (b.code(), b.message()), "{case}");
                    assert!(!b.message().contains("SECRET"), "{b}");
                }
                (a, b) => panic!("{case}: {a:?} from the text, {b:?} from the tree"),
            }
        }
    }
    // Not an object: no kind among several candidates, and the model is the wrong type.
    let list = json!([1]);
    assert_eq!(
        kind_from("TRANSACTION.SUCCESS", "transaction", &list),
        EventKind::Unknown
    );
    use wechatpay_notify::events::{decode_model, decode_model_from};
    use wechatpay_notify::models::Refund as RefundModel;
    let from_tree = decode_model_from::<RefundModel, _>(&list).unwrap_err();
    let from_text = decode_model::<RefundModel>("[1]").unwrap_err();
    assert_eq!(from_tree.message(), from_text.message());
    assert!(
        from_tree.message().contains("expected a JSON object"),
        "{from_tree}"
    );
}
