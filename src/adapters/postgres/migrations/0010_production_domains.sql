-- Production restricted to the promoted domains (issue 12): a production instance now serves an
-- operation only when the caller was promoted for its domain (operators.production_domains,
-- fault 203 otherwise). Operators put in production before promotions recorded their domains
-- (platform set directly, never promoted through the admin API: promoted_at is NULL) were served
-- every domain; they keep that access, recorded as both domains, rather than losing production
-- at the upgrade. Support staff see it in `operateur afficher` like any promotion.
UPDATE operators
   SET production_domains = ARRAY['signalisation', 'test']
 WHERE platform = 'production'
   AND promoted_at IS NULL
   AND cardinality(production_domains) = 0;
