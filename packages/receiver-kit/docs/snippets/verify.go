// Verify Hookline webhook deliveries in Go 1.14+ (standard library only; ed25519 is crypto/ed25519).
//
// Every Verify* function takes the request's headers (r.Header) and the raw body exactly as received
// (io.ReadAll(r.Body), before any JSON decoding). It returns nil for a valid delivery, else a *WebhookError
// whose Code is the TypeScript receiver kit's: missing_headers, invalid_signature, timestamp_out_of_tolerance.
//
// `go run verify.go [vectors.json]` checks every test vector.
package main

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const ToleranceSeconds = 300

type WebhookError struct{ Code, Message string }

func (e *WebhookError) Error() string { return e.Code + ": " + e.Message }

// HMACKey: a whsec_ secret is base64 after its prefix; any other secret (a channel token) is its UTF-8 bytes.
func HMACKey(secret string) ([]byte, error) {
	if strings.HasPrefix(secret, "whsec_") {
		return base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	}
	return []byte(secret), nil
}

// VerifyHMACV1 checks Standard Webhooks "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries.
func VerifyHMACV1(secret string, header http.Header, body []byte, now time.Time) error {
	id, timestamp, err := standardHeaders(header, now)
	if err != nil {
		return err
	}
	key, err := HMACKey(secret)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	expected := mac.Sum(nil)
	for _, signature := range signatures(header, "v1") {
		if hmac.Equal(expected, signature) {
			return nil
		}
	}
	return &WebhookError{"invalid_signature", "no v1 signature matches"}
}

// VerifyEd25519V1a checks Standard Webhooks "v1a,<base64 ed25519 signature of id.timestamp.body>" entries
// with the subscription's public key "whpk_<base64 of 32 bytes>".
func VerifyEd25519V1a(publicKey string, header http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(publicKey, "whpk_"))
	if !strings.HasPrefix(publicKey, "whpk_") || err != nil || len(key) != ed25519.PublicKeySize {
		return errors.New("an ed25519 public key is whpk_ + base64 of 32 bytes")
	}
	id, timestamp, err := standardHeaders(header, now)
	if err != nil {
		return err
	}
	content := append([]byte(id+"."+timestamp+"."), body...)
	for _, signature := range signatures(header, "v1a") {
		if len(signature) == ed25519.SignatureSize && ed25519.Verify(ed25519.PublicKey(key), content, signature) {
			return nil
		}
	}
	return &WebhookError{"invalid_signature", "no v1a signature matches"}
}

var bodySignaturePattern = regexp.MustCompile(`^sha256=([0-9a-fA-F]{64})$`)

// VerifyBodyHMAC checks X-Webhook-Signature: "sha256=<hex HMAC-SHA256 of the body>". It has no timestamp,
// so a captured delivery can be replayed: prefer VerifyHMACV1.
func VerifyBodyHMAC(secret string, header http.Header, body []byte) error {
	value := strings.TrimSpace(header.Get("X-Webhook-Signature"))
	if value == "" {
		return &WebhookError{"missing_headers", "missing X-Webhook-Signature"}
	}
	match := bodySignaturePattern.FindStringSubmatch(value)
	if match == nil {
		return &WebhookError{"invalid_signature", `X-Webhook-Signature is not "sha256=<hex>"`}
	}
	key, err := HMACKey(secret)
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(body)
	received, _ := hex.DecodeString(match[1])
	if !hmac.Equal(mac.Sum(nil), received) {
		return &WebhookError{"invalid_signature", "X-Webhook-Signature does not match"}
	}
	return nil
}

// VerifyToken checks a channel webhook's token header. The token does not cover the body: also check
// VerifyHMACV1(token, ...), since channel webhooks are signed with their token as secret.
func VerifyToken(token string, header http.Header, headerName string) error {
	received := strings.TrimSpace(header.Get(headerName))
	if received == "" {
		return &WebhookError{"missing_headers", "missing " + headerName}
	}
	// Comparing digests leaks neither the token nor its length.
	expected, got := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(received))
	if subtle.ConstantTimeCompare(expected[:], got[:]) != 1 {
		return &WebhookError{"invalid_signature", headerName + " does not match"}
	}
	return nil
}

var unixSeconds = regexp.MustCompile(`^[0-9]{1,15}$`)

func standardHeaders(header http.Header, now time.Time) (id, timestamp string, err error) {
	var missing []string
	for _, name := range []string{"webhook-id", "webhook-timestamp", "webhook-signature"} {
		if strings.TrimSpace(header.Get(name)) == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return "", "", &WebhookError{"missing_headers", "missing " + strings.Join(missing, ", ")}
	}
	id, timestamp = strings.TrimSpace(header.Get("webhook-id")), strings.TrimSpace(header.Get("webhook-timestamp"))
	if !unixSeconds.MatchString(timestamp) {
		return "", "", &WebhookError{"invalid_signature", "webhook-timestamp is not Unix seconds"}
	}
	seconds, _ := strconv.ParseInt(timestamp, 10, 64)
	if age := now.Unix() - seconds; age > ToleranceSeconds || age < -ToleranceSeconds {
		return "", "", &WebhookError{"timestamp_out_of_tolerance", "webhook-timestamp is too old or too far in the future"}
	}
	return id, timestamp, nil
}

// signatures decodes the "<version>,<base64>" entries of every webhook-signature header (space-separated; a
// trailing comma is dropped, for proxies that join repeated headers with ", ").
func signatures(header http.Header, version string) [][]byte {
	var decoded [][]byte
	for _, value := range header.Values("webhook-signature") {
		for _, entry := range strings.Fields(value) {
			parts := strings.SplitN(strings.TrimRight(entry, ","), ",", 2)
			if len(parts) != 2 || parts[0] != version {
				continue
			}
			if signature, err := base64.StdEncoding.DecodeString(parts[1]); err == nil {
				decoded = append(decoded, signature)
			}
		}
	}
	return decoded
}

type vectorFile struct {
	Now         int64  `json:"now"`
	TokenHeader string `json:"token_header"`
	Vectors     []struct {
		Name, Scheme, Key, Body, Expected string
		Headers                           map[string]string
	} `json:"vectors"`
}

func main() {
	path := filepath.Join("..", "..", "vectors.json")
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	var file vectorFile
	if err := json.Unmarshal(raw, &file); err != nil {
		panic(err)
	}
	now, passed := time.Unix(file.Now, 0), 0
	for _, v := range file.Vectors {
		header := http.Header{}
		for name, value := range v.Headers {
			header.Set(name, value)
		}
		body := []byte(v.Body)
		var err error
		switch v.Scheme {
		case "hmac-v1":
			err = VerifyHMACV1(v.Key, header, body, now)
		case "body-hmac":
			err = VerifyBodyHMAC(v.Key, header, body)
		case "token":
			err = VerifyToken(v.Key, header, file.TokenHeader)
		case "ed25519-v1a":
			err = VerifyEd25519V1a(v.Key, header, body, now)
		}
		result := "valid"
		var webhookError *WebhookError
		if errors.As(err, &webhookError) {
			result = webhookError.Code
		} else if err != nil {
			result = err.Error()
		}
		status := "ok  "
		if result == v.Expected {
			passed++
		} else {
			status = "FAIL"
		}
		fmt.Printf("%s %s: %s -> %s\n", status, v.Scheme, v.Name, result)
	}
	fmt.Printf("go: %d/%d vectors ok\n", passed, len(file.Vectors))
	if passed != len(file.Vectors) {
		os.Exit(1)
	}
}
