/**
 * Hand-port debugging: compare a user's own numbers with the reference engine, find where they
 * first part, and replay the known ways hand ports go wrong to name the one that reproduces them.
 */
package kquant.diagnose;
