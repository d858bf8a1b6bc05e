package io.github.wechatpaynotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.wechatpaynotify.events.EventKind;
import io.github.wechatpaynotify.testing.Kit;
import io.github.wechatpaynotify.testing.TestCallback;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many merchants behind one notify_url (docs/merchants.md): {@link Merchant}, {@link
 * Verifier.Builder#merchant(Merchant)}, {@link Notification#mchid()} and {@link
 * Kit#merchant(String)}, with a kit per merchant.
 */
class MerchantsTest {
    private static Kit a;
    private static Kit b;
    private static Kit other;

    @BeforeAll
    static void kits() {
        a = Kit.create();
        b = Kit.withCertificate();
        other = Kit.create();
    }

    @AfterAll
    static void close() {
        a.close();
        b.close();
        other.close();
    }

    private static TestCallback paid(Kit kit) {
        return kit.notification(EventKind.TRANSACTION).build();
    }

    private static ConfigException refused(Verifier.Builder builder) {
        return assertThrows(ConfigException.class, () -> builder.build().close());
    }

    @Test
    void eachCallbackNamesItsMerchant() {
        try (Verifier v = Verifier.builder().merchant(a.merchant("1900000001")).merchant(b.merchant("1900000002"))
                .build()) {
            assertEquals(List.of("1900000001", "1900000002"), v.mchids());
            assertEquals(List.of(a.keyId(), b.keyId()), v.keyIds());
            assertTrue(v.toString().contains("merchants=[1900000001, 1900000002]"), v.toString());
            for (int round = 0; round < 2; round++) {
                for (Kit kit : List.of(a, b)) {
                    TestCallback cb = paid(kit);
                    Notification n = v.parse(cb.headers(), cb.body());
                    String mchid = kit == a ? "1900000001" : "1900000002";
                    assertEquals(Optional.of(mchid), n.mchid());
                    assertEquals(kit.keyId(), n.serial());
                    assertEquals(cb.id(), n.id());
                    assertEquals(EventKind.TRANSACTION, n.kind());
                    n.transaction();
                    assertTrue(n.toString().contains("mchid=" + mchid), n.toString());
                    v.verify(cb.headers(), cb.body());
                }
            }
        }
        // A single-merchant verifier names none.
        TestCallback cb = paid(a);
        try (Verifier single = a.verifier(); Verifier built = a.verifierBuilder().build()) {
            for (Verifier v : List.of(single, built)) {
                Notification n = v.parse(cb.headers(), cb.body());
                assertEquals(Optional.empty(), n.mchid());
                assertFalse(n.toString().contains("mchid="), n.toString());
                assertEquals(List.of(), v.mchids());
            }
        }
    }

    @Test
    void merchantsSharingAKeyAreTriedInOrder() {
        // Merchant 1 has a's public key under a's id, with another APIv3 key: a's callbacks are
        // merchant 3's, whose APIv3 key opens them.
        Merchant stranger = Merchant.builder("1900000001", other.apiV3Key())
                .publicKey(a.keyId(), a.publicKeyPem())
                .build();
        try (Verifier v = Verifier.builder()
                .merchant(stranger)
                .merchant(b.merchant("1900000002"))
                .merchant(a.merchant("1900000003"))
                .build()) {
            assertEquals(List.of(a.keyId(), b.keyId()), v.keyIds());
            TestCallback cb = paid(a);
            assertEquals(Optional.of("1900000003"), v.parse(cb.headers(), cb.body()).mchid());
        }
        // When no merchant of the shared key opens it: DECRYPT_FAILED naming the merchants tried.
        Merchant stranger2 = Merchant.builder("1900000004", b.apiV3Key())
                .publicKey(a.keyId(), a.publicKeyPem().getBytes(StandardCharsets.UTF_8))
                .build();
        try (Verifier v = Verifier.builder().merchant(stranger).merchant(stranger2).build()) {
            TestCallback cb = paid(a);
            NotificationException e = assertThrows(NotificationException.class, () -> v.parse(cb.headers(), cb.body()));
            assertEquals(ErrorCode.DECRYPT_FAILED, e.code());
            assertTrue(e.getMessage().contains("1900000001") && e.getMessage().contains("1900000004"), e.getMessage());
            for (Kit kit : List.of(a, b, other)) {
                assertFalse(e.getMessage().contains(kit.apiV3Key()), "a key in the message");
            }
            // Authenticity is fine: verify() does not decrypt.
            v.verify(cb.headers(), cb.body());
        }
    }

    @Test
    void anUnknownSerialListsTheSerialsByMerchant() {
        try (Verifier v = Verifier.builder().merchant(a.merchant("1900000001")).merchant(b.merchant("1900000002"))
                .build()) {
            TestCallback cb = paid(other);
            NotificationException e = assertThrows(NotificationException.class, () -> v.parse(cb.headers(), cb.body()));
            assertEquals(ErrorCode.UNKNOWN_SERIAL, e.code());
            String m = e.getMessage();
            assertTrue(m.contains("1900000001 " + a.keyId()), m);
            assertTrue(m.contains("1900000002 " + b.keyId()), m);
            assertTrue(m.contains(other.keyId()), m);
            for (Kit kit : List.of(a, b, other)) {
                assertFalse(m.contains(kit.apiV3Key()), "a key in the message");
            }
            NotificationException viaVerify =
                    assertThrows(NotificationException.class, () -> v.verify(cb.headers(), cb.body()));
            assertEquals(ErrorCode.UNKNOWN_SERIAL, viaVerify.code());
        }
    }

    @Test
    void oneSerialWithDifferentKeysInTwoMerchantsIsRefused() {
        Merchant clash = Merchant.builder("2", other.apiV3Key()).publicKey(a.keyId(), other.publicKeyPem()).build();
        ConfigException e = refused(Verifier.builder().merchant(a.merchant("1")).merchant(clash));
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains("different keys") && e.getMessage().contains("merchant 2"), e.getMessage());
        assertTrue(e.getMessage().contains(a.keyId()), e.getMessage());
        assertFalse(e.getMessage().contains(other.apiV3Key()), e.getMessage());
    }

    @Test
    void merchantsAndTheSingleMerchantSettingsDoNotMix() {
        Merchant m = b.merchant("1900000002");
        for (Verifier.Builder mixed : List.of(
                Verifier.builder().apiV3Key(a.apiV3Key()).merchant(m),
                Verifier.builder().merchant(m).apiV3Key(a.apiV3Key()),
                Verifier.builder().publicKey(a.keyId(), a.publicKeyPem()).merchant(m),
                Verifier.builder().merchant(m).platformCertificate(b.certificatePem().get()),
                a.verifierBuilder().merchant(m))) {
            ConfigException e = refused(mixed);
            assertTrue(e.getMessage().contains("not both"), e.getMessage());
            assertFalse(e.getMessage().contains(a.apiV3Key()) || e.getMessage().contains(b.apiV3Key()), "a key");
        }
        // Settings that are not keys mix with merchants.
        try (Verifier v = Verifier.builder()
                .maxBodySize(4096)
                .merchant(m)
                .maxClockSkew(java.time.Duration.ofSeconds(60))
                .build()) {
            assertEquals(4096, v.maxBodySize());
            assertEquals(60, v.maxClockSkew().getSeconds());
        }
    }

    @Test
    void eachMerchantIsChecked() {
        // The same mchid twice.
        ConfigException e = refused(Verifier.builder().merchant(a.merchant("1")).merchant(b.merchant("1")));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        // An empty mchid.
        refused(Verifier.builder().merchant(a.merchant(" ")));
        refused(Verifier.builder().merchant(a.merchant("")));
        // A merchant without a key.
        refused(Verifier.builder().merchant(Merchant.builder("1", a.apiV3Key()).build()));
        // A serial twice for one merchant.
        Merchant twice = Merchant.builder("1", a.apiV3Key())
                .publicKey(a.keyId(), a.publicKeyPem())
                .publicKey(a.keyId(), a.publicKeyPem())
                .build();
        e = refused(Verifier.builder().merchant(twice));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        // A bad APIv3 key names its merchant, never the key.
        e = refused(Verifier.builder()
                .merchant(Merchant.builder("77", "short-key").publicKey(a.keyId(), a.publicKeyPem()).build()));
        assertTrue(e.getMessage().contains("merchant 77"), e.getMessage());
        assertFalse(e.getMessage().contains("short-key"), e.getMessage());
        // A PEM that does not parse.
        refused(Verifier.builder()
                .merchant(Merchant.builder("1", a.apiV3Key()).platformCertificate("not a certificate").build()));
    }

    @Test
    void certificateDownloadsNeedOneMerchantsKey() {
        try (Verifier v = Verifier.builder().merchant(a.merchant("1")).build()) {
            ConfigException e = assertThrows(
                    ConfigException.class, () -> v.decryptCertificates("{}".getBytes(StandardCharsets.UTF_8)));
            assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        }
    }

    @Test
    void merchantIsAnImmutableSnapshotThatHidesItsKey() {
        Merchant.Builder builder = Merchant.builder("1900000001", a.apiV3Key()).publicKey(a.keyId(), a.publicKeyPem());
        Merchant first = builder.build();
        builder.platformCertificate(b.certificatePem().get());
        Merchant second = builder.build();
        assertEquals("1900000001", first.mchid());
        assertEquals(List.of(a.keyId()), first.publicKeyIds());
        assertEquals(0, first.certificateCount());
        assertEquals(1, second.certificateCount());
        assertThrows(UnsupportedOperationException.class, () -> first.publicKeyIds().add("x"));
        for (String s : List.of(first.toString(), builder.toString(), Verifier.builder().merchant(first).toString())) {
            assertFalse(s.contains(a.apiV3Key()), s);
            assertTrue(s.contains("1900000001"), s);
        }
        // A key array changed after it was given changes nothing.
        byte[] key = a.apiV3Key().getBytes(StandardCharsets.UTF_8);
        Merchant.Builder fromBytes = Merchant.builder("1900000001", key).publicKey(a.keyId(), a.publicKeyPem());
        key[0] ^= 1;
        Merchant m = fromBytes.build();
        // The kit's callbacks name the merchant it was configured as last: 1900000001 here.
        a.merchant("1900000001");
        try (Verifier v = Verifier.builder().merchant(m).build()) {
            TestCallback cb = paid(a);
            assertEquals(Optional.of("1900000001"), v.parse(cb.headers(), cb.body()).mchid());
        }
        assertThrows(NullPointerException.class, () -> Merchant.builder(null, a.apiV3Key()));
        assertThrows(NullPointerException.class, () -> Merchant.builder("1", (String) null));
        assertThrows(NullPointerException.class, () -> Verifier.builder().merchant(null));
    }

    @Test
    void aKitMerchantUsesTheKitsKeys() {
        Merchant pub = a.merchant("1900000001");
        assertEquals("1900000001", pub.mchid());
        assertEquals(List.of(a.keyId()), pub.publicKeyIds());
        assertEquals(0, pub.certificateCount());
        Merchant cert = b.merchant("1900000002");
        assertEquals(List.of(), cert.publicKeyIds());
        assertEquals(1, cert.certificateCount());
    }
}
