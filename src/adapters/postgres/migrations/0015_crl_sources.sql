-- The CRL distribution points of certificates from recognised CAs (issue 14 point 4, decision
-- 0019): one row per source URL, the last CRL verified from it (issuer, dates, revoked serials)
-- and the state of its fetches. Written by the cluster-wide refresh job (one process per period)
-- and at a certificate's registration; read by every process at its trust refresh.
CREATE TABLE crl_sources (
  url               text PRIMARY KEY CHECK (url ~ '^https?://'),
  -- the last CRL that verified: its issuer (one-line DN) and the recognised CA that signed it
  issuer            text,
  -- SHA-256 (hex) of the DER of the CRL's issuer name: matched against the certificates' issuer
  issuer_key        char(64),
  signer_fingerprint char(64),
  this_update       timestamptz,
  next_update       timestamptz,
  crl_number        text,
  -- serial numbers listed (lowercase hex without leading zeros)
  revoked_serials   text[] NOT NULL DEFAULT '{}',
  -- the fetches: the last attempt, the last one that gave a verified CRL, the last failure
  last_fetch_at     timestamptz,
  -- whether that last attempt gave a verified CRL
  last_fetch_ok     boolean,
  last_success_at   timestamptz,
  last_error        text,
  last_error_at     timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
