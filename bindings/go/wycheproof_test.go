package wechatpaynotify

import (
	"encoding/base64"
	"encoding/hex"
	"testing"
)

// Project Wycheproof vectors (tests/vectors/wycheproof/) through the C ABI.

type wycheproofFile struct {
	TestGroups []struct {
		KeySize      int    `json:"keySize"`
		IVSize       int    `json:"ivSize"`
		TagSize      int    `json:"tagSize"`
		PublicKeyPEM string `json:"publicKeyPem"`
		Tests        []struct {
			TcID   int    `json:"tcId"`
			Key    string `json:"key"`
			IV     string `json:"iv"`
			AAD    string `json:"aad"`
			Msg    string `json:"msg"`
			CT     string `json:"ct"`
			Tag    string `json:"tag"`
			Sig    string `json:"sig"`
			Result string `json:"result"`
		} `json:"tests"`
	} `json:"testGroups"`
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWycheproofAESGCMThroughDecryptResource(t *testing.T) {
	var file wycheproofFile
	loadJSON(t, "wycheproof/aes_gcm_test.json", &file)
	wechatSized, otherSized := 0, 0
	for _, g := range file.TestGroups {
		for _, tc := range g.Tests {
			sealed := append(unhex(t, tc.CT), unhex(t, tc.Tag)...)
			plain, err := DecryptResource(string(unhex(t, tc.Key)), string(unhex(t, tc.IV)),
				string(unhex(t, tc.AAD)), base64.StdEncoding.EncodeToString(sealed))
			if g.KeySize == 256 && g.IVSize == 96 && g.TagSize == 128 {
				wechatSized++
				switch tc.Result {
				case "valid":
					if err != nil || string(plain) != string(unhex(t, tc.Msg)) {
						t.Fatalf("tcId %d: %v", tc.TcID, err)
					}
				case "invalid":
					if c := CodeOf(err); c != CodeDecryptFailed && c != CodeMalformedResource {
						t.Fatalf("tcId %d: %v", tc.TcID, err)
					}
				default:
					t.Fatalf("tcId %d: result %s", tc.TcID, tc.Result)
				}
				continue
			}
			otherSized++
			want := CodeDecryptFailed
			if g.KeySize != 256 {
				want = CodeConfigInvalid
			} else if g.IVSize != 96 {
				want = CodeMalformedResource
			}
			// A short tag may also make the input shorter than 16 bytes.
			if c := CodeOf(err); c != want && c != CodeMalformedResource {
				t.Fatalf("tcId %d (%d/%d/%d): %v", tc.TcID, g.KeySize, g.IVSize, g.TagSize, err)
			}
		}
	}
	if wechatSized != 66 || otherSized == 0 {
		t.Fatalf("%d WeChat-sized and %d other cases", wechatSized, otherSized)
	}
}

func TestWycheproofRSAThroughTheSignatureCheck(t *testing.T) {
	var file wycheproofFile
	loadJSON(t, "wycheproof/rsa_signature_2048_sha256_test.json", &file)
	count := 0
	for _, g := range file.TestGroups {
		for _, tc := range g.Tests {
			count++
			err := verifyRSASignature(g.PublicKeyPEM, unhex(t, tc.Msg), unhex(t, tc.Sig))
			switch tc.Result {
			case "valid":
				if err != nil {
					t.Fatalf("tcId %d: %v", tc.TcID, err)
				}
			case "invalid":
				if c := CodeOf(err); c != CodeSignatureMismatch && c != CodeMalformedSignature {
					t.Fatalf("tcId %d: %v", tc.TcID, err)
				}
			case "acceptable":
			default:
				t.Fatalf("tcId %d: result %s", tc.TcID, tc.Result)
			}
		}
	}
	if count != 259 {
		t.Fatalf("%d cases", count)
	}
}
