/**
 * HIPAA keeps required documentation (policies, procedures, and records of the actions and
 * assessments the Security Rule requires) six years from creation or last effective date
 * (45 CFR 164.316(b)(2)(i)): 6 x 365 + 2 leap days.
 */
export const HIPAA_RETENTION_DAYS = 2192;
