package main

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	wpn "github.com/wechatpay-notify/wechatpay-notify/bindings/go"
)

// vectorsDir is the repository's shared conformance vectors directory.
var vectorsDir = filepath.Join("..", "..", "..", "tests", "vectors")

// testAPIv3Key is the APIv3 key of the conformance vectors (tests/vectors/keys: throwaway,
// public).
const testAPIv3Key = "wpnTestAPIv3Key0123456789abcdefg"

// vectorFile holds the cases of tests/vectors/notifications.json this module reads.
type vectorFile struct {
	Format int          `json:"format"`
	Cases  []vectorCase `json:"cases"`
}

type vectorCase struct {
	Name    string          `json:"name"`
	Now     int64           `json:"now"`
	Headers [][2]string     `json:"headers"`
	BodyHex string          `json:"body_hex"`
	Expect  json.RawMessage `json:"expect"`
}

func (c *vectorCase) body(t testing.TB) []byte {
	b, err := hex.DecodeString(c.BodyHex)
	if err != nil {
		t.Fatalf("%s: body_hex: %v", c.Name, err)
	}
	return b
}

// header builds an http.Header from the case's ordered pairs, as net/http would.
func (c *vectorCase) header() http.Header {
	h := http.Header{}
	for _, kv := range c.Headers {
		h.Add(kv[0], kv[1])
	}
	return h
}

func (c *vectorCase) now() time.Time { return time.Unix(c.Now, 0) }

// expectedID is the notification id an accepted case expects.
func (c *vectorCase) expectedID(t testing.TB) string {
	var e struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(c.Expect, &e); err != nil {
		t.Fatalf("%s: expect: %v", c.Name, err)
	}
	return e.ID
}

func loadJSON(t testing.TB, rel string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(vectorsDir, rel))
	if err != nil {
		t.Fatalf("cannot read vectors (run from bindings/go/bench in the repository): %v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

func loadVectors(t testing.TB) *vectorFile {
	t.Helper()
	var v vectorFile
	loadJSON(t, "notifications.json", &v)
	if v.Format != 1 {
		t.Fatalf("notifications.json format %d, want 1", v.Format)
	}
	return &v
}

func wantCode(t testing.TB, err error, code wpn.Code) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want %s", code)
	}
	var e *wpn.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if e.Message == "" {
		t.Fatalf("%s has an empty message", code)
	}
}
