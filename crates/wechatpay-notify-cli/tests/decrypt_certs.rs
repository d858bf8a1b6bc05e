//! `decrypt-certs` on the wechatpay-java SDK's certificate download sample.

mod common;

use common::{run, write};
use wechatpay_notify::PlatformCertificate;

#[test]
fn java_sdk_certificate_download_becomes_pem_files() {
    let java = common::load_json("peers/wechatpay-java.json");
    let dl = &java["certificate_download"];
    let dir = tempfile::tempdir().unwrap();
    let response = write(
        dir.path(),
        "certs.json",
        dl["response_body"].as_str().unwrap(),
    );
    let key = write(dir.path(), "apiv3.key", dl["apiv3_key"].as_str().unwrap());
    let out = dir.path().join("certs");
    let r = run(&[
        "decrypt-certs",
        "--json",
        &response,
        "--apiv3-key-file",
        &key,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let doc = r.json();
    let expected: Vec<&str> = dl["expected_serials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let certs = doc["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), expected.len());
    for serial in expected {
        let path = out.join(format!("{serial}.pem"));
        let pem = std::fs::read_to_string(&path).unwrap();
        let cert = PlatformCertificate::from_pem(&pem).unwrap();
        assert_eq!(cert.serial(), serial);
        assert!(certs.iter().any(|c| c["serial_no"] == serial));
    }
    assert!(doc["signature_verified"].is_null());
    assert!(!r.stdout.contains(dl["apiv3_key"].as_str().unwrap()));

    // The written file works as --certificate: doctor lists its serial among the keys.
    let serial = dl["expected_serials"][0].as_str().unwrap();
    let vectors = common::load_json("notifications.json");
    let case = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "valid_transaction_public_key")
        .unwrap();
    let req = write(
        dir.path(),
        "req.http",
        common::raw_request(&common::case_headers(case), &common::case_body(case), 0),
    );
    let r = run(&[
        "doctor",
        &req,
        "--apiv3-key-file",
        &key,
        "--certificate",
        out.join(format!("{serial}.pem")).to_str().unwrap(),
        "--now",
        "1700000000",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Verdict: UNKNOWN_SERIAL"));
    assert!(
        r.stdout.contains(&format!("certificate serial {serial}")),
        "{}",
        r.stdout
    );

    // A whole raw HTTP response is accepted too; its signature is noted as unchecked.
    let raw = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}",
        dl["response_body"].as_str().unwrap()
    );
    let response = write(dir.path(), "certs.http", raw);
    let out2 = dir.path().join("certs2");
    let r = run(&[
        "decrypt-certs",
        &response,
        "--apiv3-key-file",
        &key,
        "--out",
        out2.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(&format!("{serial}.pem")));
    assert!(r.stdout.contains("not checked"), "{}", r.stdout);
    assert!(out2.join(format!("{serial}.pem")).exists());
}

#[test]
fn a_wrong_key_or_no_key_is_refused() {
    let java = common::load_json("peers/wechatpay-java.json");
    let dl = &java["certificate_download"];
    let dir = tempfile::tempdir().unwrap();
    let response = write(
        dir.path(),
        "certs.json",
        dl["response_body"].as_str().unwrap(),
    );
    let out = dir.path().join("certs");
    let r = run(&[
        "decrypt-certs",
        "--json",
        &response,
        "--apiv3-key",
        "0123456789abcdef0123456789abcdef",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    let doc = r.json();
    assert_eq!(doc["ok"], false);
    assert!(
        doc["error"].as_str().unwrap().contains("DECRYPT_FAILED"),
        "{doc}"
    );
    assert!(!out.exists());
    let r = run(&["decrypt-certs", &response, "--out", out.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("APIv3 key"));
}
