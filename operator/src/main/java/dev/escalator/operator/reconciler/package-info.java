/**
 * JOSDK glue, kept thin: read the Environment, feed the state machine, start and poll the runs it
 * names, write status (only when it changed) and emit Events. No business rule lives here.
 */
package dev.escalator.operator.reconciler;
