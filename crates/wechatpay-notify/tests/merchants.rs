//! Many merchants behind one notify_url (docs/merchants.md): the serial selects the key and so
//! the merchant, a shared serial tries each of its merchants' APIv3 keys, and the configuration
//! rules are enforced.

use wechatpay_notify::testing::Kit;
use wechatpay_notify::{ErrorCode, EventKind, Merchant, Verifier};

fn three() -> (Kit, Kit, Kit, Verifier) {
    let a = Kit::new().unwrap();
    let b = Kit::with_certificate().unwrap();
    let c = a.sharing_key(); // the same platform key as merchant A, another APIv3 key
    let v = Verifier::builder()
        .merchant(a.merchant("1900000001"))
        .merchant(b.merchant("1900000002"))
        .merchant(c.merchant("1900000003"))
        .build()
        .unwrap();
    (a, b, c, v)
}

#[test]
fn each_callback_names_its_merchant() {
    let (a, b, c, v) = three();
    assert_eq!(
        v.mchids().collect::<Vec<_>>(),
        ["1900000001", "1900000002", "1900000003"]
    );
    for (kit, mchid) in [(&a, "1900000001"), (&b, "1900000002"), (&c, "1900000003")] {
        let cb = kit.notification(EventKind::Transaction).build().unwrap();
        let n = v.parse(&cb.headers, &cb.body).unwrap();
        assert_eq!(n.mchid(), Some(mchid));
        assert_eq!(n.serial(), kit.key_id());
        n.transaction().unwrap();
        // The diagnosis decrypts with the same merchant's key.
        let d = v.diagnose_at(&cb.headers, &cb.body, wechatpay_notify::unix_now());
        assert!(d.verdict.is_ok() && d.failures().next().is_none());
    }
    // A single-merchant verifier names none.
    let cb = a.notification(EventKind::Refund).build().unwrap();
    let n = a.verifier().unwrap().parse(&cb.headers, &cb.body).unwrap();
    assert_eq!(n.mchid(), None);
}

#[test]
fn a_shared_serial_that_no_merchant_decrypts_is_decrypt_failed() {
    let (a, _, _, v) = three();
    let stranger = a.sharing_key(); // signed with the shared key, an APIv3 key nobody has
    let cb = stranger
        .notification(EventKind::Transaction)
        .build()
        .unwrap();
    let e = v.parse(&cb.headers, &cb.body).unwrap_err();
    assert_eq!(e.code(), ErrorCode::DecryptFailed);
    assert!(
        e.message().contains("1900000001") && e.message().contains("1900000003"),
        "{e}"
    );
    for kit in [&a, &stranger] {
        assert!(!e.message().contains(kit.apiv3_key()), "{e}");
    }
}

#[test]
fn an_unknown_serial_lists_the_serials_by_merchant() {
    let (a, b, _, v) = three();
    let other = Kit::new().unwrap();
    let cb = other.notification(EventKind::Transaction).build().unwrap();
    let e = v.parse(&cb.headers, &cb.body).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownSerial);
    let m = e.message();
    assert!(m.contains(&format!("1900000001 {}", a.key_id())), "{m}");
    assert!(m.contains(&format!("1900000002 {}", b.key_id())), "{m}");
    assert!(!m.contains(a.apiv3_key()), "{m}");
}

