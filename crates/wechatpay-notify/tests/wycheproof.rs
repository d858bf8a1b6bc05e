//! Project Wycheproof vectors (tests/vectors/wycheproof/) through the public functions.

mod common;

use base64::Engine as _;
use wechatpay_notify::{decrypt_resource, ErrorCode, RsaPublicKey};

fn unhex(v: &serde_json::Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

#[test]
fn aes_gcm_through_decrypt_resource() {
    let file = common::load_json("wycheproof/aes_gcm_test.json");
    let (mut wechat_sized, mut other_sized) = (0, 0);
    for group in file["testGroups"].as_array().unwrap() {
        let sizes = (
            group["keySize"].as_u64().unwrap(),
            group["ivSize"].as_u64().unwrap(),
            group["tagSize"].as_u64().unwrap(),
        );
        for t in group["tests"].as_array().unwrap() {
            let id = &t["tcId"];
            let (key, iv, aad) = (unhex(&t["key"]), unhex(&t["iv"]), unhex(&t["aad"]));
            let mut sealed = unhex(&t["ct"]);
            sealed.extend(unhex(&t["tag"]));
            let b64 = base64::engine::general_purpose::STANDARD.encode(&sealed);
            let result = decrypt_resource(&key, &iv, &aad, &b64);
            if sizes == (256, 96, 128) {
                wechat_sized += 1;
                match t["result"].as_str().unwrap() {
                    "valid" => assert_eq!(result.unwrap(), unhex(&t["msg"]), "tcId {id}"),
                    "invalid" => {
                        let code = result.unwrap_err().code();
                        assert!(
                            matches!(
                                code,
                                ErrorCode::DecryptFailed | ErrorCode::MalformedResource
                            ),
                            "tcId {id}: {code}"
                        );
                    }
                    other => panic!("tcId {id}: unexpected result {other}"),
                }
            } else {
                other_sized += 1;
                let code = result.expect_err("non-WeChat sizes are refused").code();
                let expected = if sizes.0 != 256 {
                    ErrorCode::ConfigInvalid
                } else if sizes.1 != 96 {
                    ErrorCode::MalformedResource
                } else {
                    ErrorCode::DecryptFailed
                };
                // A short tag may also make the input shorter than 16 bytes.
                assert!(
                    code == expected || code == ErrorCode::MalformedResource,
                    "tcId {id} {sizes:?}: {code}"
                );
            }
        }
    }
    assert_eq!(wechat_sized, 66);
    assert!(other_sized > 0);
}

#[test]
fn rsa_pkcs1_sha256_through_the_signature_check() {
    let file = common::load_json("wycheproof/rsa_signature_2048_sha256_test.json");
    let mut count = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let key = RsaPublicKey::from_pem(group["publicKeyPem"].as_str().unwrap()).unwrap();
        assert_eq!(key.bits(), 2048);
        for t in group["tests"].as_array().unwrap() {
            count += 1;
            let id = &t["tcId"];
            let result = key.verify(&unhex(&t["msg"]), &unhex(&t["sig"]));
            match t["result"].as_str().unwrap() {
                "valid" => assert!(result.is_ok(), "tcId {id}: {result:?}"),
                "invalid" => {
                    let code = result.expect_err("invalid signature accepted").code();
                    assert!(
                        matches!(
                            code,
                            ErrorCode::SignatureMismatch | ErrorCode::MalformedSignature
                        ),
                        "tcId {id}: {code}"
                    );
                }
                "acceptable" => {}
                other => panic!("tcId {id}: unexpected result {other}"),
            }
        }
    }
    assert_eq!(count, 259);
}
