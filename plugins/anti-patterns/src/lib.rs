//! Watches an incident timeline and nudges the incident commander when the response falls into a known anti-pattern.
