-- e-SAV en ligne (issue 13): the web portal's accounts, server-side sessions and sign-in audit.
-- Every process serving the portal shares this state (lockout counts, sessions), hence PostgreSQL.

-- An operator may require a second factor (TOTP) of all its portal users.
ALTER TABLE operators ADD COLUMN web_totp_required boolean NOT NULL DEFAULT false;

CREATE TABLE web_users (
  identifier       text PRIMARY KEY CHECK (identifier ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  operator_code    char(4) NOT NULL REFERENCES operators (code),
  -- the same profiles that grant the SOAP operations decide what a user sees and may do
  profile_name     text NOT NULL REFERENCES profiles (name),
  display_name     text NOT NULL,
  -- argon2id, PHC string ($argon2id$v=19$m=…)
  password_hash    text NOT NULL,
  -- base32 TOTP secret once enrolled; NULL: none
  totp_secret      text,
  -- the last TOTP time step accepted: a code is never accepted twice
  totp_last_step   bigint,
  -- consecutive failed sign-ins since the last success, and the lockout they caused
  failed_attempts  integer NOT NULL DEFAULT 0,
  locked_until     timestamptz,
  disabled_at      timestamptz,
  created_at       timestamptz NOT NULL
);
CREATE INDEX web_users_operator ON web_users (operator_code);

CREATE TABLE web_sessions (
  -- SHA-256 of the opaque id in the cookie: a copy of this table opens no session
  id_hash          char(64) PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  -- a handle shown to the user to revoke one of its sessions (never the id)
  public_id        uuid NOT NULL UNIQUE,
  user_identifier  text NOT NULL REFERENCES web_users (identifier) ON DELETE CASCADE,
  -- TOTP: the password was right, the second factor is awaited; ACTIVE: signed in
  stage            text NOT NULL CHECK (stage IN ('TOTP', 'ACTIVE')),
  -- the synchroniser token every form of this session carries
  csrf_token       text NOT NULL,
  totp_failures    integer NOT NULL DEFAULT 0,
  -- the secret offered at enrolment (user without one whose operator requires TOTP), until confirmed
  pending_totp_secret text,
  user_agent       text,
  remote_address   text,
  created_at       timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  revoked_at       timestamptz
);
CREATE INDEX web_sessions_user ON web_sessions (user_identifier);

-- Sign-in audit: every attempt, whatever its outcome, with the identifier as typed.
CREATE TABLE web_sign_ins (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL,
  identifier      text NOT NULL,
  -- NULL when the identifier names no user
  operator_code   char(4),
  outcome         text NOT NULL CHECK (outcome IN (
                    'SUCCES', 'ECHEC', 'VERROUILLAGE', 'REFUS_VERROUILLE', 'REFUS_LIMITE',
                    'TOTP_ATTENDU', 'ECHEC_TOTP', 'DECONNEXION')),
  remote_address  text
);
CREATE INDEX web_sign_ins_address ON web_sign_ins (remote_address, at);
CREATE INDEX web_sign_ins_identifier ON web_sign_ins (identifier, at);
