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
