/**
 * The pure domain: the ladder, failures, plans and the escalation state machine. Plain records and
 * an injected {@link java.time.Clock}-free design (time comes in as an argument); no Kubernetes,
 * JOSDK or provider type may be imported here, so the rules can be read and tested alone.
 */
package dev.escalator.operator.ladder;
