/* The official SDKs' samples (tests/vectors/peers/) through the C API. */
#include "harness.h"

#include <stdlib.h>

static const char PLACEHOLDER_APIV3_KEY[] = "0000000000000000placeholder00000";

static void go_sdk_notification(void) {
    json_t *go = load_vectors("peers/wechatpay-go-notify.json");
    headers_t h = headers_from_json(json_object_get(go, "headers"));
    size_t body_len, pem_len;
    const char *body = jstr(go, "body", &body_len);
    const char *pem = jstr(go, "platform_certificate_pem", &pem_len);
    int64_t now = json_integer_value(json_object_get(go, "now"));

    wpn_verifier_builder *b = NULL;
    wpn_verifier *v = NULL;
    CHECK(wpn_verifier_builder_new(&b, NULL) == WPN_OK, "go");
    CHECK(wpn_verifier_builder_apiv3_key(b, (const uint8_t *)PLACEHOLDER_APIV3_KEY, 32, NULL) ==
              WPN_OK,
          "go");
    CHECK(wpn_verifier_builder_platform_certificate(b, (const uint8_t *)pem, pem_len, NULL) ==
              WPN_OK,
          "go");
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "go");
    CHECK(wpn_verifier_key_count(v) == 1, "go");
    wpn_str id = {NULL, 0};
    CHECK(wpn_verifier_key_id(v, 0, &id) && str_eq(id, "D7CE59D1F522D701", 16), "go");
    id.data = "x";
    CHECK(!wpn_verifier_key_id(v, 1, &id) && id.data == NULL && id.len == 0,
          "go key out of range");

    const uint8_t *bytes = (const uint8_t *)body;
    CHECK(wpn_verifier_verify(v, HEADERS(h), bytes, body_len, now, NULL) == WPN_OK, "go");
    /* The same scheme signs API responses. */
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), bytes, body_len, now, NULL) == WPN_OK,
          "go response");
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), NULL, 0, now, NULL) ==
              WPN_SIGNATURE_MISMATCH,
          "go response empty body");
    /* By the system clock the 2021 timestamp is far outside the allowed skew. */
    CHECK(wpn_verifier_verify(v, HEADERS(h), bytes, body_len, WPN_SYSTEM_CLOCK, NULL) ==
              WPN_TIMESTAMP_SKEW,
          "go verify now");
    CHECK(wpn_verifier_verify_response(v, HEADERS(h), bytes, body_len, WPN_SYSTEM_CLOCK,
                                       NULL) == WPN_TIMESTAMP_SKEW,
          "go response now");

    uint8_t *altered = malloc(body_len);
    memcpy(altered, body, body_len);
    altered[10] ^= 1;
    CHECK(wpn_verifier_verify(v, HEADERS(h), altered, body_len, now, NULL) ==
              WPN_SIGNATURE_MISMATCH,
          "go altered");
    free(altered);

    /* Verified, but the placeholder key cannot decrypt it. */
    wpn_notification *n = NULL;
    wpn_error *err = NULL;
    wpn_envelope e;
    memset(&e, 0xa5, sizeof e);
    CHECK(wpn_verifier_parse(v, HEADERS(h), bytes, body_len, now, &n, &e, &err) ==
              WPN_DECRYPT_FAILED,
          "go decrypt");
    CHECK(envelope_is_empty(&e), "go decrypt: no envelope");
    wpn_str m = message_of(err);
    CHECK(m.len > 0 && memmem(m.data, m.len, "APIv3", 5) != NULL, "go decrypt message");
    CHECK(n == NULL, "go decrypt");
    wpn_error_free(err);
    err = NULL;

    /* The SDK's 16-byte resource key is a configuration error, never logged. */
    size_t key_len;
    const char *key16 = jstr(go, "apiv3_key_16_bytes", &key_len);
    CHECK(key_len == 16, "go key16");
    CHECK(wpn_verifier_builder_apiv3_key(b, (const uint8_t *)key16, key_len, NULL) == WPN_OK,
          "go key16");
    wpn_verifier *v16 = NULL;
    CHECK(wpn_verifier_builder_build(b, &v16, &err) == WPN_CONFIG_INVALID && v16 == NULL,
          "go key16");
    m = message_of(err);
    CHECK(memmem(m.data, m.len, key16, key_len) == NULL, "go key16 not in message");
    CHECK(memmem(m.data, m.len, "AES-128", 7) != NULL, "go key16 hint");
    wpn_error_free(err);
    err = NULL;

    json_error_t jerr;
    json_t *parsed = json_loadb(body, body_len, 0, &jerr);
    json_t *r = json_object_get(parsed, "resource");
    size_t nl, al, cl;
    const char *nonce = jstr(r, "nonce", &nl), *aad = jstr(r, "associated_data", &al),
               *ct = jstr(r, "ciphertext", &cl);
    wpn_buffer *plain = NULL;
    CHECK(wpn_decrypt_resource((const uint8_t *)key16, key_len, (const uint8_t *)nonce, nl,
                               (const uint8_t *)aad, al, (const uint8_t *)ct, cl, &plain,
                               NULL) == WPN_CONFIG_INVALID,
          "go decrypt_resource key16");
    CHECK(plain == NULL, "go decrypt_resource key16");
    CHECK(wpn_decrypt_resource((const uint8_t *)PLACEHOLDER_APIV3_KEY, 32,
                               (const uint8_t *)nonce, nl, (const uint8_t *)aad, al,
                               (const uint8_t *)ct, cl, &plain, NULL) == WPN_DECRYPT_FAILED,
          "go decrypt_resource wrong key");
    json_decref(parsed);

    wpn_verifier_free(v);
    wpn_verifier_builder_free(b);
    headers_free(&h);
    json_decref(go);
}

