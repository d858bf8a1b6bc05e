package wechatpaynotify

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestConcurrentParse shares one verifier between 16 goroutines, each parsing valid and
// tampered notifications.
func TestConcurrentParse(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	now := time.Now()
	header, body, id := k.notification(t, now)
	tampered := append([]byte(nil), body...)
	tampered[20] ^= 1
	const goroutines, rounds = 16, 250
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				n, err := v.Parse(header, body)
				if err != nil || n.ID != id {
					errs <- err
					return
				}
				if _, err := n.Transaction(); err != nil {
					errs <- err
					return
				}
				if _, err := v.Parse(header, tampered); !errors.Is(err, ErrSignatureMismatch) {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("goroutine failed: %v", err)
	}
}

// TestCloseWhileParsing closes a verifier while goroutines use it: every call either completes
// or returns ErrClosed, and Close is idempotent.
func TestCloseWhileParsing(t *testing.T) {
	k := theKit(t)
	v := k.verifier(t)
	header, body, _ := k.notification(t, time.Now())
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for {
				_, err := v.Parse(header, body)
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("parse: %v", err)
					return
				}
			}
		}()
	}
	close(start)
	time.Sleep(20 * time.Millisecond)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := v.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, err := range []error{
		v.Verify(header, body),
		v.VerifyResponse(header, body),
		func() error { _, err := v.DecryptCertificates([]byte("{}")); return err }(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("after Close: %v", err)
		}
	}
	if v.KeyIDs() != nil {
		t.Fatal("KeyIDs after Close")
	}
}

// TestFinalizerFreesForgottenVerifiers checks that verifiers nobody closed are freed by the
// garbage collector, and that closed ones are freed at once.
func TestFinalizerFreesForgottenVerifiers(t *testing.T) {
	cfg := Config{APIv3Key: testAPIv3Key, PublicKeys: map[string]string{testPubKeyIDB: readKeyFile(t, "test-platform-b.pub.pem")}}
	runtime.GC()
	base := liveHandles.Load()
	for i := 0; i < 100; i++ {
		v, err := NewVerifier(cfg)
		if err != nil {
			t.Fatal(err)
		}
		v2, err := NewV2Verifier(testAPIv3Key)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			v.Close()
			v2.Close()
		}
	}
	if got := liveHandles.Load() - base; got != 100 {
		t.Fatalf("%d live handles before GC, want 100", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for liveHandles.Load() != base && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := liveHandles.Load() - base; got != 0 {
		t.Fatalf("%d handles not freed by finalizers", got)
	}
}
