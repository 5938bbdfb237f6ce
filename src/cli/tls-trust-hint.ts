// A TLS peer whose certificate Node could not verify (self-signed, unknown issuer, expired, wrong
// name) fails with OpenSSL's words; the CLI adds what to do about it: name the CA with --tls-ca.

const untrusted = /self[- ]signed certificate|unable to (get local issuer certificate|verify the first certificate|get issuer certificate)|certificate has expired|certificate is not yet valid|Hostname\/IP does not match certificate|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_HAS_EXPIRED|ERR_TLS_CERT_ALTNAME_INVALID/i;

// The peer refused our certificate (runtime/sip/transport/stream-transport.ts and
// runtime/msrp/msrp-endpoint.ts word it so).
const refused = /refused the TLS handshake: alert|closed the TLS connection right after the handshake/;

/** `message`, followed by the --tls-ca hint when it reports an untrusted certificate. */
export function withTlsTrustHint(message: string): string {
  if (refused.test(message)) {
    // Reported by the receiver: its MSRP connection to this side's a=path was the one refused.
    if (/the receiver (ended|says)/.test(message)) return `${message} (this side's MSRP listener did not accept the receiver's certificate: give this side the CA that signed it with --tls-ca FILE)`;
    return `${message} (the peer does not trust this side's certificate: give it the CA that signed this side's --tls-cert with its --tls-ca FILE, or use a --tls-cert it trusts)`;
  }
  if (!untrusted.test(message)) return message;
  // When the receiver reports it (its BYE or answer), it is the one that must trust our certificate.
  const where = /the receiver (ended|says)/.test(message) ? 'the receiver must be given the CA that signed this side\'s certificate' : 'give the CA that signed the peer\'s certificate';
  return `${message} (the certificate is not trusted: ${where} with --tls-ca FILE)`;
}