#[test]
fn configuration_rules() {
    let a = Kit::new().unwrap();
    let b = Kit::new().unwrap();
    let config = |r: wechatpay_notify::Result<Verifier>| r.unwrap_err();
    // One serial names one key: the same id with another key in another merchant.
    let clash = Merchant::new("2", b.apiv3_key()).public_key(a.key_id(), b.key().public_key_pem());
    let e = config(
        Verifier::builder()
            .merchant(a.merchant("1"))
            .merchant(clash)
            .build(),
    );
    assert_eq!(e.code(), ErrorCode::ConfigInvalid);
    assert!(
        e.message().contains("different keys") && e.message().contains("merchant 2"),
        "{e}"
    );
    // Merchants, or the single merchant's keys: not both.
    let e = config(
        Verifier::builder()
            .apiv3_key(a.apiv3_key())
            .merchant(b.merchant("1"))
            .build(),
    );
    assert!(e.message().contains("not both"), "{e}");
    // A merchant id twice, an empty one, a merchant without keys, a serial twice in one merchant.
    let e = config(
        Verifier::builder()
            .merchant(a.merchant("1"))
            .merchant(b.merchant("1"))
            .build(),
    );
    assert!(e.message().contains("twice"), "{e}");
    assert!(Verifier::builder()
        .merchant(a.merchant(" "))
        .build()
        .is_err());
    assert!(Verifier::builder()
        .merchant(Merchant::new("1", a.apiv3_key()))
        .build()
        .is_err());
    let twice = a
        .merchant("1")
        .public_key(a.key_id(), a.key().public_key_pem());
    let e = config(Verifier::builder().merchant(twice).build());
    assert!(e.message().contains("twice"), "{e}");
    // A bad APIv3 key names its merchant, never the key.
    let e = config(
        Verifier::builder()
            .merchant(Merchant::new("77", "short").public_key(a.key_id(), a.key().public_key_pem()))
            .build(),
    );
    assert!(e.message().contains("merchant 77"), "{e}");
    // Certificate downloads need one merchant's key.
    let v = Verifier::builder()
        .merchant(a.merchant("1"))
        .build()
        .unwrap();
    assert_eq!(
        v.decrypt_certificates(b"{}").unwrap_err().code(),
        ErrorCode::ConfigInvalid
    );
}

/// A verifier of `n` merchants, each with its own public-key id (of one shared test key pair)
/// and APIv3 key.
fn many(n: usize, kit: &Kit) -> Verifier {
    let pem = kit.key().public_key_pem();
    let mut builder = Verifier::builder();
    for i in 0..n {
        builder = builder.merchant(
            Merchant::new(format!("19{i:08}"), format!("merchant-apiv3-key-{i:013}"))
                .public_key(format!("PUB_KEY_ID_{i:032}"), pem),
        );
    }
    builder.build().unwrap()
}

#[test]
fn an_unknown_serial_costs_a_bounded_message_and_a_fixed_reply() {
    // Issue 21, 1: a made-up serial made a message (and a reply) listing every merchant.
    let kit = Kit::new().unwrap();
    let v = many(2_000, &kit);
    let cb = kit
        .notification(EventKind::Transaction)
        .failure(wechatpay_notify::testing::Failure::UnknownSerial)
        .build()
        .unwrap();
    let e = v.parse(&cb.headers, &cb.body).unwrap_err();
    assert_eq!(e.code(), ErrorCode::UnknownSerial);
    let m = e.message();
    assert!(m.len() < 1_000, "{} bytes: {m}", m.len());
    assert!(m.contains("1900000000 PUB_KEY_ID_"), "{m}");
    assert!(
        m.contains("and 1997 more merchants (2000 keys in all)"),
        "{m}"
    );
    assert!(!m.contains("1900001999"), "{m}");
    let reply = wechatpay_notify::Reply::failure(&e);
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.body,
        r#"{"code":"FAIL","message":"UNKNOWN_SERIAL: unknown Wechatpay-Serial"}"#
    );
}

#[test]
fn building_is_linear_in_merchants() {
    // Issue 21, 7: 8,000 merchants took 476 ms (each new id compared with every earlier one).
    // The build itself is timed by `benches/merchants.rs`; here, that 8,000 build at all and
    // route by their own serial.
    let kit = Kit::new().unwrap();
    let v = many(8_000, &kit);
    assert_eq!(v.mchids().count(), 8_000);
    assert_eq!(v.key_ids().count(), 8_000);
}

#[test]
fn merchants_sharing_a_serial_and_an_apiv3_key_are_refused() {
    // Issue 21, 2: they cannot be told apart; the first merchant got the other's callbacks.
    let a = Kit::new().unwrap();
    let e = Verifier::builder()
        .merchant(a.merchant("1900000001"))
        .merchant(a.merchant("1900000002"))
        .build()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConfigInvalid);
    assert!(
        e.message().contains("1900000001 and 1900000002")
            && e.message().contains("same APIv3")
            && !e.message().contains(a.apiv3_key()),
        "{e}"
    );
    // The same APIv3 key under different serials is two merchants the serial tells apart.
    let other = Kit::new().unwrap().with_apiv3_key(a.apiv3_key()).unwrap();
    assert!(Verifier::builder()
        .merchant(a.merchant("1900000001"))
        .merchant(other.merchant("1900000002"))
        .build()
        .is_ok());
}

