// C++17 use of wechatpay_notify.h: RAII handles, std::string_view over wpn_str, and checks
// that the library links and answers from C++ (shared and static builds).
#include <wechatpay_notify.h>

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
    check(view(wpn_error_message(error.get())).find("public_key") != std::string_view::npos,
          "message says what to add");

    // The reply for that error, and for success.
    wpn_reply *raw_reply = nullptr;
    check(wpn_reply_for_error(error.get(), &raw_reply, nullptr) == WPN_OK, "reply");
    Owned<wpn_reply> reply(raw_reply);
    check(wpn_reply_status(reply.get()) == 500, "config error is 500");
    check(view(wpn_reply_body(reply.get())).rfind("{\"code\":\"FAIL\"", 0) == 0, "FAIL body");
    check(wpn_reply_success(&raw_reply, nullptr) == WPN_OK, "success");
    reply.reset(raw_reply);
    check(wpn_reply_status(reply.get()) == 204 && view(wpn_reply_body(reply.get())).empty(),
          "204");

    // APIv2: a verifier, a FAIL notification, and a wrong key length.
    wpn_v2_verifier *raw_v2 = nullptr;
    check(wpn_v2_verifier_new(bytes(key), key.size(), &raw_v2, nullptr) == WPN_OK, "v2");
    Owned<wpn_v2_verifier> v2(raw_v2);
    std::string_view xml =
        "<xml><return_code><![CDATA[FAIL]]></return_code><return_msg>x</return_msg></xml>";
    wpn_v2_fields *raw_fields = nullptr;
    check(wpn_v2_verifier_parse_payment(v2.get(), bytes(xml), xml.size(), &raw_fields,
                                        nullptr) == WPN_RETURN_FAIL,
          "v2 RETURN_FAIL");
    Owned<wpn_v2_fields> fields(raw_fields);
    check(!fields, "no fields on failure");
    check(wpn_v2_verifier_new(bytes(key), 31, &raw_v2, nullptr) == WPN_CONFIG_INVALID,
          "v2 key length");

    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
