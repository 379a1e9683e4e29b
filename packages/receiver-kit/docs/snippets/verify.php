<?php
// Verify Hookline webhook deliveries in PHP 7.3+ (no Composer package: hash and json are built in, and
// ed25519 comes from ext-sodium, bundled with PHP since 7.2 and enabled in most builds).
//
// Every hookline_verify_* function takes the raw body exactly as received (file_get_contents('php://input'),
// before json_decode) and the headers by lower-case name (array_change_key_case(getallheaders()), or
// $request->headers->get(...) in Symfony/Laravel). It returns nothing for a valid delivery and throws
// HooklineWebhookError otherwise; its $code is the TypeScript receiver kit's: missing_headers,
// invalid_signature, timestamp_out_of_tolerance.
//
// `php verify.php [vectors.json]` checks every test vector.

const HOOKLINE_TOLERANCE_SECONDS = 300;

final class HooklineWebhookError extends Exception
{
    public $webhookCode;

    public function __construct(string $webhookCode, string $message)
    {
        parent::__construct($message);
        $this->webhookCode = $webhookCode;
    }
}

/** A whsec_ secret is base64 after its prefix; any other secret (a channel token) is its UTF-8 bytes. */
function hookline_hmac_key(string $secret): string
{
    return strncmp($secret, 'whsec_', 6) === 0 ? base64_decode(substr($secret, 6), true) : $secret;
}

/** Standard Webhooks: webhook-signature holds "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries. */
function hookline_verify_hmac_v1(string $secret, array $headers, string $body, ?int $now = null): void
{
    [$id, $timestamp] = hookline_standard_headers($headers, $now ?? time());
    $expected = hash_hmac('sha256', "$id.$timestamp.$body", hookline_hmac_key($secret), true);
    foreach (hookline_signatures($headers, 'v1') as $received) {
        if (hash_equals($expected, $received)) {
            return;
        }
    }
    throw new HooklineWebhookError('invalid_signature', 'no v1 signature matches');
}

/** Standard Webhooks v1a: "v1a,<base64 ed25519 signature of id.timestamp.body>", key "whpk_<base64 of 32 bytes>". */
function hookline_verify_ed25519_v1a(string $publicKey, array $headers, string $body, ?int $now = null): void
{
    $key = strncmp($publicKey, 'whpk_', 5) === 0 ? base64_decode(substr($publicKey, 5), true) : false;
    if ($key === false || strlen($key) !== SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES) {
        throw new InvalidArgumentException('an ed25519 public key is whpk_ + base64 of 32 bytes');
    }
    [$id, $timestamp] = hookline_standard_headers($headers, $now ?? time());
    foreach (hookline_signatures($headers, 'v1a') as $signature) {
        if (strlen($signature) === SODIUM_CRYPTO_SIGN_BYTES && sodium_crypto_sign_verify_detached($signature, "$id.$timestamp.$body", $key)) {
            return;
        }
    }
    throw new HooklineWebhookError('invalid_signature', 'no v1a signature matches');
}

/** X-Webhook-Signature: "sha256=<hex HMAC-SHA256 of the body>". No timestamp, so a captured delivery can be replayed. */
function hookline_verify_body_hmac(string $secret, array $headers, string $body): void
{
    $header = trim($headers['x-webhook-signature'] ?? '');
    if ($header === '') {
        throw new HooklineWebhookError('missing_headers', 'missing x-webhook-signature');
    }
    if (!preg_match('/^sha256=([0-9a-fA-F]{64})$/D', $header, $match)) {
        throw new HooklineWebhookError('invalid_signature', 'x-webhook-signature is not "sha256=<hex>"');
    }
    if (!hash_equals(hash_hmac('sha256', $body, hookline_hmac_key($secret)), strtolower($match[1]))) {
        throw new HooklineWebhookError('invalid_signature', 'x-webhook-signature does not match');
    }
}

/** A channel webhook's token header. It does not cover the body: also check hookline_verify_hmac_v1($token, ...). */
function hookline_verify_token(string $token, array $headers, string $headerName = 'x-webhook-token'): void
{
    $received = trim($headers[$headerName] ?? '');
    if ($received === '') {
        throw new HooklineWebhookError('missing_headers', "missing $headerName");
    }
    // Comparing digests leaks neither the token nor its length.
    if (!hash_equals(hash('sha256', $token, true), hash('sha256', $received, true))) {
        throw new HooklineWebhookError('invalid_signature', "$headerName does not match");
    }
}

function hookline_standard_headers(array $headers, int $now): array
{
    $missing = array_values(array_filter(['webhook-id', 'webhook-timestamp', 'webhook-signature'], function ($name) use ($headers) {
        return trim($headers[$name] ?? '') === '';
    }));
    if ($missing) {
        throw new HooklineWebhookError('missing_headers', 'missing ' . implode(', ', $missing));
    }
    $timestamp = trim($headers['webhook-timestamp']);
    if (!preg_match('/^[0-9]{1,15}$/D', $timestamp)) {
        throw new HooklineWebhookError('invalid_signature', 'webhook-timestamp is not Unix seconds');
    }
    if (abs($now - (int) $timestamp) > HOOKLINE_TOLERANCE_SECONDS) {
        throw new HooklineWebhookError('timestamp_out_of_tolerance', 'webhook-timestamp is too old or too far in the future');
    }
    return [trim($headers['webhook-id']), $timestamp];
}

/** The decoded "<version>,<base64>" entries; a trailing comma is dropped (repeated headers arrive joined by ", "). */
function hookline_signatures(array $headers, string $version): array
{
    $signatures = [];
    foreach (preg_split('/\s+/', trim($headers['webhook-signature']), -1, PREG_SPLIT_NO_EMPTY) as $entry) {
        $parts = explode(',', rtrim($entry, ','), 2);
        if (count($parts) === 2 && $parts[0] === $version && ($decoded = base64_decode($parts[1], true)) !== false) {
            $signatures[] = $decoded;
        }
    }
    return $signatures;
}

if (PHP_SAPI === 'cli' && realpath($_SERVER['SCRIPT_FILENAME']) === __FILE__) {
    $file = json_decode(file_get_contents($argv[1] ?? __DIR__ . '/../../vectors.json'), true, 512, JSON_THROW_ON_ERROR);
    $passed = 0;
    foreach ($file['vectors'] as $v) {
        try {
            switch ($v['scheme']) {
                case 'hmac-v1': hookline_verify_hmac_v1($v['key'], $v['headers'], $v['body'], $file['now']); break;
                case 'body-hmac': hookline_verify_body_hmac($v['key'], $v['headers'], $v['body']); break;
                case 'token': hookline_verify_token($v['key'], $v['headers'], $file['token_header']); break;
                case 'ed25519-v1a': hookline_verify_ed25519_v1a($v['key'], $v['headers'], $v['body'], $file['now']); break;
            }
            $result = 'valid';
        } catch (HooklineWebhookError $e) {
            $result = $e->webhookCode;
        }
        $ok = $result === $v['expected'];
        $passed += $ok ? 1 : 0;
        printf("%s %s: %s -> %s\n", $ok ? 'ok  ' : 'FAIL', $v['scheme'], $v['name'], $result);
    }
    printf("php: %d/%d vectors ok\n", $passed, count($file['vectors']));
    exit($passed === count($file['vectors']) ? 0 : 1);
}
