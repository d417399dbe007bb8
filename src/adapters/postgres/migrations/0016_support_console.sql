-- The support console (issue 14, decision 0021): the provider's support staff sign in to the web
-- portal's application with their own role. They are web_users of kind SUPPORT: no operator, no
-- profile (their rights are the console's, not a SOAP profile's), the same password hashing,
-- lockout, throttle, server-side sessions and sign-in audit as the operators' users. Their second
-- factor (TOTP) is always required (enforced by WebAccountService, enrolled at first sign-in).
ALTER TABLE web_users ADD COLUMN kind text NOT NULL DEFAULT 'OPERATEUR' CHECK (kind IN ('OPERATEUR', 'SUPPORT'));
ALTER TABLE web_users ALTER COLUMN operator_code DROP NOT NULL;
ALTER TABLE web_users ALTER COLUMN profile_name DROP NOT NULL;
ALTER TABLE web_users ADD CONSTRAINT web_users_kind_scope CHECK (
  (kind = 'OPERATEUR' AND operator_code IS NOT NULL AND profile_name IS NOT NULL)
  OR (kind = 'SUPPORT' AND operator_code IS NULL AND profile_name IS NULL)
);
CREATE INDEX web_users_support ON web_users (identifier) WHERE kind = 'SUPPORT';
