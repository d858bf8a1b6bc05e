/* Project Wycheproof AES-GCM and RSA PKCS#1 v1.5 SHA-256 vectors through the C API. */
#include "harness.h"

#include <stdlib.h>

static void aes_gcm(void) {
    json_t *file = load_vectors("wycheproof/aes_gcm_test.json");
    size_t g, t, wechat_sized = 0, other_sized = 0;
    json_t *group, *test;
    json_array_foreach(json_object_get(file, "testGroups"), g, group) {
        json_int_t key_size = json_integer_value(json_object_get(group, "keySize"));
        json_int_t iv_size = json_integer_value(json_object_get(group, "ivSize"));
        json_int_t tag_size = json_integer_value(json_object_get(group, "tagSize"));
        json_array_foreach(json_object_get(group, "tests"), t, test) {
            char ctx[64];
            snprintf(ctx, sizeof ctx, "aes-gcm tcId %lld",
                     (long long)json_integer_value(json_object_get(test, "tcId")));
            bytes_t key = hex_decode(jstr(test, "key", NULL));
            bytes_t iv = hex_decode(jstr(test, "iv", NULL));
            bytes_t aad = hex_decode(jstr(test, "aad", NULL));
            bytes_t ct = hex_decode(jstr(test, "ct", NULL));
            bytes_t tag = hex_decode(jstr(test, "tag", NULL));
            bytes_t msg = hex_decode(jstr(test, "msg", NULL));
            uint8_t *sealed = malloc(ct.len + tag.len + 1);
            memcpy(sealed, ct.data, ct.len);
            memcpy(sealed + ct.len, tag.data, tag.len);
            bytes_t b64 = base64_encode(sealed, ct.len + tag.len);
            wpn_buffer *plain = NULL;
            wpn_result rc = wpn_decrypt_resource(key.data, key.len, iv.data, iv.len, aad.data,
                                                 aad.len, b64.data, b64.len, &plain, NULL);
            const char *result = jstr(test, "result", NULL);
            if (key_size == 256 && iv_size == 96 && tag_size == 128) {
                wechat_sized++;
                if (strcmp(result, "valid") == 0) {
                    wpn_slice p = wpn_buffer_data(plain);
                    CHECK(rc == WPN_OK && p.data != NULL && p.len == msg.len &&
                              memcmp(p.data, msg.data, msg.len) == 0,
                          ctx);
                } else {
                    CHECK(rc == WPN_DECRYPT_FAILED || rc == WPN_MALFORMED_RESOURCE, ctx);
                    CHECK(plain == NULL, ctx);
                }
            } else {
                other_sized++;
                wpn_result expected = key_size != 256  ? WPN_CONFIG_INVALID
                                      : iv_size != 96 ? WPN_MALFORMED_RESOURCE
                                                      : WPN_DECRYPT_FAILED;
                CHECK(rc == expected || rc == WPN_MALFORMED_RESOURCE, ctx);
            }
            wpn_buffer_free(plain);
            free(sealed);
            bytes_free(&b64);
            bytes_free(&key);
            bytes_free(&iv);
            bytes_free(&aad);
            bytes_free(&ct);
            bytes_free(&tag);
            bytes_free(&msg);
        }
    }
    CHECK(wechat_sized == 66, "aes-gcm WeChat-sized cases");
    CHECK(other_sized > 0, "aes-gcm other sizes");
    json_decref(file);
}

static void rsa_signatures(void) {
    json_t *file = load_vectors("wycheproof/rsa_signature_2048_sha256_test.json");
    size_t g, t, count = 0;
    json_t *group, *test;
    json_array_foreach(json_object_get(file, "testGroups"), g, group) {
        size_t pem_len;
        const char *pem = jstr(group, "publicKeyPem", &pem_len);
        json_array_foreach(json_object_get(group, "tests"), t, test) {
            char ctx[64];
            snprintf(ctx, sizeof ctx, "rsa tcId %lld",
                     (long long)json_integer_value(json_object_get(test, "tcId")));
            count++;
            bytes_t msg = hex_decode(jstr(test, "msg", NULL));
            bytes_t sig = hex_decode(jstr(test, "sig", NULL));
            wpn_error *err = NULL;
            wpn_result rc = wpn_verify_rsa_signature((const uint8_t *)pem, pem_len, msg.data,
                                                     msg.len, sig.data, sig.len, &err);
            const char *result = jstr(test, "result", NULL);
            if (strcmp(result, "valid") == 0) {
                CHECK(rc == WPN_OK && err == NULL, ctx);
            } else if (strcmp(result, "invalid") == 0) {
                CHECK(rc == WPN_SIGNATURE_MISMATCH || rc == WPN_MALFORMED_SIGNATURE, ctx);
                CHECK(wpn_error_code(err) == rc, ctx);
            }
            wpn_error_free(err);
            bytes_free(&msg);
            bytes_free(&sig);
        }
    }
    CHECK(count == 259, "rsa case count");
    /* A key that does not parse is a configuration error. */
    CHECK(wpn_verify_rsa_signature((const uint8_t *)"nope", 4, NULL, 0, NULL, 0, NULL) ==
              WPN_CONFIG_INVALID,
          "rsa bad key");
    json_decref(file);
}

void suite_wycheproof(void) {
    aes_gcm();
    rsa_signatures();
}
