//! Finds the past incidents and postmortems most similar to a query or an open incident.
