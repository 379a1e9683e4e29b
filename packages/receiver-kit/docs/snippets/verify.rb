# Verify Hookline webhook deliveries in Ruby 3.1+ (standard library only: openssl and json; ed25519
# needs the openssl gem 3.0+, which Ruby 3.1 ships, over OpenSSL 1.1.1+).
#
# Every verify_* method takes the raw body exactly as received (request.raw_post in Rails, request.body.read
# in Rack, before any JSON parsing) and a hash of headers by lower-case name (Rails' request.headers answers
# ["webhook-id"] as is). It returns nil for a valid delivery and raises WebhookError otherwise; #code is the
# TypeScript receiver kit's: missing_headers, invalid_signature, timestamp_out_of_tolerance.
#
# `ruby verify.rb [vectors.json]` checks every test vector.
require "json"
require "openssl"

module HooklineWebhook
  TOLERANCE_SECONDS = 300
  # DER prefix of an ed25519 SubjectPublicKeyInfo (RFC 8410): + the 32 raw key bytes, OpenSSL reads the key.
  # (openssl gem 3.2+, Ruby 3.3+, also has OpenSSL::PKey.new_raw_public_key("ED25519", raw).)
  ED25519_SPKI_PREFIX = ["302a300506032b6570032100"].pack("H*")

  class WebhookError < StandardError
    attr_reader :code

    def initialize(code, message)
      super(message)
      @code = code
    end
  end

  module_function

  # A whsec_ secret is base64 after its prefix; any other secret (a channel token) is its UTF-8 bytes.
  def hmac_key(secret)
    secret.start_with?("whsec_") ? secret.delete_prefix("whsec_").unpack1("m0") : secret.b
  end

  # Standard Webhooks: webhook-signature holds "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries.
  def verify_hmac_v1(secret, headers, body, now: Time.now.to_i)
    id, timestamp = standard_headers(headers, now)
    expected = OpenSSL::HMAC.digest("SHA256", hmac_key(secret), "#{id}.#{timestamp}.".b + body.b)
    return if signatures(headers, "v1").any? { |received| secure_equal?(expected, received) }

    raise WebhookError.new("invalid_signature", "no v1 signature matches")
  end

  # Standard Webhooks v1a: "v1a,<base64 ed25519 signature of id.timestamp.body>", key "whpk_<base64 of 32 bytes>".
  def verify_ed25519_v1a(public_key, headers, body, now: Time.now.to_i)
    raw = public_key.start_with?("whpk_") ? public_key.delete_prefix("whpk_").unpack1("m0") : ""
    raise ArgumentError, "an ed25519 public key is whpk_ + base64 of 32 bytes" unless raw.bytesize == 32

    key = OpenSSL::PKey.read(ED25519_SPKI_PREFIX + raw)
    id, timestamp = standard_headers(headers, now)
    content = "#{id}.#{timestamp}.".b + body.b
    valid = signatures(headers, "v1a").any? do |signature|
      signature.bytesize == 64 && key.verify(nil, signature, content)
    rescue OpenSSL::PKey::PKeyError
      false
    end
    raise WebhookError.new("invalid_signature", "no v1a signature matches") unless valid
  end

  # X-Webhook-Signature: "sha256=<hex HMAC-SHA256 of the body>". No timestamp, so a captured delivery can be replayed.
  def verify_body_hmac(secret, headers, body)
    header = headers["x-webhook-signature"].to_s.strip
    raise WebhookError.new("missing_headers", "missing x-webhook-signature") if header.empty?

    match = /\Asha256=(\h{64})\z/.match(header)
    raise WebhookError.new("invalid_signature", 'x-webhook-signature is not "sha256=<hex>"') unless match

    expected = OpenSSL::HMAC.hexdigest("SHA256", hmac_key(secret), body.b)
    return if secure_equal?(expected, match[1].downcase)

    raise WebhookError.new("invalid_signature", "x-webhook-signature does not match")
  end

  # A channel webhook's token header. It does not cover the body: also check verify_hmac_v1(token, ...).
  def verify_token(token, headers, header_name = "x-webhook-token")
    received = headers[header_name].to_s.strip
    raise WebhookError.new("missing_headers", "missing #{header_name}") if received.empty?
    # Comparing digests leaks neither the token nor its length.
    return if secure_equal?(OpenSSL::Digest::SHA256.digest(token), OpenSSL::Digest::SHA256.digest(received))

    raise WebhookError.new("invalid_signature", "#{header_name} does not match")
  end

  def standard_headers(headers, now)
    names = %w[webhook-id webhook-timestamp webhook-signature]
    missing = names.select { |name| headers[name].to_s.strip.empty? }
    raise WebhookError.new("missing_headers", "missing #{missing.join(', ')}") unless missing.empty?

    timestamp = headers["webhook-timestamp"].strip
    raise WebhookError.new("invalid_signature", "webhook-timestamp is not Unix seconds") unless /\A[0-9]{1,15}\z/.match?(timestamp)
    if (now - timestamp.to_i).abs > TOLERANCE_SECONDS
      raise WebhookError.new("timestamp_out_of_tolerance", "webhook-timestamp is too old or too far in the future")
    end

    [headers["webhook-id"].strip, timestamp]
  end

  # The decoded "<version>,<base64>" entries; a trailing comma is dropped (repeated headers arrive joined by ", ").
  def signatures(headers, version)
    headers["webhook-signature"].split.filter_map do |entry|
      entry_version, encoded = entry.chomp(",").split(",", 2)
      next unless entry_version == version && encoded

      begin
        encoded.unpack1("m0")
      rescue ArgumentError
        nil
      end
    end
  end

  def secure_equal?(a, b)
    a.bytesize == b.bytesize && OpenSSL.fixed_length_secure_compare(a, b)
  end
end

if __FILE__ == $PROGRAM_NAME
  file = JSON.parse(File.read(ARGV[0] || File.join(__dir__, "..", "..", "vectors.json")))
  now = file["now"]
  passed = file["vectors"].count do |vector|
    key, headers, body = vector.values_at("key", "headers", "body")
    result = begin
      case vector["scheme"]
      when "hmac-v1" then HooklineWebhook.verify_hmac_v1(key, headers, body, now: now)
      when "body-hmac" then HooklineWebhook.verify_body_hmac(key, headers, body)
      when "token" then HooklineWebhook.verify_token(key, headers, file["token_header"])
      when "ed25519-v1a" then HooklineWebhook.verify_ed25519_v1a(key, headers, body, now: now)
      end
      "valid"
    rescue HooklineWebhook::WebhookError => e
      e.code
    end
    ok = result == vector["expected"]
    puts "#{ok ? 'ok  ' : 'FAIL'} #{vector['scheme']}: #{vector['name']} -> #{result}"
    ok
  end
  puts "ruby: #{passed}/#{file['vectors'].size} vectors ok"
  exit(passed == file["vectors"].size ? 0 : 1)
end
