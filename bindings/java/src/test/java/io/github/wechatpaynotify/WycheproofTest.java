package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Project Wycheproof vectors (tests/vectors/wycheproof/) through the binding. */
class WycheproofTest {

    @Test
    void aesGcmThroughDecryptResource() {
        JsonNode file = TestData.load("wycheproof/aes_gcm_test.json");
        int wechatSized = 0;
        int otherSized = 0;
        for (JsonNode group : file.get("testGroups")) {
            int keySize = group.get("keySize").asInt();
            int ivSize = group.get("ivSize").asInt();
            int tagSize = group.get("tagSize").asInt();
            for (JsonNode t : group.get("tests")) {
                String id = "tcId " + t.get("tcId").asInt();
                byte[] key = TestData.hex(t.get("key").asText());
                byte[] iv = TestData.hex(t.get("iv").asText());
                byte[] aad = TestData.hex(t.get("aad").asText());
                byte[] ct = TestData.hex(t.get("ct").asText());
                byte[] tag = TestData.hex(t.get("tag").asText());
                byte[] sealed = new byte[ct.length + tag.length];
                System.arraycopy(ct, 0, sealed, 0, ct.length);
                System.arraycopy(tag, 0, sealed, ct.length, tag.length);
                byte[] b64 = Base64.getEncoder().encode(sealed);
                byte[] plain = null;
                ErrorCode code = null;
                try {
                    plain = WechatpayNotify.decryptResource(key, iv, aad, b64);
                } catch (NotificationException e) {
                    code = e.code();
                }
                if (keySize == 256 && ivSize == 96 && tagSize == 128) {
                    wechatSized++;
                    String result = t.get("result").asText();
                    if (result.equals("valid")) {
                        assertArrayEquals(TestData.hex(t.get("msg").asText()), plain, id);
                    } else if (result.equals("invalid")) {
                        assertTrue(code == ErrorCode.DECRYPT_FAILED || code == ErrorCode.MALFORMED_RESOURCE, id + ": " + code);
                    } else {
                        fail(id + ": unexpected result " + result);
                    }
                } else {
                    otherSized++;
                    ErrorCode expected = keySize != 256
                            ? ErrorCode.CONFIG_INVALID
                            : ivSize != 96 ? ErrorCode.MALFORMED_RESOURCE : ErrorCode.DECRYPT_FAILED;
                    assertTrue(code == expected || code == ErrorCode.MALFORMED_RESOURCE, id + ": " + code);
                }
            }
        }
        assertTrue(wechatSized > 20, "WeChat-sized cases: " + wechatSized);
        assertTrue(otherSized > 20, "other cases: " + otherSized);
    }

    /** RSA PKCS#1 v1.5 SHA-256 through the C ABI's one-shot signature check (the same seam as callbacks). */
    @Test
    void rsaPkcs1Sha256ThroughTheSignatureCheck() {
        JsonNode file = TestData.load("wycheproof/rsa_signature_2048_sha256_test.json");
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : file.get("testGroups")) {
            byte[] pem = group.get("publicKeyPem").asText().getBytes(StandardCharsets.UTF_8);
            // Every group's key configures a verifier.
            Verifier.builder().apiV3Key(TestData.APIV3_KEY).publicKey("PUB_KEY_ID_WYCHEPROOF", pem).build().close();
            for (JsonNode t : group.get("tests")) {
                String id = "tcId " + t.get("tcId").asInt();
                byte[] msg = TestData.hex(t.get("msg").asText());
                byte[] sig = TestData.hex(t.get("sig").asText());
                long[] err = new long[1];
                int r = Lib.wpn_verify_rsa_signature(pem, pem.length, msg, msg.length, sig, sig.length, err);
                ErrorCode code = null;
                if (r != Errors.OK) {
                    NotificationException e = (NotificationException) Errors.exception(r, err[0]);
                    code = e.code();
                }
                switch (t.get("result").asText()) {
                    case "valid":
                        assertEquals(null, code, id);
                        valid++;
                        break;
                    case "invalid":
                        assertTrue(code == ErrorCode.SIGNATURE_MISMATCH || code == ErrorCode.MALFORMED_SIGNATURE,
                                id + ": " + code);
                        invalid++;
                        break;
                    default:
                        // "acceptable": either outcome, but never an internal error.
                        assertTrue(code == null || code == ErrorCode.SIGNATURE_MISMATCH
                                || code == ErrorCode.MALFORMED_SIGNATURE, id + ": " + code);
                }
            }
        }
        assertTrue(valid > 0 && invalid > 100, valid + " valid, " + invalid + " invalid");
    }
}
