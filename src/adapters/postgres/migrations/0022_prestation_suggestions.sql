-- The portal's line-test page suggests the operator's prestations by identifier prefix instead of
-- listing them all (3 M for one operator at national volumes, issue 16 point 4). One range of this
-- index per offer answers a suggestion, however many prestations the operator has: the "C"
-- collation makes the identifiers starting with a prefix one contiguous range whatever the
-- database's collation. Its leading column serves what prestations_operator served (the foreign
-- key from operators, the operator's prestations), so that one goes: still one index to maintain
-- per prestation written besides the primary key.
CREATE INDEX prestations_operator_offer_identifiant ON prestations (operator_code, offer_code, identifiant COLLATE "C");
DROP INDEX prestations_operator;
