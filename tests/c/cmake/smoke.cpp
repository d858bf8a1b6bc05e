// C++17 use of wechatpay_notify.h: RAII handles, std::string_view over wpn_str, and checks
// that the library links and answers from C++ (shared and static builds).
#include <wechatpay_notify.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const char *what) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::fprintf(stderr, "FAIL %s\n", what);
    }
}

std::string_view view(wpn_str s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

// The accessors fill a caller struct (docs/c-abi.md); these return what they wrote.
wpn_str message(const wpn_error *e) {
    wpn_str s{};
    wpn_error_message(e, &s);
    return s;
}

wpn_http_response response(const wpn_reply *r) {
    wpn_http_response out{};
    wpn_reply_response(r, &out);
    return out;
}

const uint8_t *bytes(std::string_view s) { return reinterpret_cast<const uint8_t *>(s.data()); }

struct Free {
    void operator()(wpn_error *p) const { wpn_error_free(p); }
    void operator()(wpn_reply *p) const { wpn_reply_free(p); }
    void operator()(wpn_verifier_builder *p) const { wpn_verifier_builder_free(p); }
    void operator()(wpn_verifier *p) const { wpn_verifier_free(p); }
    void operator()(wpn_v2_verifier *p) const { wpn_v2_verifier_free(p); }
    void operator()(wpn_v2_fields *p) const { wpn_v2_fields_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

}  // namespace

int main() {
    check(std::string_view(wpn_version()).find('.') != std::string_view::npos, "version");
    check(std::string_view(wpn_error_code_name(WPN_DECRYPT_FAILED)) == "DECRYPT_FAILED", "name");
    check(std::string_view(wpn_error_code_name(WPN_INVALID_ARGUMENT)) == "INVALID_ARGUMENT",
          "C-only name");
    check(WPN_SYSTEM_CLOCK == INT64_MIN, "WPN_SYSTEM_CLOCK");

    // A configuration error, with its message, from C++.
    wpn_verifier_builder *raw_builder = nullptr;
    check(wpn_verifier_builder_new(&raw_builder, nullptr) == WPN_OK, "builder");
    Owned<wpn_verifier_builder> builder(raw_builder);
    std::string_view key = "0123456789abcdef0123456789abcdef";
    wpn_verifier_builder_apiv3_key(builder.get(), bytes(key), key.size(), nullptr);
    wpn_verifier *raw_verifier = nullptr;
    wpn_error *raw_error = nullptr;
    wpn_result rc = wpn_verifier_builder_build(builder.get(), &raw_verifier, &raw_error);
    Owned<wpn_verifier> verifier(raw_verifier);
    Owned<wpn_error> error(raw_error);
    check(rc == WPN_CONFIG_INVALID && !verifier, "no keys is CONFIG_INVALID");
    check(view(message(error.get())).find("public_key") != std::string_view::npos,
          "message says what to add");

    // The reply for that error, and for success.
    wpn_reply *raw_reply = nullptr;
    check(wpn_reply_for_error(error.get(), &raw_reply, nullptr) == WPN_OK, "reply");
    Owned<wpn_reply> reply(raw_reply);
    check(response(reply.get()).status == 500, "config error is 500");
    check(view(response(reply.get()).body).rfind("{\"code\":\"FAIL\"", 0) == 0, "FAIL body");
    check(view(response(reply.get()).content_type) == "application/json", "JSON body");
    check(wpn_reply_success(&raw_reply, nullptr) == WPN_OK, "success");
    reply.reset(raw_reply);
    wpn_http_response ok = response(reply.get());
    check(ok.status == 204 && view(ok.body).empty() && ok.content_type.data == nullptr, "204");

    // `now` is an argument of every verifying call; arguments are checked first. The headers
    // go packed: names and values back to back, 2 lengths per header.
    std::string_view header_bytes = "Host" "pay.example.com" "Wechatpay-Nonce" "n";
    const size_t header_lens[] = {4, 15, 15, 1};
    wpn_notification *raw_notification = nullptr;
    wpn_envelope envelope;
    std::memset(&envelope, 0xa5, sizeof envelope);
    check(wpn_verifier_parse(nullptr, bytes(header_bytes), header_bytes.size(), header_lens, 2,
                             nullptr, 0, WPN_SYSTEM_CLOCK, &raw_notification, &envelope,
                             &raw_error) == WPN_NULL_ARGUMENT &&
              raw_notification == nullptr,
          "parse with a NULL verifier");
    check(envelope.id.data == nullptr && envelope.kind.data == nullptr && envelope.timestamp == 0,
          "parse empties the envelope on failure");
    error.reset(raw_error);
    std::memset(&envelope, 0, sizeof envelope);
    check(!wpn_notification_envelope(raw_notification, &envelope) &&
              envelope.id.data == nullptr && envelope.timestamp == 0,
          "no envelope for NULL");

    // APIv2: a verifier, a FAIL notification, and a wrong key length.
    wpn_v2_verifier *raw_v2 = nullptr;
    check(wpn_v2_verifier_new(bytes(key), key.size(), 0, &raw_v2, nullptr) == WPN_OK, "v2");
    Owned<wpn_v2_verifier> v2(raw_v2);
    std::string_view xml =
        "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg>x</return_msg></xml>";
    wpn_v2_fields *raw_fields = nullptr;
    check(wpn_v2_verifier_parse_payment(v2.get(), bytes(xml), xml.size(), &raw_fields,
                                        nullptr) == WPN_RETURN_FAIL,
          "v2 RETURN_FAIL");
    Owned<wpn_v2_fields> fields(raw_fields);
    check(!fields, "no fields on failure");
    check(wpn_v2_verifier_new(bytes(key), 31, 0, &raw_v2, nullptr) == WPN_CONFIG_INVALID,
          "v2 key length");

    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