static void java_sdk_certificates(void) {
    json_t *java = load_vectors("peers/wechatpay-java.json");
    const json_t *dl = json_object_get(java, "certificate_download");
    size_t key_len, body_len;
    const char *key = jstr(dl, "apiv3_key", &key_len);
    const char *body = jstr(dl, "response_body", &body_len);
    const char *serial = json_string_value(json_array_get(json_object_get(dl, "expected_serials"), 0));

    wpn_certificates *certs = NULL;
    CHECK(wpn_decrypt_certificates((const uint8_t *)key, key_len, (const uint8_t *)body, body_len,
                                   &certs, NULL) == WPN_OK,
          "java certs");
    CHECK(wpn_certificates_len(certs) == 1, "java certs");
    wpn_certificate c;
    memset(&c, 0, sizeof c);
    CHECK(wpn_certificates_get(certs, 0, &c), "java certs get");
    CHECK(str_eq(c.serial_no, serial, strlen(serial)), "java serial");
    CHECK(str_eq(c.serial_no, "5DEA10EF55877E3CF6C33255C2E7DEFFF7E427EC", 40), "java serial");
    CHECK(c.not_before > 0 && c.not_before < c.not_after, "java validity");
    CHECK(c.pem.len > 27 && memcmp(c.pem.data, "-----BEGIN CERTIFICATE-----", 27) == 0, "java pem");
    CHECK(str_eq(c.effective_time, "2023-09-19T23:15:58+08:00", 25), "java effective_time");
    CHECK(c.expire_time.len > 0, "java expire_time");
    wpn_certificate none = c;
    CHECK(!wpn_certificates_get(certs, 1, &none), "java out of range");
    CHECK(none.serial_no.data == NULL && none.pem.data == NULL && none.not_after == 0,
          "java out of range");

    /* The decrypted PEM configures a verifier, which decrypts the same response. */
    wpn_verifier_builder *b = NULL;
    wpn_verifier *v = NULL;
    wpn_verifier_builder_new(&b, NULL);
    wpn_verifier_builder_apiv3_key(b, (const uint8_t *)key, key_len, NULL);
    wpn_verifier_builder_platform_certificate(b, (const uint8_t *)c.pem.data, c.pem.len, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "java verifier");
    CHECK(str_eq(key_id_of(v, 0), serial, strlen(serial)), "java verifier");
    wpn_certificates *again = NULL;
    CHECK(wpn_verifier_decrypt_certificates(v, (const uint8_t *)body, body_len, &again, NULL) ==
              WPN_OK,
          "java verifier decrypt");
    CHECK(wpn_certificates_len(again) == 1 &&
              str_eq(certificate_of(again, 0).pem, c.pem.data, c.pem.len),
          "java verifier decrypt");
    wpn_certificates_free(again);
    wpn_verifier_free(v);
    wpn_verifier_builder_free(b);

    /* A wrong key: DECRYPT_FAILED; a wrong shape: MALFORMED_BODY. */
    wpn_certificates *none_out = NULL;
    CHECK(wpn_decrypt_certificates((const uint8_t *)PLACEHOLDER_APIV3_KEY, 32,
                                   (const uint8_t *)body, body_len, &none_out,
                                   NULL) == WPN_DECRYPT_FAILED,
          "java wrong key");
    CHECK(wpn_decrypt_certificates((const uint8_t *)key, key_len, (const uint8_t *)"[]", 2,
                                   &none_out, NULL) == WPN_MALFORMED_BODY,
          "java bad body");
    CHECK(none_out == NULL, "java out NULL");
    wpn_certificates_free(certs);

    /* The SDK's test key pair: as certificate and as public key, under their serial / id. */
    const json_t *kp = json_object_get(java, "wechat_pay_keypair");
    size_t cert_len, pub_len;
    const char *cert = jstr(kp, "certificate_pem", &cert_len);
    const char *pub = jstr(kp, "public_key_pem", &pub_len);
    const char *id = "PUB_KEY_ID_0114232134912410000000000042";
    wpn_verifier_builder_new(&b, NULL);
    wpn_verifier_builder_apiv3_key(b, (const uint8_t *)PLACEHOLDER_APIV3_KEY, 32, NULL);
    wpn_verifier_builder_platform_certificate(b, (const uint8_t *)cert, cert_len, NULL);
    wpn_verifier_builder_public_key(b, (const uint8_t *)id, strlen(id), (const uint8_t *)pub,
                                    pub_len, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_OK, "java keypair");
    CHECK(wpn_verifier_key_count(v) == 2, "java keypair");
    CHECK(str_eq(key_id_of(v, 0), id, strlen(id)), "java keypair id");
    CHECK(str_eq(key_id_of(v, 1), "440024045C4A427599D09BB4E3DE0279F2E813FD", 40),
          "java keypair serial");
    wpn_verifier_free(v);
    /* The same serial twice is a configuration error. */
    wpn_verifier_builder_platform_certificate(b, (const uint8_t *)cert, cert_len, NULL);
    CHECK(wpn_verifier_builder_build(b, &v, NULL) == WPN_CONFIG_INVALID && v == NULL,
          "java duplicate serial");
    wpn_verifier_builder_free(b);
    json_decref(java);
}

void suite_peers(void) {
    go_sdk_notification();
    java_sdk_certificates();
}