#[test]
fn the_resource_must_name_the_merchant_whose_key_opened_it() {
    // Issue 21, 2: the resource's mchid / sp_mchid / combine_mchid is checked.
    let (a, _, c, v) = three();
    for (kind, field) in [
        (EventKind::Transaction, "mchid"),
        (EventKind::PartnerTransaction, "sp_mchid"),
        (EventKind::CombineTransaction, "combine_mchid"),
        (EventKind::Refund, "mchid"),
    ] {
        // The kit writes its merchant's id: accepted.
        let cb = c.notification(kind).build().unwrap();
        let n = v.parse(&cb.headers, &cb.body).unwrap();
        assert_eq!(n.mchid(), Some("1900000003"));
        // Another merchant's id: refused, naming the field, not the value.
        let cb = c
            .notification(kind)
            .set(field, "1900000009")
            .build()
            .unwrap();
        let e = v.parse(&cb.headers, &cb.body).unwrap_err();
        assert_eq!(e.code(), ErrorCode::MalformedResource, "{kind:?}");
        assert!(e.message().contains(&format!("`{field}`")), "{e}");
        assert!(e.message().contains("1900000003"), "{e}");
        assert!(!e.message().contains("1900000009"), "{e}");
    }
    // null is absent: nothing to check.
    let cb = a
        .notification(EventKind::Transaction)
        .set("mchid", serde_json::Value::Null)
        .build()
        .unwrap();
    assert_eq!(
        v.parse(&cb.headers, &cb.body).unwrap().mchid(),
        Some("1900000001")
    );
    // A single-merchant verifier has no mchid to compare with.
    let cb = a
        .notification(EventKind::Transaction)
        .set("mchid", "1900000009")
        .build()
        .unwrap();
    a.verifier().unwrap().parse(&cb.headers, &cb.body).unwrap();
}

#[test]
fn ids_that_could_never_match_are_refused() {
    // Issue 21, 7: ids differing only in case were merged; BOM, zero-width, control
    // characters, spaces and overlong ids were accepted and never matched.
    let a = Kit::new().unwrap();
    let b = a.sharing_key();
    let pem = a.key().public_key_pem();
    let lower = a
        .key_id()
        .to_ascii_lowercase()
        .replace("pub_key_id_", "PUB_KEY_ID_x");
    let upper = lower.to_ascii_uppercase();
    let e = Verifier::builder()
        .merchant(Merchant::new("1900000001", a.apiv3_key()).public_key(&lower, pem))
        .merchant(Merchant::new("1900000002", b.apiv3_key()).public_key(&upper, pem))
        .build()
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ConfigInvalid);
    assert!(e.message().contains("differ only in case"), "{e}");
    for (mchid, id, shown) in [
        (
            "\u{feff}1900000001",
            a.key_id().to_owned(),
            "\\u{feff}1900000001",
        ),
        ("19000\u{200b}00001", a.key_id().to_owned(), "U+200B"),
        ("1900000001\n", a.key_id().to_owned(), "\\n"),
        (
            "1900000001",
            format!(" {}", a.key_id()),
            "a space) at character 1",
        ),
        ("1900000001", format!("{}\u{0}", a.key_id()), "U+0000"),
        ("1900000001", "P".repeat(65), "65 bytes"),
    ] {
        let e = Verifier::builder()
            .merchant(Merchant::new(mchid, a.apiv3_key()).public_key(id, pem))
            .build()
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::ConfigInvalid);
        assert!(e.message().contains(shown), "{e}");
        assert!(!e.message().contains('\n') && !e.message().contains('\u{feff}'));
    }
    // The single-merchant form checks its public-key ids too.
    let e = Verifier::builder()
        .apiv3_key(a.apiv3_key())
        .public_key(format!("{}\u{200b}", a.key_id()), pem)
        .build()
        .unwrap_err();
    assert!(e.message().contains("U+200B"), "{e}");
}
